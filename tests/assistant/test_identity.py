"""The identity check: second factor, phone on record, and the lock-out after wrong answers."""

from __future__ import annotations

import pytest

from bot.assistant import identity
from bot.core.settings import get_settings
from bot.registry.personas import PERSONAS
from bot.registry.seed import ensure_demo_registry

PAID = next(p for p in PERSONAS if p.key == "paid")
ABSENT = next(p for p in PERSONAS if p.key == "not_in_registry")


@pytest.fixture()
def registry(session):
    ensure_demo_registry(session, synthetic_households=0)
    session.commit()
    return session


def test_the_right_issue_date_verifies(registry):
    outcome = identity.answer(registry, PAID.cnic, PAID.cnic_issue_date.strftime("%d/%m/%Y"), "s1")
    assert outcome.slots["verified"] is True and outcome.slots["verified_cnic"] == PAID.cnic


def test_the_phone_on_record_verifies_without_a_question(registry):
    outcome = identity.start(registry, PAID.cnic, PAID.phone, "s2")
    assert [r.response for r in outcome.replies] == ["utter_verified_by_phone"]
    assert outcome.slots["verified"] is True


def test_another_phone_still_gets_the_question(registry):
    outcome = identity.start(registry, PAID.cnic, "+923009999999", "s3")
    assert outcome.replies == [] and outcome.slots["verified"] is False


def _steps(session, cnic: str, sender: str, answers: list) -> list:
    """What each step told the person: the question (start), then each answer's reply."""
    told = [[(r.response, r.params) for r in identity.start(session, cnic, None, sender).replies]]
    for text in answers:
        outcome = identity.answer(session, cnic, text, sender)
        told.append([(r.response, r.params) for r in outcome.replies])
    return told


def test_a_cnic_not_in_the_registry_is_asked_and_answered_like_a_wrong_date(registry):
    """No membership oracle: same question, same replies, same count, same lock-out."""
    wrong = ["01-01-2001"] * (get_settings().VERIFY_MAX_FAILURES + 1)
    absent = _steps(registry, ABSENT.cnic, "s4", wrong)
    registered = _steps(registry, PAID.cnic, "s4b", wrong)
    assert absent == registered
    assert absent[0] == [] and absent[1][0][0] == "utter_verification_failed"
    assert absent[-1][0][0] == "utter_verification_locked"


def test_an_unreadable_date_does_not_count_as_a_wrong_answer(registry):
    for _ in range(5):
        outcome = identity.answer(registry, PAID.cnic, "kal", "s5")
        assert [r.response for r in outcome.replies] == ["utter_invalid_date"]
    assert not identity.is_locked(registry, PAID.cnic, "s5")


def test_wrong_answers_lock_the_cnic_even_from_another_conversation(registry):
    limit = get_settings().VERIFY_MAX_FAILURES
    remaining = []
    for i in range(limit):
        outcome = identity.answer(registry, PAID.cnic, "01-01-2001", f"guesser-{i}")
        remaining.append(outcome.replies[0].params.get("remaining"))
    assert outcome.replies[0].response == "utter_verification_locked"
    assert remaining[0] == limit - 1
    # The right answer no longer helps, from any sender, until the lock expires.
    late = identity.answer(
        registry, PAID.cnic, PAID.cnic_issue_date.strftime("%d-%m-%Y"), "someone-else"
    )
    assert late.slots.get("verified") is False
    assert late.replies[0].response == "utter_verification_locked"


def test_the_last_try_is_told_in_the_singular_in_every_language(registry):
    from bot.language.i18n import render

    limit = get_settings().VERIFY_MAX_FAILURES
    for _ in range(limit - 1):
        outcome = identity.answer(registry, PAID.cnic, "01-01-2001", "one-more")
    (reply,) = outcome.replies
    said = {lang: render(reply.response, lang, **reply.params) for lang in ("en", "ur", "roman_ur")}
    assert "1 more try." in said["en"] and "tries" not in said["en"]
    assert "1 مزید کوشش ہے" in said["ur"] and "کوششیں" not in said["ur"]
    assert "1 aur koshish hai" in said["roman_ur"] and "koshishen" not in said["roman_ur"]


@pytest.mark.parametrize("typed, singular", [("5", True), ("35", False)])
def test_a_one_digit_number_is_not_called_digits(typed, singular):
    (reply,) = identity.cnic_problem(identity.read_cnic(typed))
    assert reply.response.endswith("_one") is singular


def test_a_lock_out_says_until_when(registry):
    from datetime import datetime, timedelta

    limit = get_settings().VERIFY_MAX_FAILURES
    start = datetime(2026, 12, 1, 9, 0)
    for i in range(limit):
        outcome = identity.answer(
            registry, PAID.cnic, "01-01-2001", "locked-out", now=start + timedelta(minutes=i)
        )
    (reply,) = outcome.replies
    until = start + timedelta(hours=get_settings().VERIFY_LOCK_HOURS)
    assert identity.locked_until(registry, PAID.cnic, "locked-out", start) == until
    # 09:00 UTC is 14:00 in Pakistan
    assert reply.response == "utter_verification_locked"
    assert reply.params["until"] == "2 Dec 2026, 14:00"
    later = until + timedelta(seconds=1)
    assert identity.locked_until(registry, PAID.cnic, "locked-out", later) is None
