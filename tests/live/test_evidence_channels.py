"""Photos, voice notes and PDFs sent on WhatsApp become evidence on the citizen's ticket.

Over the real Twilio webhook of a running Rasa (trained model): Twilio's media host is a
loopback server behind the account's basic auth (tests/auxil/twilio_fakes.py), listed on
MEDIA_HOSTS; a second loopback host is not. Staff see the files through the console.
"""

from __future__ import annotations

import hashlib
import re
import uuid

import pytest
from sqlalchemy import create_engine, select

from bot.core.audit import AuditLog
from bot.evidence.models import PendingMedia, TicketAttachment
from bot.registry.personas import PERSONAS
from tests.channels.test_live_channels import Phone, is_urdu_script

pytestmark = pytest.mark.model

TICKET = re.compile(r"PCMS-\d{8}")
OGG = b"OggS\x00\x02" + bytes(range(256)) * 8  # a voice note's first bytes are "OggS"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(300)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(400)
PDF = b"%PDF-1.4\n" + b"1 0 obj << >> endobj\n" * 20
PERSONA = {p.key: p for p in PERSONAS}


def serve(media_hosts, content_type: str, data: bytes, via_cdn: bool = False) -> str:
    """A Twilio media URL for `data` (optionally redirecting to the CDN, as Twilio does)."""
    name = f"Media/ME{uuid.uuid4().hex}"
    if via_cdn:
        media_hosts.cdn.files[name] = (content_type, data)
        return media_hosts.twilio.url(f"redirect/{name}")
    media_hosts.twilio.files[name] = (content_type, data)
    return media_hosts.twilio.url(name)


def rows(database_url: str, query):  # type: ignore[no-untyped-def]
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as conn:
            return list(conn.execute(query).mappings())
    finally:
        engine.dispose()


def attachments(database_url: str, number: str) -> list:
    from bot.tickets.models import Ticket

    return rows(
        database_url,
        select(TicketAttachment.__table__)
        .join(Ticket.__table__, Ticket.id == TicketAttachment.ticket_id)
        .where(Ticket.number == number),
    )


def file_complaint(phone: Phone, persona, complaint: str, place: str, media=None) -> str:  # type: ignore[no-untyped-def]
    """A deduction complaint; `media` is sent while the assistant asks where and when."""
    phone.text(complaint)
    asked = phone.text(persona.cnic)
    # Until she is verified the registry fills in nothing: the form asks her district.
    if any(word in asked.lower() for word in ("district", "zila", "ضلع")):
        phone.text(persona.district)
    held = "\n".join(phone.send_text("", media)) if media else ""
    return held + "\n" + phone.text(place)


def test_a_voice_note_during_a_complaint_is_attached_and_staff_play_it(
    live_assistant, media_hosts, console_for
):
    """Roman Urdu: the voice note waits for the ticket, then staff in scope play it."""
    naseem = PERSONA["cnic_expired"]  # Muzaffargarh
    phone = Phone(live_assistant, "whatsapp", naseem.phone)
    url = serve(media_hosts, "audio/ogg", OGG)
    told = file_complaint(
        phone,
        naseem,
        "agent ne meri qist se 700 rupay kaat liye",
        "Alipur ki Madina dukaan par kal",
        media=[(url, "audio/ogg")],
    )
    assert "mil gayi" in told and "Shikayat darj hote hi" in told, told
    number = TICKET.search(told).group()
    assert f"voice note) shikayat {number} ke saath laga di gayi" in told, told
    assert not is_urdu_script(told)

    [stored] = attachments(live_assistant.database_url, number)
    digest = hashlib.sha256(OGG).hexdigest()
    assert (stored["sha256"], stored["content_type"], stored["size"]) == (
        digest,
        "audio/ogg",
        len(OGG),
    )
    assert OGG[:64] not in stored["data"], "the file is stored sealed"

    staff = console_for("agent-muzaffargarh")
    listed = staff.get(f"/api/tickets/{number}").json()["attachments"]
    assert listed == [
        {
            "sha256": digest,
            "content_type": "audio/ogg",
            "size": len(OGG),
            "received_at": listed[0]["received_at"],
        }
    ]
    page = staff.get(f"/tickets/{number}").text
    src = f"/tickets/{number}/attachments/{digest}"
    assert f'<audio controls preload="none" src="{src}">' in page
    played = staff.get(src)
    assert played.status_code == 200 and played.content == OGG
    assert played.headers["content-type"] == "audio/ogg"
    views = rows(
        live_assistant.database_url,
        select(AuditLog.__table__).where(
            AuditLog.action == "view_attachment", AuditLog.ticket_number == number
        ),
    )
    assert [v["username"] for v in views] == ["agent-muzaffargarh"]
    # Out of scope: the same answer as for a ticket that does not exist.
    assert console_for("agent-quetta").get(src).status_code == 404


