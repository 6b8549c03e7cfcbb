"""One masking rule for logs, staff screens and stored errors."""

from __future__ import annotations

import pytest

from bot.core.masking import mask_text


@pytest.mark.parametrize(
    "text, shown",
    [
        ("mera cnic 35202-1234567-1 hai", "mera cnic 35202-*****67-1 hai"),
        ("٣٥٢٠٢١٢٣٤٥٦٧١", "35202-*****67-1"),
        ("0300 1234567 pe call karo", "+92300*****67 pe call karo"),
        ("qist 14500 thi, 2000 kaate", "qist 14500 thi, 2000 kaate"),
        # a CNIC typed with a digit too few is still personal
        ("cnic 352021234567", "cnic 35********67"),
        ("شناختی کارڈ ۳۵۲۰۲۱۲۳۴۵۶۷", "شناختی کارڈ 35********67"),
        (
            "TwilioRestException: +14155550100 unreachable",
            "TwilioRestException: +14*******00 unreachable",
        ),
        (None, ""),
    ],
)
def test_identifiers_in_free_text_are_masked(text, shown) -> None:
    assert mask_text(text) == shown
