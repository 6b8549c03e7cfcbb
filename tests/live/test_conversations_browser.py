"""Two browser windows: the citizen's phone and the staff's /conversations page.

The phone (tests/auxil/phone_page.py) sends signed SMS webhooks to the running helpline
and shows what reaches the number; the staff page is the real console on the live
assistant's database, updating itself while the citizen writes.
"""

from __future__ import annotations

import pytest

from tests.auxil.browser import ARTIFACTS, serve_console
from tests.auxil.phone_page import PhonePage
from tests.live.conftest import console_settings

pytestmark = [pytest.mark.model, pytest.mark.browser]

NUMBER = "+923219876630"


def test_staff_take_over_a_waiting_sms_conversation_live(
    live_assistant, media_hosts, page, phone_page, monkeypatch
):
    monkeypatch.setenv("TWILIO_API_BASE_URL", media_hosts.api.base_url)
    phone = PhonePage(live_assistant, NUMBER, media_hosts.api).start()
    try:
        with serve_console(console_settings(live_assistant)) as console:
            staff = page
            staff.goto(f"{console}/conversations")
            staff.fill("#username", "sup-muzaffargarh")
            staff.fill("#password", "demo")
            staff.click("button:has-text('Sign in')")
            staff.wait_for_url(f"{console}/conversations")
            try:
                _conversation(staff, phone_page, phone.url)
            finally:
                staff.click("button:has-text('Sign out')")  # off duty again
    finally:
        phone.stop()


def _send(phone_page, text: str) -> None:  # type: ignore[no-untyped-def]
    phone_page.fill("#t", text)
    phone_page.click("button:has-text('Send')")


def _conversation(staff, phone_page, phone_url: str) -> None:  # type: ignore[no-untyped-def]
    phone_page.goto(phone_url)
    _send(phone_page, "kisi insaan se baat karao")
    phone_page.wait_for_selector("li.in:has-text('minute')")

    masked = "+92321*****30"
    staff.click(f"#live-list a:has-text('{masked}')")  # the list updated by itself
    staff.wait_for_selector("#chat-messages li.msg-citizen:has-text('kisi insaan')")
    staff.click("#take-over")
    staff.wait_for_selector("#send-form:not([hidden])")

    _send(phone_page, "meri qist teen mahine se nahi ayi")
    staff.wait_for_selector("#chat-messages li.msg-citizen:has-text('teen mahine')")
    assert phone_page.locator("li.in").count() == 1, "the assistant stays silent"

    staff.fill("#send-text", "Salam, main Ayesha hoon. Aap ka record dekh rahi hoon.")
    staff.click("#send-form button")
    phone_page.wait_for_selector("li.pushed:has-text('Ayesha')")
    staff.wait_for_selector("#chat-messages li.msg-staff:has-text('sent')")
    staff.screenshot(path=str(ARTIFACTS / "console-live-conversation.png"), full_page=True)
    phone_page.screenshot(path=str(ARTIFACTS / "phone-live-conversation.png"), full_page=True)

    staff.click("#hand-back")
    phone_page.wait_for_selector("li.pushed:has-text('Madadgar dobara')")
    _send(phone_page, "shukriya")
    phone_page.wait_for_selector("li.in:not(.pushed) >> nth=1")  # the assistant answers again
