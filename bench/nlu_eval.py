"""Held-out NLU evaluation: intents, rule entities and language identification.

One command (from the repository root)::

    .venv/bin/python bench/nlu_eval.py                        # train on data/nlu with config.yml, evaluate
    .venv/bin/python bench/nlu_eval.py --model models/x.tar.gz  # evaluate an existing model
    .venv/bin/python bench/nlu_eval.py --config bench/configs/diet_small.yml   # another pipeline

Training (when no --model is given) runs `rasa.model_training.train_nlu` in a child process
on ALL of data/nlu (en, ur, roman_ur together, one model) with Rasa's training cache
disabled, and reports its wall time and the child's peak RSS. The model is written to
bench/out/models/. Evaluation parses every message of bench/data/heldout_{en,ur,roman_ur}.yml
(never trained on) one at a time and reports per language:

* intent accuracy, macro-F1 over the 21 intents, per-intent F1, the top confusions with
  example messages, and a confusion-matrix picture bench/out/confusion_<lang>.png;
* entity precision / recall / F1 for cnic, phone and ticket_id (a prediction counts only
  when its type, character span AND canonical value all match the annotation: 13 ASCII
  digits for cnic, +923XXXXXXXXX for phone, PCMS-XXXXXXXX for ticket_id); district,
  programme and amount are reported too (value match) for information;
* language identification accuracy: parse_data["language"]["name"] when the pipeline has
  the LanguageIdentifier, else bot.nlu.langid.detect_language. Expected label = the file's
  language. Messages with no words (only a CNIC / phone / ticket / amount and labels such as
  "PCMS" or "CNIC") are EXCLUDED from that accuracy; they are counted separately and
  expected to give None;
* parse latency of one message (p50 / p95 over all held-out parses).

The "unseen" files bench/data/unseen_{en,ur,roman_ur}.yml (also never trained on; they
add the follow-up intents ask_when / ask_why / ask_next_step and report_abuse, which the
held-out files lack) are scored the same way with the same model, in a second table and
under "unseen" in the JSON (confusion pictures bench/out/confusion_unseen_<lang>.png).

Prints a markdown table and writes bench/out/nlu_eval.json (or --json PATH).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import logging
import math
import os
import re
import resource
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
LANGS = ("en", "ur", "roman_ur")
ID_ENTITIES = ("cnic", "phone", "ticket_id")
INFO_ENTITIES = ("district", "programme", "amount")
LANG_MIN_CONFIDENCE = 0.6
_LABEL_WORDS = frozenset(
    {"pcms", "cnic", "nic", "no", "num", "number", "rs", "pkr", "id", "tel", "ph"}
)
_DIGIT_MAP = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩０１２３４５６７８９", "0123456789" * 3)

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# ------------------------------------------------------------------ pure scoring helpers


def canonical_value(entity: str, text: str, value: Optional[str] = None) -> str:
    """The canonical value of an annotated entity (explicit value wins, else from text)."""
    if value is not None and value != text:
        return str(value)
    if entity == "cnic":
        return re.sub(r"\D", "", text.translate(_DIGIT_MAP))
    if entity == "phone":
        digits = re.sub(r"\D", "", text.translate(_DIGIT_MAP))
        m = re.match(r"^(?:0092|92|0)?(3\d{9})$", digits)
        return f"+92{m.group(1)}" if m else digits
    if entity == "ticket_id":
        return "PCMS-" + re.sub(r"\D", "", text.translate(_DIGIT_MAP))
    if entity == "amount":
        digits = re.sub(r"[,\s]", "", text.translate(_DIGIT_MAP))
        if digits.isdigit():
            return digits
    return str(value if value is not None else text)


def prf(tp: int, fp: int, fn: int) -> Dict[str, float]:
    """Precision, recall and F1 (1.0 when there is nothing to find and nothing found)."""
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def entity_counts(
    gold: Iterable[Tuple[str, int, int, str]],
    pred: Iterable[Tuple[str, int, int, str]],
    use_span: bool = True,
) -> Dict[str, Tuple[int, int, int]]:
    """Per entity type (tp, fp, fn) for one message; tuples are (type, start, end, value)."""
    key = (lambda e: e) if use_span else (lambda e: (e[0], e[3]))
    g = Counter(key(e) for e in gold)
    p = Counter(key(e) for e in set(pred))
    out: Dict[str, List[int]] = defaultdict(lambda: [0, 0, 0])
    for k in set(g) | set(p):
        tp = min(g[k], p[k])
        out[k[0]][0] += tp
        out[k[0]][1] += p[k] - tp
        out[k[0]][2] += g[k] - tp
    return {t: tuple(v) for t, v in out.items()}


def macro_f1(
    gold: Sequence[str], pred: Sequence[str], labels: Optional[Sequence[str]] = None
) -> Tuple[float, Dict[str, float]]:
    """Macro-F1 over `labels` (default: the gold labels) and the per-label F1."""
    labels = sorted(set(gold)) if labels is None else list(labels)
    per = {}
    for lab in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p == lab)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != lab and p == lab)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p != lab)
        per[lab] = prf(tp, fp, fn)["f1"] if tp + fp + fn else 1.0
    return (round(sum(per.values()) / len(per), 4) if per else 0.0), per


def top_confusions(
    gold: Sequence[str], pred: Sequence[str], texts: Sequence[str], k: int = 8, examples: int = 3
) -> List[Dict[str, Any]]:
    """The k most frequent (gold -> predicted) errors with a few example messages."""
    pairs: Dict[Tuple[str, str], List[str]] = defaultdict(list)
    for g, p, t in zip(gold, pred, texts, strict=True):
        if g != p:
            pairs[(g, p)].append(t)
    ranked = sorted(pairs.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:k]
    return [
        {"gold": g, "predicted": p, "count": len(ts), "examples": ts[:examples]}
        for (g, p), ts in ranked
    ]


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return float("nan")
    s = sorted(values)
    idx = max(0, min(len(s) - 1, math.ceil(q / 100 * len(s)) - 1))
    return s[idx]


def has_words(text: str, id_spans: Iterable[Tuple[int, int]]) -> bool:
    """Whether `text` has letters outside identifier/amount spans and label words."""
    chars = list(text)
    for s, e in id_spans:
        for i in range(s, min(e, len(chars))):
            chars[i] = " "
    rest = "".join(chars).lower()
    words = [w for w in re.findall(r"[^\W\d_]+", rest) if w not in _LABEL_WORDS]
    return bool(words)


# ------------------------------------------------------------------ data


def load_examples(path: Path) -> List[Dict[str, Any]]:
    """Messages of a Rasa NLU YAML file: text, intent, entities (with canonical values)."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    out = []
    for m in data.intent_examples:
        ents = []
        for e in m.get("entities") or []:
            raw = m.get("text")[e["start"] : e["end"]]
            ents.append(
                {
                    "entity": e["entity"],
                    "start": e["start"],
                    "end": e["end"],
                    "text": raw,
                    "value": canonical_value(e["entity"], raw, e.get("value")),
                }
            )
        out.append({"text": m.get("text"), "intent": m.get("intent"), "entities": ents})
    return out


