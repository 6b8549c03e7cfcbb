"""Shared fixtures live in tests/auxil/; this file only registers them."""

pytest_plugins = [
    "tests.auxil.database",
    "tests.auxil.servers",
    "tests.auxil.assistant",
    "tests.auxil.browser",
]
