"""A reply to a notice ("kahan jana hai?", "کب تک؟") is answered from that notice and her
household once she is verified; before that, nothing beyond what the notice said."""

from __future__ import annotations

from datetime import timedelta

from bot.assistant.format import day_text
from bot.core import db
from bot.language.i18n import render
from bot.outreach import notice_reply
from tests.channels.conftest import assistant, channel_env, live  # noqa: F401
from tests.outreach.test_notices import (  # noqa: F401 - fixtures
    MORNING,
    ROWS,
    TODAY,
    deliver,
    helpline,
    payment_file,
    run_import,
    twilio_api,
    write_in,
)

NUSRAT_PHONE = ROWS["ready"][1]
UNTIL = TODAY + timedelta(days=20)


def texts(replies, language):
    return [render(r.response, language, **r.params) for r in replies]


def test_a_reply_after_the_notice_is_answered_from_it_and_her_household(
    helpline,  # noqa: F811 - the fixture
    twilio_api,  # noqa: F811
    db_url,
    tmp_path,
):
    write_in(helpline, NUSRAT_PHONE, "meri qist ka kya bana")
    run_import(db_url, payment_file(tmp_path, ["ready"]))
    deliver(db_url, MORNING + timedelta(minutes=1))
    with db.session_scope(db_url) as session:
        context = notice_reply.pending_notice(session, NUSRAT_PHONE, MORNING + timedelta(hours=1))
        assert context is not None and context.kind == "ready_for_collection"
        # Not verified: the notice again, nothing more about her household.
        before = texts(notice_reply.answer(session, context, "when", "roman_ur"), "roman_ur")
        assert len(before) == 1 and "BISP Campsite Alipur" in before[0]
        # Verified: "kab tak?" from her household: until the last day in the file.
        when = notice_reply.answer(session, context, "when", "roman_ur", "3230399000178")
        assert [r.response for r in when] == ["utter_when_collect_now"]
        assert day_text(UNTIL, "roman_ur") in texts(when, "roman_ur")[0]
        where = notice_reply.answer(session, context, "next_step", "ur", "3230399000178")
        [said] = texts(where, "ur")
        assert "BISP Campsite Alipur" in said and "اصل شناختی کارڈ" in said
        # Someone of another household who verified is told nothing of hers.
        other = notice_reply.answer(session, context, "when", "en", "3230399000036")
        assert [r.response for r in other] == [context.response]


def test_a_notice_not_yet_sent_or_long_ago_is_no_context(
    helpline,  # noqa: F811 - the fixture
    twilio_api,  # noqa: F811
    db_url,
    tmp_path,
):
    run_import(db_url, payment_file(tmp_path, ["ready"]))
    with db.session_scope(db_url) as session:
        assert notice_reply.pending_notice(session, NUSRAT_PHONE, MORNING) is None
    deliver(db_url, MORNING + timedelta(minutes=1))
    with db.session_scope(db_url) as session:
        # A WhatsApp reply from the same phone continues the SMS notice.
        assert notice_reply.pending_notice(
            session, f"whatsapp:{NUSRAT_PHONE}", MORNING + timedelta(hours=2)
        )
        assert (
            notice_reply.pending_notice(session, NUSRAT_PHONE, MORNING + timedelta(days=4)) is None
        )
