"""Fetching a citizen's media file safely: allowed hosts only, size-capped, type by content.

A webhook names the URL (Twilio's MediaUrlN, a Telegram file path). It is fetched only
when its host is on MEDIA_HOSTS (bot.core.url_policy), each redirect is checked again and
the account credentials go only to the host that was named, at most MEDIA_MAX_BYTES are
read, and the type is decided from the file's first bytes, never from its name or the
Content-Type a server claims.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Optional, Tuple
from urllib.parse import urljoin, urlsplit

import httpx

from bot.core.settings import Settings, get_settings
from bot.core.url_policy import UrlNotAllowed, require_allowed_url

MAX_REDIRECTS = 3
# What each allowed type is called when the citizen is told what was attached.
KINDS = {
    "image/jpeg": "photo",
    "image/png": "photo",
    "audio/ogg": "voice",
    "audio/amr": "voice",
    "audio/mpeg": "voice",
    "application/pdf": "document",
}


class MediaRefused(ValueError):
    """The file was not taken; `reason` is not_allowed, too_large, bad_type or unreachable."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class Media:
    """A fetched file whose type was read from its content."""

    data: bytes
    content_type: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def kind(self) -> str:
        return KINDS[self.content_type]


def sniff(data: bytes) -> Optional[str]:
    """The allowed content type these bytes are, by their magic numbers; None otherwise."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"OggS"):
        return "audio/ogg"  # WhatsApp and Telegram voice notes: Opus in Ogg
    if data.startswith(b"#!AMR"):
        return "audio/amr"
    if data.startswith(b"ID3") or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return "audio/mpeg"  # an ID3 tag, or an MPEG audio frame header
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def accept(data: bytes, settings: Optional[Settings] = None) -> Media:
    """`data` as evidence, or MediaRefused when it is too large or of a type not allowed."""
    limit = (settings or get_settings()).MEDIA_MAX_BYTES
    if len(data) > limit:
        raise MediaRefused("too_large", f"{len(data)} bytes")
    content_type = sniff(data)
    if content_type is None:
        raise MediaRefused("bad_type", repr(data[:8]))
    return Media(data, content_type, hashlib.sha256(data).hexdigest())


def _read_capped(response: httpx.Response, limit: int) -> bytes:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise MediaRefused("too_large", f"{declared} bytes declared")
    chunks, total = [], 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > limit:
            raise MediaRefused("too_large", f"more than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def fetch(
    url: str,
    auth: Optional[Tuple[str, str]] = None,
    settings: Optional[Settings] = None,
    timeout: float = 20.0,
) -> Media:
    """Download `url` (following allowed redirects) and accept it as evidence."""
    settings = settings or get_settings()
    limit = settings.MEDIA_MAX_BYTES
    first_host = urlsplit(url).netloc
    with httpx.Client(follow_redirects=False, timeout=timeout, trust_env=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            try:
                require_allowed_url(url, settings)
            except UrlNotAllowed as error:
                raise MediaRefused("not_allowed", str(error)) from None
            # The account's credentials only go to the host the webhook named.
            send_auth = auth if urlsplit(url).netloc == first_host else None
            try:
                with client.stream("GET", url, auth=send_auth) as response:
                    if response.is_redirect:
                        url = urljoin(url, response.headers.get("location", ""))
                        continue
                    if response.status_code != 200:
                        raise MediaRefused("unreachable", f"HTTP {response.status_code}")
                    data = _read_capped(response, limit)
            except httpx.HTTPError as error:
                raise MediaRefused("unreachable", type(error).__name__) from None
            return accept(data, settings)
    raise MediaRefused("unreachable", "too many redirects")
