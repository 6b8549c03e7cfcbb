"""Scoring helpers of bench/nlu_eval.py (pure functions, no Rasa model)."""

import importlib.util
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[2] / "bench" / "nlu_eval.py"
_spec = importlib.util.spec_from_file_location("bench_nlu_eval", _PATH)
nlu_eval = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nlu_eval)


@pytest.mark.parametrize(
    "entity,text,value",
    [
        ("cnic", "35202-1234567-1", "3520212345671"),
        ("cnic", "۳۵۲۰۲-۱۲۳۴۵۶۷-۱", "3520212345671"),
        ("phone", "0300-1234567", "+923001234567"),
        ("phone", "+92 300 1234567", "+923001234567"),
        ("phone", "00923001234567", "+923001234567"),
        ("ticket_id", "pcms 12345678", "PCMS-12345678"),
        ("ticket_id", "PCMS-۱۲۳۴۵۶۷۸", "PCMS-12345678"),
        ("ticket_id", "12345678", "PCMS-12345678"),
    ],
)
def test_canonical_value_from_text(entity, text, value):
    assert nlu_eval.canonical_value(entity, text, text) == value


def test_explicit_value_wins():
    assert (
        nlu_eval.canonical_value("programme", "bisp scholarship", "undergraduate_scholarship")
        == "undergraduate_scholarship"
    )


def test_entity_counts_need_span_and_value():
    gold = [("cnic", 0, 15, "3520212345671")]
    assert nlu_eval.entity_counts(gold, gold) == {"cnic": (1, 0, 0)}
    shifted = [("cnic", 1, 15, "3520212345671")]
    assert nlu_eval.entity_counts(gold, shifted) == {"cnic": (0, 1, 1)}
    wrong_value = [("cnic", 0, 15, "3520212345670")]
    assert nlu_eval.entity_counts(gold, wrong_value) == {"cnic": (0, 1, 1)}
    assert nlu_eval.entity_counts(gold, shifted, use_span=False) == {"cnic": (1, 0, 0)}


def test_duplicate_predictions_count_once():
    gold = [("phone", 3, 14, "+923001234567")]
    assert nlu_eval.entity_counts(gold, gold + gold) == {"phone": (1, 0, 0)}


def test_prf_edge_cases():
    assert nlu_eval.prf(0, 0, 0)["f1"] == 1.0
    assert nlu_eval.prf(0, 1, 0)["f1"] == 0.0
    r = nlu_eval.prf(3, 1, 1)
    assert r["precision"] == 0.75 and r["recall"] == 0.75 and r["f1"] == 0.75


def test_macro_f1_and_confusions():
    gold = ["a", "a", "b", "b"]
    pred = ["a", "b", "b", "b"]
    m, per = nlu_eval.macro_f1(gold, pred)
    assert per == {"a": pytest.approx(2 / 3, abs=1e-4), "b": pytest.approx(0.8, abs=1e-4)}
    assert m == pytest.approx((2 / 3 + 0.8) / 2, abs=1e-4)
    conf = nlu_eval.top_confusions(gold, pred, ["t1", "t2", "t3", "t4"])
    assert conf == [{"gold": "a", "predicted": "b", "count": 1, "examples": ["t2"]}]


def test_label_missing_from_predictions_scores_zero():
    m, per = nlu_eval.macro_f1(["a", "b"], ["a", "a"], labels=["a", "b", "c"])
    assert per["b"] == 0.0 and per["c"] == 1.0


def test_percentile_nearest_rank():
    values = list(range(1, 101))
    assert nlu_eval.percentile(values, 50) == 50
    assert nlu_eval.percentile(values, 95) == 95
    assert nlu_eval.percentile([7.0], 95) == 7.0


@pytest.mark.parametrize(
    "text,spans,expected",
    [
        ("35202-1234567-1", [(0, 15)], False),
        ("PCMS-12345678", [(0, 13)], False),
        ("CNIC 3520212345671", [(5, 18)], False),
        ("mera cnic 3520212345671", [(10, 23)], True),
        ("میرا نمبر 03001234567", [(10, 21)], True),
        ("Muzaffargarh", [], True),
    ],
)
def test_has_words(text, spans, expected):
    assert nlu_eval.has_words(text, spans) is expected


def test_amount_digits_are_ascii():
    assert nlu_eval.canonical_value("amount", "۱۰۵۰۰", "۱۰۵۰۰") == "10500"
    assert nlu_eval.canonical_value("amount", "10,500", "10,500") == "10500"
    assert nlu_eval.canonical_value("amount", "paanch sau", "paanch sau") == "paanch sau"
