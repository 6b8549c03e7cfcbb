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
    """Under pytest-xdist (`--dist loadgroup`) every test on the trained model runs on one
    worker: the model is loaded and its servers started once, not once per worker."""
    import pytest

    for item in items:
        if "trained_model" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("rasa"))
