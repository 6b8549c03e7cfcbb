"""Media is fetched only from allowed hosts, capped in size, and typed by its content."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import delete, select

from bot.core.settings import Settings
from bot.evidence import service as evidence
from bot.evidence.media import MediaRefused, accept, fetch, sniff
from bot.evidence.models import PendingMedia, TicketAttachment
from bot.tickets import service as tickets
from bot.tickets.models import Ticket
from tests.auxil.twilio_fakes import MediaServer

OGG = b"OggS\x00\x02" + bytes(100)


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"\xff\xd8\xff\xe0rest", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\nrest", "image/png"),
        (OGG, "audio/ogg"),
        (b"#!AMR\nrest", "audio/amr"),
        (b"ID3\x04rest", "audio/mpeg"),
        (b"\xff\xfb\x90\x64rest", "audio/mpeg"),
        (b"%PDF-1.7rest", "application/pdf"),
        (b"<html><script>", None),
        (b"MZ\x90\x00 an exe", None),
        (b"GIF89a", None),
    ],
)
def test_the_type_comes_from_the_first_bytes(data, expected):
    assert sniff(data) == expected


def test_a_file_over_the_limit_or_of_another_type_is_refused():
    settings = Settings(MEDIA_MAX_BYTES=10)
    with pytest.raises(MediaRefused) as big:
        accept(OGG, settings)
    assert big.value.reason == "too_large"
    with pytest.raises(MediaRefused) as odd:
        accept(b"<svg/>", Settings())
    assert odd.value.reason == "bad_type"
    media = accept(OGG, Settings())
    assert (media.kind, media.sha256) == ("voice", hashlib.sha256(OGG).hexdigest())


@pytest.fixture()
def hosts():
    listed, cdn, other = MediaServer("AC1", "secret"), MediaServer(), MediaServer()
    for s in (listed, cdn, other):
        s.start()
    listed.redirect_to = cdn.base_url
    yield (
        listed,
        cdn,
        other,
        Settings(MEDIA_HOSTS=f"127.0.0.1:{listed.port},127.0.0.1:{cdn.port}", MEDIA_MAX_BYTES=1000),
    )
    for s in (listed, cdn, other):
        s.stop()


def test_only_listed_hosts_with_credentials_only_for_the_named_one(hosts):
    listed, cdn, other, settings = hosts
    listed.files["a"] = ("audio/ogg", OGG)
    assert fetch(listed.url("a"), ("AC1", "secret"), settings).data == OGG
    with pytest.raises(MediaRefused) as wrong:
        fetch(listed.url("a"), ("AC1", "wrong"), settings)
    assert wrong.value.reason == "unreachable"
    cdn.files["b"] = ("image/png", b"\x89PNG\r\n\x1a\n")
    assert fetch(listed.url("redirect/b"), ("AC1", "secret"), settings).content_type == "image/png"
    other.files["c"] = ("audio/ogg", OGG)
    with pytest.raises(MediaRefused) as off:
        fetch(other.url("c"), None, settings)
    assert off.value.reason == "not_allowed" and other.served == []
    listed.redirect_to = other.base_url
    with pytest.raises(MediaRefused) as hop:
        fetch(listed.url("redirect/c"), ("AC1", "secret"), settings)
    assert hop.value.reason == "not_allowed" and other.served == []
    listed.files["big"] = ("audio/ogg", OGG + bytes(2000))
    with pytest.raises(MediaRefused) as big:
        fetch(listed.url("big"), ("AC1", "secret"), settings)
    assert big.value.reason == "too_large"


def _ticket(session, sender="whatsapp:+923001112223", phone="+923001112223") -> Ticket:
    result = tickets.open_ticket(
        session,
        tickets.NewTicket(
            category="deduction",
            description="agent cut 500",
            cnic="3230399000048",
            phone=phone,
            district="Muzaffargarh",
            channel="twilio",
            sender_id=sender,
            language="en",
        ),
    )
    session.flush()
    return result.ticket


def test_a_file_is_sealed_kept_once_and_goes_with_its_ticket(session):
    ticket = _ticket(session)
    media = accept(OGG)
    placed = evidence.place(
        session,
        "whatsapp:+923001112223",
        "twilio",
        "+923001112223",
        ticket.number,
        media,
        "en",
        complaint_open=False,
    )
    assert placed.response == "utter_evidence_attached" and placed.ticket_number == ticket.number
    evidence.place(
        session,
        "whatsapp:+923001112223",
        "twilio",
        None,
        f"see {ticket.number}",
        media,
        "en",
        complaint_open=False,
    )
    [row] = evidence.attachments(session, ticket)
    assert row.data != OGG and evidence.content_of(row) == OGG
    session.commit()
    session.execute(delete(Ticket).where(Ticket.id == ticket.id))
    session.commit()
    assert session.execute(select(TicketAttachment)).scalars().all() == []


def test_someone_elses_ticket_number_does_not_take_the_file(session):
    ticket = _ticket(session)
    placed = evidence.place(
        session,
        "telegram:99",
        "telegram",
        None,
        ticket.number,
        accept(OGG),
        "ur",
        complaint_open=False,
    )
    assert placed.response == "utter_evidence_which_ticket"
    assert evidence.attachments(session, ticket) == []
    [held] = session.execute(select(PendingMedia)).scalars().all()
    assert held.sender_id == "telegram:99"
