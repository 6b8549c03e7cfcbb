"""Shared fixtures live in tests/auxil/; this file only registers them."""

import os
import secrets

# The REST channel answers only callers with its token: one per test run, which the
# servers the tests start inherit and bot.cli.chat.send (the tests' client) sends.
os.environ.setdefault("REST_CHANNEL_TOKEN", "tests-" + secrets.token_urlsafe(32))

pytest_plugins = [
    "tests.auxil.database",
    "tests.auxil.servers",
    "tests.auxil.assistant",
    "tests.auxil.browser",
    "tests.auxil.twilio_fakes",
    "tests.auxil.trackers",
]


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    """Groups for pytest-xdist (`--dist loadgroup`): every test on the trained model runs on
    one worker, so the model is loaded and its servers started once; the other tests of a
    file stay together, so a file's module-scoped servers start once and its tests never
    race each other for them."""
    import pytest

    for item in items:
        uses_model = "trained_model" in getattr(item, "fixturenames", ())
        group = "rasa" if uses_model else item.nodeid.split("::", 1)[0]
        item.add_marker(pytest.mark.xdist_group(group))