def test_a_photo_with_the_ticket_number_and_one_without_in_english(live_assistant, media_hosts):
    farzana = PERSONA["government_employee"]
    phone = Phone(live_assistant, "whatsapp", farzana.phone)
    done = file_complaint(
        phone,
        farzana,
        "the agent cut 600 rupees from my payment",
        "at Madina store Alipur yesterday",
    )
    number = TICKET.search(done).group()

    [with_number] = phone.send_text(number, [(serve(media_hosts, "image/png", PNG), "image/png")])
    assert with_number.startswith("Thank you. Your file (photo) is attached to complaint " + number)

    [asked] = phone.send_text("", [(serve(media_hosts, "image/jpeg", JPEG), "image/jpeg")])
    assert "Is it for a complaint you made? Send its number" in asked
    assert len(attachments(live_assistant.database_url, number)) == 1
    answered = phone.text(f"my complaint {number}")
    assert f"Your file (photo) is attached to complaint {number}" in answered, answered
    kinds = {a["content_type"] for a in attachments(live_assistant.database_url, number)}
    assert kinds == {"image/png", "image/jpeg"}


def test_a_pdf_redirected_to_the_cdn_joins_a_complaint_in_urdu(live_assistant, media_hosts):
    zarghuna = PERSONA["nashonuma"]  # Quetta
    phone = Phone(live_assistant, "whatsapp", zarghuna.phone)
    url = serve(media_hosts, "application/pdf", PDF, via_cdn=True)
    told = file_complaint(
        phone,
        zarghuna,
        "ایجنٹ نے میرے پیسوں میں سے 800 روپے کاٹ لیے",
        "کوئٹہ کی مدینہ دکان پر کل",
        media=[(url, "application/pdf")],
    )
    assert is_urdu_script(told), told
    number = TICKET.search(told).group()
    assert f"آپ کی فائل (دستاویز) شکایت {number} کے ساتھ لگا دی گئی ہے" in told, told
    [stored] = attachments(live_assistant.database_url, number)
    assert stored["content_type"] == "application/pdf"


def test_forged_oversized_off_list_and_disguised_media_are_refused(live_assistant, media_hosts):
    phone = Phone(live_assistant, "whatsapp", "+923219876620")
    sender = "whatsapp:+923219876620"
    before = len(media_hosts.twilio.served) + len(media_hosts.elsewhere.served)
    off_list = media_hosts.elsewhere.url("Media/ME1")
    media_hosts.elsewhere.files["Media/ME1"] = ("image/jpeg", JPEG)
    media_hosts.elsewhere.files["Media/ME2"] = ("image/jpeg", JPEG)
    media_hosts.twilio.redirect_to = media_hosts.elsewhere.base_url  # a redirect off the list
    try:
        cases = {
            "off the allow-list": off_list,
            "cloud metadata": "http://169.254.169.254/latest/meta-data/",
            "redirected off the list": media_hosts.twilio.url("redirect/Media/ME2"),
            "over 5 MB": serve(media_hosts, "image/jpeg", JPEG + bytes(5 * 1024 * 1024)),
            "a web page named as a photo": serve(media_hosts, "image/jpeg", b"<html>hi</html>"),
        }
        for case, url in cases.items():
            [reply] = phone.send_text("", [(url, "image/jpeg")])
            assert "Maazrat, yeh file qabool nahi ho saki" in reply, case
    finally:
        media_hosts.twilio.redirect_to = media_hosts.cdn.base_url
    assert media_hosts.elsewhere.served == [], "nothing is fetched from a host off the list"
    fetched = len(media_hosts.twilio.served) + len(media_hosts.elsewhere.served) - before
    assert fetched == 2  # the oversized file and the disguised page, both read and refused

    # A request not signed by Twilio reaches nothing and fetches nothing.
    phone.token = "not-the-auth-token"
    phone.send_text("", [(serve(media_hosts, "image/png", PNG), "image/png")])
    assert phone.last is not None and phone.last.status_code == 403
    assert len(media_hosts.twilio.served) + len(media_hosts.elsewhere.served) - before == 2
    held = rows(
        live_assistant.database_url,
        select(PendingMedia.__table__).where(PendingMedia.sender_id == sender),
    )
    assert held == []