def data_fingerprint(paths: Iterable[Path]) -> str:
    h = hashlib.sha1()
    for p in sorted(paths):
        h.update(str(p).encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:10]


def count_training(nlu_dir: Path) -> Dict[str, int]:
    counts = {}
    for lang_dir in sorted(p for p in nlu_dir.iterdir() if p.is_dir()):
        counts[lang_dir.name] = sum(
            sum(
                1
                for line in f.read_text(encoding="utf-8").splitlines()
                if line.startswith("    - ")
            )
            for f in lang_dir.glob("*.yml")
        )
    return counts


# ------------------------------------------------------------------ training

_TRAIN_SNIPPET = """
import logging, sys, warnings
warnings.filterwarnings("ignore")
logging.basicConfig(level=logging.WARNING)
from rasa.model_training import train_nlu
path = train_nlu(config=sys.argv[1], nlu_data=sys.argv[2], output=sys.argv[3], fixed_model_name=sys.argv[4])
print("MODEL", path)
"""


def train_model(
    config: Path, nlu_data: Path, out_dir: Path, name: str, quiet: bool = True
) -> Dict[str, Any]:
    """Train an NLU model in a child process; wall time and the child's peak RSS."""
    out_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["RASA_MAX_CACHE_SIZE"] = "0"  # no training cache: honest timings, nothing shared
    env["RASA_CACHE_DIRECTORY"] = str(OUT / "rasa-cache")
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT), str(OUT / "site"), env.get("PYTHONPATH")])
    )
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    log = out_dir / f"{name}.train.log"
    t0 = time.perf_counter()
    with open(log, "w") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-c", _TRAIN_SNIPPET, str(config), str(nlu_data), str(out_dir), name],
            cwd=ROOT,
            env=env,
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
        _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(
            f"training failed ({proc.returncode}); see {log}:\n" + log.read_text()[-3000:]
        )
    printed = [
        line[6:].strip() for line in log.read_text().splitlines() if line.startswith("MODEL ")
    ]
    if not printed or printed[-1] == "None" or not Path(printed[-1]).is_file():
        raise RuntimeError(f"training wrote no model; see {log}")
    model = Path(printed[-1])
    return {
        "model": str(model),
        "train_seconds": round(seconds, 1),
        "train_peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "train_cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "log": str(log),
    }


