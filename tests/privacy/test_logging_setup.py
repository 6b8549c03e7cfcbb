"""Log masking: whatever a module logs, CNICs and phone numbers come out masked."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest

from bot.core import logging_setup
from bot.core.masking import has_unmasked, mask_text
from bot.core.settings import ROOT

CNIC, PHONE = "32303-9900001-2", "+923006100012"


@pytest.fixture()
def masked_log(caplog):
    logging_setup.install()
    caplog.set_level(logging.DEBUG)
    return caplog


@pytest.mark.parametrize(
    "raw",
    [
        CNIC,
        "3230399000012",
        "32303 9900001 2",
        "32303.9900001.2",
        "۳۲۳۰۳-۹۹۰۰۰۰۱-۲",
        "٣٢٣٠٣٩٩٠٠٠٠١٢",
        json.dumps("۳۲۳۰۳-۹۹۰۰۰۰۱-۲"),  # structlog's JSON escapes Urdu digits
        PHONE,
        "whatsapp:+923006100012",
        "03006100012",
        "0300-6100012",
        "+92 300 6100012",
        "00923006100012",
    ],
)
def test_every_common_form_is_masked(raw):
    out = mask_text(f"sender said: {raw}!")
    assert "9900001" not in out and "6100012" not in out
    assert not has_unmasked(out)
    assert mask_text(out) == out


def test_other_numbers_are_left_alone():
    line = "PCMS-12345674 Rs 13,500 on 2026-03-12 took 0.25 s, id 42, port 5005"
    assert mask_text(line) == line


def test_messages_arguments_and_tracebacks_are_masked(masked_log):
    log = logging.getLogger("tests.privacy.sample")
    log.info("cnic %s from %s", CNIC, PHONE)
    log.debug({"text": f"mera cnic {CNIC}", "slot_values": {"cnic": "3230399000012"}})
    log.info("as a number %d", 3230399000012)
    try:
        raise ValueError(f"no row for {CNIC}")
    except ValueError:
        log.exception("lookup failed for %s", PHONE)
    log.info("request", extra={"path": f"/search?phone={PHONE}"})
    text = "\n".join(
        masked_log.handler.format(r) + str(getattr(r, "path", "")) for r in masked_log.records
    )
    assert "32303-*****01-2" in text and "+92300*****12" in text
    assert "9900001" not in text and "6100012" not in text


def test_formatting_stays_intact_for_formatters_that_read_args(masked_log):
    log = logging.getLogger("tests.privacy.access")
    log.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:1", "GET", f"/t?p={PHONE}", "1.1", 200)
    record = masked_log.records[-1]
    assert isinstance(record.args, tuple) and len(record.args) == 5
    assert record.getMessage().endswith("200") and "6100012" not in record.getMessage()


def test_install_is_idempotent():
    logging_setup.install()
    factory = logging.getLogRecordFactory()
    logging_setup.install()
    assert logging.getLogRecordFactory() is factory and logging_setup.is_installed()


def test_a_module_run_through_logging_setup_logs_masked(tmp_path):
    script = tmp_path / "leaky.py"
    script.write_text(
        "import logging\n"
        "logging.basicConfig(level=logging.DEBUG, format='%(message)s')\n"
        f"logging.getLogger('leaky').warning('citizen %s at %s', '{CNIC}', '{PHONE}')\n"
    )
    out = subprocess.run(
        [sys.executable, "-m", "bot.core.logging_setup", "leaky"],
        cwd=ROOT,
        env={"PYTHONPATH": f"{tmp_path}:{ROOT}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert "citizen 32303-*****01-2 at +92300*****12" in out.stderr
    assert "9900001" not in out.stderr + out.stdout
