"""Console fixtures (defined in tests/auxil/browser.py; registered here until tests/conftest.py lists it)."""

from tests.auxil.browser import chromium, console_site, page, phone_page  # noqa: F401