# ------------------------------------------------------------------ evaluation


def quiet_logs() -> None:
    """Rasa 3.6 logs every parse at debug level through structlog: keep warnings only."""
    import warnings

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    warnings.filterwarnings("ignore")
    logging.basicConfig(level=logging.WARNING)
    try:
        import structlog

        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    except ImportError:  # pragma: no cover
        pass


class Parser:
    """Loads a trained model once; parse(text) -> parse_data dict."""

    def __init__(self, model_path: str) -> None:
        from rasa.core.agent import Agent

        sys.path.insert(0, str(OUT / "site"))
        self.loop = asyncio.new_event_loop()
        self.agent = Agent.load(model_path)
        quiet_logs()

    def parse(self, text: str) -> Dict[str, Any]:
        return self.loop.run_until_complete(self.agent.parse_message(text))


def evaluate_language(
    parser: Parser,
    examples: List[Dict[str, Any]],
    lang: Optional[str],
    labels: Optional[Sequence[str]] = None,
) -> Dict[str, Any]:
    """Intent, entity and language-id scores of one language's examples."""
    from bot.nlu.langid import detect_with_confidence

    gold, pred, raw_pred, texts, confs, latencies = [], [], [], [], [], []
    ent_tot: Dict[str, List[int]] = defaultdict(lambda: [0, 0, 0])
    ent_val: Dict[str, List[int]] = defaultdict(lambda: [0, 0, 0])
    ent_errors: List[Dict[str, Any]] = []
    lang_ok = lang_n = lang_abstain = lang_ok_sure = 0
    wordless = wordless_none = 0
    lang_errors: List[Dict[str, Any]] = []
    lang_source = None
    for ex in examples:
        t0 = time.perf_counter()
        pd = parser.parse(ex["text"])
        latencies.append((time.perf_counter() - t0) * 1000)
        intent = (pd.get("intent") or {}).get("name")
        ranking = [r["name"] for r in pd.get("intent_ranking") or [] if r["name"] != "nlu_fallback"]
        gold.append(ex["intent"])
        pred.append(intent)
        raw_pred.append(ranking[0] if ranking else intent)
        texts.append(ex["text"])
        confs.append((pd.get("intent") or {}).get("confidence"))
        # entities
        g_all = [(e["entity"], e["start"], e["end"], e["value"]) for e in ex["entities"]]
        p_all = [
            (e["entity"], e["start"], e["end"], str(e.get("value")))
            for e in pd.get("entities") or []
        ]
        g_id = [e for e in g_all if e[0] in ID_ENTITIES]
        p_id = [e for e in p_all if e[0] in ID_ENTITIES]
        for t, (tp, fp, fn) in entity_counts(g_id, p_id).items():
            for i, v in enumerate((tp, fp, fn)):
                ent_tot[t][i] += v
            if fp or fn:
                ent_errors.append(
                    {
                        "text": ex["text"],
                        "gold": [e for e in g_id if e[0] == t],
                        "pred": [e for e in p_id if e[0] == t],
                    }
                )
        g_info = [e for e in g_all if e[0] in INFO_ENTITIES]
        p_info = [e for e in p_all if e[0] in INFO_ENTITIES]
        for t, (tp, fp, fn) in entity_counts(g_info, p_info, use_span=False).items():
            for i, v in enumerate((tp, fp, fn)):
                ent_val[t][i] += v
        # language
        if lang is not None:
            if isinstance(pd.get("language"), dict):
                got, lang_source = pd["language"].get("name"), "parse_data.language"
                conf = pd["language"].get("confidence") or 0.0
            else:
                guess = detect_with_confidence(ex["text"])
                got, conf, lang_source = (
                    guess.code,
                    guess.confidence,
                    "bot.nlu.langid.detect_with_confidence",
                )
            id_spans = [
                (e["start"], e["end"])
                for e in ex["entities"]
                if e["entity"] in ID_ENTITIES + ("amount",)
            ]
            if has_words(ex["text"], id_spans):
                lang_n += 1
                if got == lang:
                    lang_ok += 1
                else:
                    lang_errors.append({"text": ex["text"], "predicted": got, "confidence": conf})
                if conf < LANG_MIN_CONFIDENCE:
                    lang_abstain += 1
                elif got == lang:
                    lang_ok_sure += 1
            else:
                wordless += 1
                wordless_none += got is None
    labels = sorted(set(gold)) if labels is None else labels
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)
    mf1, per = macro_f1(gold, pred, labels)
    raw_acc = sum(g == p for g, p in zip(gold, raw_pred, strict=True)) / len(gold)
    raw_mf1, _ = macro_f1(gold, raw_pred, labels)
    return {
        "n": len(gold),
        "intent_accuracy": round(acc, 4),
        "intent_macro_f1": mf1,
        "intent_f1": per,
        "fallback_rate": round(sum(p == "nlu_fallback" for p in pred) / len(pred), 4),
        "classifier_accuracy": round(raw_acc, 4),
        "classifier_macro_f1": raw_mf1,
        "top_confusions": top_confusions(gold, pred, texts),
        "top_classifier_confusions": top_confusions(gold, raw_pred, texts),
        "entities": {t: prf(*ent_tot[t]) for t in ID_ENTITIES},
        "entities_value_match": {t: prf(*ent_val[t]) for t in INFO_ENTITIES},
        "entity_errors": ent_errors[:20],
        "language_id": None
        if lang is None
        else {
            "source": lang_source,
            "accuracy": round(lang_ok / lang_n, 4) if lang_n else None,
            # confidence < 0.6 = "keep the conversation's language" (bot.nlu.langid contract):
            # in a one-language conversation that keeps the right language.
            "accuracy_low_confidence_keeps_language": round(
                (lang_ok_sure + lang_abstain) / lang_n, 4
            )
            if lang_n
            else None,
            "low_confidence_rate": round(lang_abstain / lang_n, 4) if lang_n else None,
            "n_scored": lang_n,
            "wordless_excluded": wordless,
            "wordless_predicted_none": wordless_none,
            "errors": lang_errors[:20],
        },
        "latency_ms": {
            "p50": round(percentile(latencies, 50), 2),
            "p95": round(percentile(latencies, 95), 2),
        },
        "_gold": gold,
        "_pred": pred,
        "_latencies": latencies,
    }


