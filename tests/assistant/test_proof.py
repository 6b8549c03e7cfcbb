"""The verification proof: bound to the conversation and the CNIC, lapsing when idle."""

from __future__ import annotations

from bot.assistant import proof
from bot.core.settings import get_settings

CNIC = "cnicref:abc"


def test_a_proof_holds_for_its_conversation_and_cnic_only():
    token = proof.issue("sms:+923006100012", CNIC, now=1000)
    assert proof.holds(token, "sms:+923006100012", CNIC, now=1001)
    assert not proof.holds(token, "rest:+923006100012", CNIC, now=1001)
    assert not proof.holds(token, "sms:+923006100012", "cnicref:other", now=1001)


def test_a_proof_lapses_after_the_idle_window():
    idle = get_settings().VERIFY_IDLE_MINUTES * 60
    token = proof.issue("telegram:42", CNIC, now=1000)
    assert proof.holds(token, "telegram:42", CNIC, now=1000 + idle - 1)
    assert not proof.holds(token, "telegram:42", CNIC, now=1000 + idle + 1)


def test_slots_alone_prove_nothing():
    for forged in (None, "", "true", "9999999999.", "9999999999.00", "x.y"):
        assert not proof.holds(forged, "rest:a", CNIC, now=1000)
    # A later expiry written into a real proof breaks its signature.
    expires, _, signature = proof.issue("rest:a", CNIC, now=1000).partition(".")
    assert not proof.holds(f"{int(expires) + 3600}.{signature}", "rest:a", CNIC, now=1000)
