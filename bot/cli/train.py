"""Trains the Rasa model only when training data, domain or config changed."""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Iterable, List, Optional

from bot.core.environment import FIXED_ENV
from bot.core.settings import ROOT

MODELS_DIR = ROOT / "models"
STAMP = ROOT / "var" / "train.fingerprint"
# Held while checking and training: parallel test workers and a second `make run` wait
# for the one training instead of starting their own.
LOCK = ROOT / "var" / "train.lock"
INPUTS = ("config.yml", "domain.yml", "data")
# Python code the model embeds (custom NLU components and their lexicons).
CODE_INPUTS = ("bot/nlu",)


def _files(paths: Iterable[str]) -> list[Path]:
    found: list[Path] = []
    for rel in paths:
        p = ROOT / rel
        if p.is_dir():
            found += sorted(f for f in p.rglob("*") if f.is_file() and "__pycache__" not in f.parts)
        elif p.exists():
            found.append(p)
    return found


def fingerprint() -> str:
    digest = hashlib.sha256()
    for f in _files(INPUTS + CODE_INPUTS):
        digest.update(str(f.relative_to(ROOT)).encode())
        digest.update(f.read_bytes())
    return digest.hexdigest()


def latest_model() -> Optional[Path]:
    models = sorted(MODELS_DIR.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def ensure_model(force: bool = False) -> Path:
    """The trained model, training first if its inputs changed since the last training."""
    LOCK.parent.mkdir(parents=True, exist_ok=True)
    with LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        return _ensure_model(force)


def _ensure_model(force: bool) -> Path:
    current = fingerprint()
    model = latest_model()
    if not force and model and STAMP.exists() and STAMP.read_text().strip() == current:
        print(f"==> model is up to date ({model.name})", flush=True)
        return model
    print("==> training the assistant (takes a few minutes on 2 cores)...", flush=True)
    rasa = Path(sys.executable).with_name("rasa")
    subprocess.run(
        [
            str(rasa),
            "train",
            "--config",
            "config.yml",
            "--domain",
            "domain.yml",
            "--data",
            "data",
            "--out",
            str(MODELS_DIR),
            "--fixed-model-name",
            "madadgar",
        ],
        cwd=ROOT,
        check=True,
        env=dict(os.environ, **FIXED_ENV),
    )
    STAMP.parent.mkdir(parents=True, exist_ok=True)
    STAMP.write_text(current)
    model = latest_model()
    assert model is not None
    return model


def main(argv: Optional[List[str]] = None) -> int:
    """`madadgar train`: train the model when its inputs changed."""
    parser = argparse.ArgumentParser(prog="madadgar train")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    print(ensure_model(force=args.force))
    return 0
