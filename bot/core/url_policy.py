"""Which URLs the server may fetch: only hosts on the MEDIA_HOSTS allow-list.

A request (a Twilio webhook's MediaUrl0, a Telegram file path) names a URL; fetching it
blindly would let a forged request make the server read its own network (SSRF). Every
fetch goes through `require_allowed_url`, and a fetcher that follows redirects checks
each hop again.
"""

from __future__ import annotations

import ipaddress
from typing import Iterable, List, Optional
from urllib.parse import urlsplit

from bot.core.settings import Settings, get_settings


class UrlNotAllowed(ValueError):
    """The URL's scheme or host is not one the server may fetch from."""


def allowed_hosts(settings: Optional[Settings] = None) -> List[str]:
    """MEDIA_HOSTS as a list: `host`, `host:port`, or `*.domain` for its subdomains."""
    raw = (settings or get_settings()).MEDIA_HOSTS
    return [h.strip().lower() for h in raw.split(",") if h.strip()]


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _host_matches(host: str, port: Optional[int], entries: Iterable[str]) -> bool:
    for entry in entries:
        if entry.startswith("*."):
            if host.endswith(entry[1:]) and host != entry[2:]:
                return True
        elif ":" in entry and not entry.startswith("["):
            name, _, entry_port = entry.rpartition(":")
            if host == name and str(port) == entry_port:
                return True
        elif host == entry:
            return True
    return False


def require_allowed_url(url: str, settings: Optional[Settings] = None) -> str:
    """`url` itself when it may be fetched, else UrlNotAllowed saying why.

    HTTPS only, except a loopback host listed with its port (the tests' media server);
    no user name or password in the URL; the host must be on MEDIA_HOSTS.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UrlNotAllowed(f"unreadable URL: {error}") from None
    host = (parts.hostname or "").lower()
    if not host:
        raise UrlNotAllowed("URL without a host")
    if parts.username or parts.password:
        raise UrlNotAllowed("URL with credentials")
    entries = allowed_hosts(settings)
    if parts.scheme == "http" and _is_loopback(host):
        if port is None or f"{host}:{port}" not in entries:
            raise UrlNotAllowed(f"plain http only to a listed loopback host:port, not {host}")
    elif parts.scheme != "https":
        raise UrlNotAllowed(f"scheme {parts.scheme!r} is not https")
    if not _host_matches(host, port, entries):
        raise UrlNotAllowed(f"host {host} is not on MEDIA_HOSTS")
    return url


def is_allowed_url(url: str, settings: Optional[Settings] = None) -> bool:
    try:
        require_allowed_url(url, settings)
    except UrlNotAllowed:
        return False
    return True
