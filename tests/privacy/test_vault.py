"""The CNIC vault: references stand in for CNICs, the digits are sealed in their own table."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from bot.assistant import identity
from bot.assistant.complaints import ComplaintDraft, file_complaint
from bot.assistant.people import person_context
from bot.channels.credentials import credentials_for
from bot.channels.rest import VaultedRestInput, vaulted
from bot.core.reference import REFERENCE, is_reference
from bot.core.settings import get_settings
from bot.privacy.vault import CnicVault, describe_references, real_cnic, substitute_text
from bot.registry.personas import PERSONAS
from bot.registry.seed import ensure_demo_registry
from bot.tickets.models import Ticket

PAID = next(p for p in PERSONAS if p.key == "paid")
DASHED = f"{PAID.cnic[:5]}-{PAID.cnic[5:12]}-{PAID.cnic[12]}"
URDU = DASHED.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def test_the_same_cnic_in_any_form_gets_the_same_reference(session):
    vault = CnicVault(session)
    refs = {vault.put(form) for form in (PAID.cnic, DASHED, URDU, DASHED.replace("-", " "))}
    assert len(refs) == 1
    ref = refs.pop()
    assert ref.startswith("CNIC#") and is_reference(ref)
    assert vault.resolve(ref) == PAID.cnic
    assert vault.resolve(ref.upper().replace("CNIC#", "cnic#")) == PAID.cnic


def test_another_key_gives_other_references_and_cannot_unseal(session):
    ours = CnicVault(session).put(PAID.cnic)
    theirs = CnicVault(session, key="another-key").reference(PAID.cnic)
    assert ours != theirs
    assert CnicVault(session, key="another-key").resolve(ours) is None


def test_the_table_holds_no_digits_of_the_cnic(session):
    CnicVault(session).put(PAID.cnic)
    session.commit()
    rows = session.execute(text("SELECT reference, sealed FROM privacy_cnic_vault")).all()
    assert rows and all(PAID.cnic not in "".join(row) for row in rows)
    assert all("9900001" not in "".join(row) for row in rows)


def test_unknown_or_malformed_references_resolve_to_nothing(session):
    vault = CnicVault(session)
    assert vault.resolve("CNIC#bab" * 1) is None
    assert vault.resolve(vault.reference("35202-1234567-1")) is None  # never stored
    assert vault.real_cnic("not a cnic") is None


def test_substitute_vaults_every_cnic_and_everything_shaped_like_one(db_url):
    said = (
        f"mera cnic {DASHED} hai aur biwi ka {URDU}, bhai ka 32303-990000-1, phir 32303-990000-12"
    )
    out = substitute_text(said)
    assert PAID.cnic[5:12] not in out and "۹۹۰۰۰۰۱" not in out
    # Twelve digits are no CNIC, but one digit short of a person's: vaulted as well.
    assert len(REFERENCE.findall(out)) == 4
    assert "990000" not in out
    assert substitute_text(out) == out
    assert substitute_text("") == "" and substitute_text(None) is None


def test_a_cnic_one_digit_from_a_real_one_is_vaulted_and_still_refused(db_url):
    """A wrong first digit: nothing of it reaches the tracker, and she is told what is wrong."""
    out = substitute_text("mera cnic 02303-9900001-2 hai")
    assert not any(ch.isdigit() for ch in out.replace(REFERENCE.search(out).group(0), ""))
    assert "9900001" not in out
    check = identity.read_cnic(out)
    assert not check.ok and identity.cnic_problem(check)[0].response == "utter_invalid_cnic_prefix"
    short = identity.read_cnic(substitute_text("35202-123456-1"))
    assert not short.ok and short.found_digits == 12
    valid = identity.read_cnic(substitute_text(DASHED))
    assert valid.ok and is_reference(valid.digits)


def test_a_reference_glued_to_words_is_set_apart(db_url):
    out = substitute_text(f"cnic{PAID.cnic}hai")
    assert REFERENCE.search(out) and PAID.cnic not in out


def test_staff_see_references_as_masked_cnics(session):
    ref = CnicVault(session).put(PAID.cnic)
    assert (
        describe_references(session, f"[handoff] {ref} | madad")
        == "[handoff] 32303-*****01-2 | madad"
    )


def test_identity_reads_a_reference_and_keeps_it_in_the_slot(db_url):
    ref = substitute_text(DASHED)
    check = identity.read_cnic(f"ye hai {ref}")
    assert check.ok and check.digits == ref
    # Digits that reached the action server unvaulted are vaulted there.
    assert identity.read_cnic(DASHED).digits == ref
    # A wrong digit count is still explained, and nothing is vaulted for it.
    twelve = identity.read_cnic("32303-990000-1")
    assert not twelve.ok and twelve.found_digits == 12
    assert identity.cnic_problem(twelve)[0].params == {"found": 12}
    forged = identity.read_cnic(CnicVault(key="x").reference("35202-1234567-1"))
    assert not forged.ok and identity.cnic_problem(forged)[0].response == "utter_ask_cnic"


def test_services_take_the_reference_and_the_ticket_keeps_the_real_cnic(session):
    ensure_demo_registry(session, synthetic_households=0)
    session.commit()
    ref = CnicVault(session).put(PAID.cnic)
    assert real_cnic(session, ref) == PAID.cnic
    assert person_context(session, ref).district == person_context(session, PAID.cnic).district
    outcome = identity.start(session, ref, PAID.phone, "s1")
    assert outcome.slots["verified"] is True and outcome.slots["verified_cnic"] == ref
    issue = PAID.cnic_issue_date.strftime("%d-%m-%Y")
    assert identity.answer(session, ref, issue, "s2").slots["verified_cnic"] == ref
    file_complaint(
        session, ComplaintDraft("deduction", f"agent cut 500, cnic {ref}", ref, amount=500)
    )
    ticket = session.query(Ticket).one()
    assert ticket.cnic == PAID.cnic
    assert ref not in ticket.description and "32303-*****01-2" in ticket.description


def test_rest_channel_is_ours_under_the_stock_name(db_url):
    assert VaultedRestInput.name() == "rest"
    assert credentials_for(get_settings())["bot.channels.rest.VaultedRestInput"] == {}
    seen = []

    async def on_new_message(message):
        seen.append(message.text)

    class Message:
        text = f"my cnic {DASHED}"

    asyncio.run(vaulted(on_new_message)(Message()))
    assert seen and PAID.cnic[5:12] not in seen[0] and REFERENCE.search(seen[0])
