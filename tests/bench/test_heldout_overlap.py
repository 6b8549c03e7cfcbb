"""The held-out NLU files stay held out: no training example is a (near) copy of one."""

import importlib.util
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[2] / "bench" / "heldout_overlap.py"
_spec = importlib.util.spec_from_file_location("bench_heldout_overlap", _PATH)
heldout_overlap = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(heldout_overlap)


@pytest.mark.parametrize("held", heldout_overlap.SETS)
@pytest.mark.parametrize("lang", heldout_overlap.LANGS)
def test_no_heldout_message_is_in_the_training_data(lang, held):
    assert (heldout_overlap.ROOT / "bench" / "data" / f"{held}_{lang}.yml").is_file()
    found = heldout_overlap.overlaps(lang, held=held)
    assert not found, "\n".join(f"{k}: {h!r} ~ {t!r}" for k, h, t in found)


@pytest.mark.parametrize(
    "a,b",
    [
        ("Thankssss!!", "thanks"),
        ("🙏 meharbani", "meharbani"),
        ('zila [muzafargarh]{"entity": "district", "value": "Muzaffargarh"}', "zila muzaffargarh"),
        ("rs [800](amount)", "Rs 800"),
        ("جزاک اللہ بھائی۔", "جزاك الله بھائی"),
    ],
)
def test_copies_fold_to_one_key(a, b):
    assert heldout_overlap.overlap_key(a) == heldout_overlap.overlap_key(b)


@pytest.mark.parametrize(
    "a,b",
    [
        ("[56317-0512283-6](cnic)", "[49068-8086050-6](cnic)"),
        ("rs [800](amount)", "rs [700](amount)"),
        ("[PCMS-61631410](ticket_id)", "[PCMS-63717203](ticket_id)"),
    ],
)
def test_different_numbers_are_different_messages(a, b):
    assert heldout_overlap.overlap_key(a) != heldout_overlap.overlap_key(b)