def plot_confusion(
    gold: Sequence[str], pred: Sequence[str], labels: Sequence[str], title: str, path: Path
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    cols = (
        list(labels)
        + sorted({p for p in pred if p not in labels and p is not None})
        + (["None"] if None in pred else [])
    )
    idx = {lab: i for i, lab in enumerate(cols)}
    m = np.zeros((len(labels), len(cols)), dtype=int)
    for g, p in zip(gold, pred, strict=True):
        m[idx[g], idx["None" if p is None else p]] += 1
    fig, ax = plt.subplots(figsize=(11, 9.5))
    ax.imshow(m / np.maximum(m.sum(axis=1, keepdims=True), 1), cmap="Blues", vmin=0, vmax=1)
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            if m[i, j]:
                ax.text(
                    j,
                    i,
                    str(m[i, j]),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if i == j else "crimson",
                )
    ax.set_xticks(range(len(cols)))
    ax.set_xticklabels(cols, rotation=70, ha="right", fontsize=8)
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(title)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def markdown_table(results: Dict[str, Dict[str, Any]]) -> str:
    head = (
        "| lang | n | intent acc | macro-F1 | fallback | classifier macro-F1 | cnic F1 | phone F1 | ticket_id F1 "
        "| lang-id acc | lang-id (low conf. keeps lang) | p50 ms | p95 ms |"
    )
    rows = [head, "|" + "---|" * 13]
    for lang, r in results.items():
        e = r["entities"]
        li = r.get("language_id") or {}
        rows.append(
            f"| {lang} | {r['n']} | {r['intent_accuracy']:.3f} | {r['intent_macro_f1']:.3f} | "
            f"{r['fallback_rate']:.3f} | {r['classifier_macro_f1']:.3f} | "
            f"{e['cnic']['f1']:.3f} ({e['cnic']['tp']}/{e['cnic']['tp'] + e['cnic']['fn']}) | "
            f"{e['phone']['f1']:.3f} ({e['phone']['tp']}/{e['phone']['tp'] + e['phone']['fn']}) | "
            f"{e['ticket_id']['f1']:.3f} ({e['ticket_id']['tp']}/{e['ticket_id']['tp'] + e['ticket_id']['fn']}) | "
            f"{li.get('accuracy', '-')} | {li.get('accuracy_low_confidence_keeps_language', '-')} | "
            f"{r['latency_ms']['p50']} | {r['latency_ms']['p95']} |"
        )
    return "\n".join(rows)


def evaluate_model(
    model: Any,
    sets: Dict[str, List[Dict[str, Any]]],
    plots: bool = True,
    out_dir: Path = OUT,
    tag: str = "",
) -> Dict[str, Any]:
    """Evaluate `model` (a path, or a loaded Parser) on {lang: examples}; returns
    per-language results (+ 'all')."""
    parser = model if isinstance(model, Parser) else Parser(model)
    parser.parse("warm up")  # first parse builds lazily loaded parts
    labels = sorted({ex["intent"] for exs in sets.values() for ex in exs})
    results: Dict[str, Dict[str, Any]] = {}
    all_lat: List[float] = []
    for lang, exs in sets.items():
        r = evaluate_language(parser, exs, lang if lang in LANGS else None, labels)
        if plots:
            png = out_dir / f"confusion_{tag}{lang}.png"
            plot_confusion(
                r["_gold"],
                r["_pred"],
                labels,
                f"{lang}: acc {r['intent_accuracy']:.3f}, macro-F1 {r['intent_macro_f1']:.3f}",
                png,
            )
            r["confusion_png"] = (
                str(png.relative_to(ROOT)) if png.is_relative_to(ROOT) else str(png)
            )
        all_lat += r.pop("_latencies")
        r.pop("_gold"), r.pop("_pred")
        results[lang] = r
    return {
        "per_language": results,
        "latency_ms_all": {
            "n": len(all_lat),
            "p50": round(percentile(all_lat, 50), 2),
            "p95": round(percentile(all_lat, 95), 2),
        },
    }


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--config", default=str(ROOT / "config.yml"), help="pipeline config (default config.yml)"
    )
    ap.add_argument("--model", help="evaluate this model instead of training one")
    ap.add_argument(
        "--train",
        action="store_true",
        help="train even if --model is given (default when no --model)",
    )
    ap.add_argument(
        "--nlu", default=str(ROOT / "data" / "nlu"), help="training data (default data/nlu)"
    )
    ap.add_argument(
        "--heldout", default=str(ROOT / "bench" / "data"), help="folder of heldout_<lang>.yml"
    )
    ap.add_argument("--json", default=str(OUT / "nlu_eval.json"))
    ap.add_argument("--no-plots", action="store_true")
    args = ap.parse_args(argv)
    quiet_logs()

    config = Path(args.config).resolve()
    nlu = Path(args.nlu).resolve()
    report: Dict[str, Any] = {"config": str(config), "training_examples": count_training(nlu)}
    if args.model and not args.train:
        model = args.model
        report["training"] = None
    else:
        name = f"nlu-{config.stem}-{data_fingerprint(list(nlu.rglob('*.yml')) + [config])}"
        print(f"training {name} on {nlu} with {config} ...", flush=True)
        report["training"] = train_model(config, nlu, OUT / "models", name)
        model = report["training"]["model"]
        print(
            f"trained in {report['training']['train_seconds']} s "
            f"(CPU {report['training']['train_cpu_seconds']} s), peak RSS {report['training']['train_peak_rss_mb']} MB",
            flush=True,
        )
    report["model"] = model
    sets = {lang: load_examples(Path(args.heldout) / f"heldout_{lang}.yml") for lang in LANGS}
    # confusion_<lang>.png for config.yml / a given model, confusion_<config>_<lang>.png otherwise
    tag = (
        ""
        if (args.model and not args.train) or config == ROOT / "config.yml"
        else f"{config.stem}_"
    )
    parser = Parser(model)
    res = evaluate_model(parser, sets, plots=not args.no_plots, tag=tag)
    report.update(res)
    unseen = {
        lang: load_examples(Path(args.heldout) / f"unseen_{lang}.yml")
        for lang in LANGS
        if (Path(args.heldout) / f"unseen_{lang}.yml").exists()
    }
    if unseen:
        report["unseen"] = evaluate_model(
            parser, unseen, plots=not args.no_plots, tag=f"{tag}unseen_"
        )
    report["parse_peak_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
    )

    print()
    print(markdown_table(res["per_language"]))
    if unseen:
        print("\nunseen set:\n")
        print(markdown_table(report["unseen"]["per_language"]))
    print(
        f"\nparse latency over {res['latency_ms_all']['n']} parses: p50 {res['latency_ms_all']['p50']} ms, p95 {res['latency_ms_all']['p95']} ms"
    )
    if report["training"]:
        t = report["training"]
        print(
            f"training: {t['train_seconds']} s wall, {t['train_cpu_seconds']} s CPU, peak RSS {t['train_peak_rss_mb']} MB"
        )
    for lang, r in res["per_language"].items():
        li = r["language_id"]
        print(
            f"\n### {lang}: language id {li['accuracy']} over {li['n_scored']} messages with words "
            f"({li['wordless_excluded']} wordless excluded, {li['wordless_predicted_none']} of them -> None)"
        )
        for c in r["top_confusions"][:6]:
            print(f"- {c['gold']} -> {c['predicted']} x{c['count']}: " + " | ".join(c["examples"]))
    for lang, r in (report.get("unseen") or {}).get("per_language", {}).items():
        print(f"\n### unseen {lang}")
        for c in r["top_confusions"][:8]:
            print(f"- {c['gold']} -> {c['predicted']} x{c['count']}: " + " | ".join(c["examples"]))
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
