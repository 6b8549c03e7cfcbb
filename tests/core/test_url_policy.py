"""Media URLs the server may fetch: only the MEDIA_HOSTS allow-list, never one a request chose."""

from __future__ import annotations

import pytest

from bot.core.settings import Settings
from bot.core.url_policy import UrlNotAllowed, is_allowed_url, require_allowed_url

SETTINGS = Settings(MEDIA_HOSTS="api.twilio.com,*.twiliocdn.com,127.0.0.1:8123")


@pytest.mark.parametrize(
    "url",
    [
        "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",
        "https://mms.twiliocdn.com/AC1/abc",
        "http://127.0.0.1:8123/media/slip.jpg",
    ],
)
def test_listed_hosts_may_be_fetched(url: str) -> None:
    assert require_allowed_url(url, SETTINGS) == url


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://127.0.0.1:5005/conversations/x/tracker",  # loopback, port not listed
        "http://127.0.0.1/x",
        "http://api.twilio.com/x",  # plain http to a public host
        "https://api.twilio.com.evil.example/x",
        "https://twiliocdn.com/x",  # the wildcard means subdomains only
        "https://user:pw@api.twilio.com/x",
        "file:///etc/passwd",
        "ftp://api.twilio.com/x",
        "https:///nohost",
        "https://[::1]:8123/x",
        "not a url",
    ],
)
def test_anything_else_is_refused(url: str) -> None:
    assert not is_allowed_url(url, SETTINGS)
    with pytest.raises(UrlNotAllowed):
        require_allowed_url(url, SETTINGS)


def test_default_list_has_no_loopback() -> None:
    assert not is_allowed_url("http://127.0.0.1:8123/x", Settings())
    assert is_allowed_url("https://api.twilio.com/x", Settings())
