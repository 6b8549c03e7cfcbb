"""SIB-200 Urdu topic classification with the project's NLU pipeline.

One command (repository root)::

    .venv/bin/python bench/sib200_eval.py                                  # config.yml
    .venv/bin/python bench/sib200_eval.py --config bench/configs/lr_sparse_e5.yml

Trains the pipeline of --config (default config.yml) on ../shared/eval/sib200_urd/train.tsv
(category as the intent; "science/technology" becomes science_technology) in a child process,
then parses every sentence of test.tsv (and dev.tsv, reported separately) and scores the
classifier's top intent (nlu_fallback is skipped, so the number is the classifier's own; the
rate at which FallbackClassifier would have fired is reported too): accuracy and macro-F1.
Published reference on this split: character n-gram + word TF-IDF LR 0.686,
multilingual-e5-small + LR 0.804. Writes bench/out/sib200_eval.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

import nlu_eval  # noqa: E402

DATA = ROOT.parent / "shared" / "eval" / "sib200_urd"  # ../shared beside the repository
BASELINES = {"char n-gram + word TF-IDF LR": 0.686, "multilingual-e5-small + LR": 0.804}


def intent_name(category: str) -> str:
    """A Rasa-safe intent name ('/' would mark a retrieval intent)."""
    return category.strip().replace("/", "_").replace(" ", "_")


def read_tsv(path: Path) -> List[Tuple[str, str]]:
    """(text, intent) pairs of a SIB-200 split."""
    with open(path, encoding="utf-8", newline="") as fh:
        return [
            (row["text"].strip(), intent_name(row["category"]))
            for row in csv.DictReader(fh, delimiter="\t")
        ]


def write_nlu(rows: List[Tuple[str, str]], path: Path) -> None:
    """Rasa NLU YAML for the rows (brackets turned into parentheses: no entity syntax)."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    msgs = [
        Message(data={"text": t.replace("[", "(").replace("]", ")"), "intent": i}) for t, i in rows
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    RasaYAMLWriter().dump(path, TrainingData(training_examples=msgs))


def score(parser: nlu_eval.Parser, rows: List[Tuple[str, str]]) -> Dict[str, object]:
    gold, pred, fallback = [], [], 0
    for text, intent in rows:
        pd = parser.parse(text)
        ranking = [r["name"] for r in pd.get("intent_ranking") or [] if r["name"] != "nlu_fallback"]
        fallback += (pd.get("intent") or {}).get("name") == "nlu_fallback"
        gold.append(intent)
        pred.append(ranking[0] if ranking else (pd.get("intent") or {}).get("name"))
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)
    mf1, per = nlu_eval.macro_f1(gold, pred)
    return {
        "n": len(gold),
        "accuracy": round(acc, 4),
        "macro_f1": mf1,
        "per_class_f1": per,
        "fallback_rate": round(fallback / len(gold), 4),
        "top_confusions": nlu_eval.top_confusions(
            gold, pred, [t[:80] for t, _ in rows], k=5, examples=1
        ),
    }


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--config", default=str(ROOT / "config.yml"))
    ap.add_argument("--model", help="evaluate this SIB-200 model instead of training one")
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--json", default=str(OUT / "sib200_eval.json"))
    args = ap.parse_args(argv)
    nlu_eval.quiet_logs()
    data = Path(args.data)
    config = Path(args.config).resolve()
    report: Dict[str, object] = {"config": str(config), "baselines": BASELINES}
    if args.model:
        model = args.model
    else:
        train_file = OUT / "sib200" / "train" / "nlu.yml"
        write_nlu(read_tsv(data / "train.tsv"), train_file)
        name = f"sib200-{config.stem}-{nlu_eval.data_fingerprint([train_file, config])}"
        print(f"training {name} ...", flush=True)
        report["training"] = nlu_eval.train_model(config, train_file.parent, OUT / "models", name)
        model = report["training"]["model"]
    report["model"] = model
    parser = nlu_eval.Parser(model)
    nlu_eval.quiet_logs()
    report["test"] = score(parser, read_tsv(data / "test.tsv"))
    report["dev"] = score(parser, read_tsv(data / "dev.tsv"))
    t, d = report["test"], report["dev"]
    print("\n| split | n | accuracy | macro-F1 | fallback would fire |\n|---|---|---|---|---|")
    for split, r in (("test", t), ("dev", d)):
        print(
            f"| {split} | {r['n']} | {r['accuracy']:.3f} | {r['macro_f1']:.3f} | {r['fallback_rate']:.3f} |"
        )
    print(
        "\nreference (test accuracy): "
        + "; ".join(f"{k} {v}" for k, v in BASELINES.items())
        + "; target >= 0.80"
    )
    if report.get("training"):
        tr = report["training"]
        print(
            f"training: {tr['train_seconds']} s wall ({tr['train_cpu_seconds']} s CPU), peak RSS {tr['train_peak_rss_mb']} MB"
        )
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
