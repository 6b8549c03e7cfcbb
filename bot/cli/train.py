"""Trains the Rasa model only when training data, domain or config changed."""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterable, List, Optional

import yaml

from bot.core.environment import FIXED_ENV
from bot.core.settings import ROOT

MODELS_DIR = ROOT / "models"
STAMP = ROOT / "var" / "train.fingerprint"
# Held while checking and training: parallel test workers and a second `make run` wait
# for the one training instead of starting their own.
LOCK = ROOT / "var" / "train.lock"
LOG = ROOT / "var" / "log" / "train.log"
_STARTED = re.compile(r"Starting to train component '(\w+)'")
_FINISHED = re.compile(r"(?:Finished training|Restored) component")
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
    _train()
    STAMP.parent.mkdir(parents=True, exist_ok=True)
    STAMP.write_text(current)
    model = latest_model()
    assert model is not None
    return model


def _steps() -> int:
    """How many components training reports: the pipeline's and the policies'."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8")) or {}
    return max(len(config.get("pipeline") or []) + len(config.get("policies") or []), 1)


def _bar(done: int, total: int, name: str, started: float) -> str:
    width = 24
    filled = min(width, width * done // total)
    elapsed = int(time.monotonic() - started)
    return f"    [{'#' * filled}{'-' * (width - filled)}] {done}/{total} {name}  {elapsed // 60}m{elapsed % 60:02d}s"


def _train() -> None:
    """`rasa train`, its output in var/log/train.log and a progress bar on the terminal.

    Rasa's own output (hundreds of lines, warnings included) helps nobody starting the
    helpline; the log keeps it for whoever needs it. The data is validated by `make test`
    (`rasa data validate`), so training skips Rasa's second validation.
    """
    LOG.parent.mkdir(parents=True, exist_ok=True)
    total, done, name = _steps(), 0, "reading the training data"
    started = time.monotonic()
    tty = sys.stdout.isatty()
    print(
        f"==> training the assistant: a few minutes on 2 cores (Rasa's output: {LOG.relative_to(ROOT)})",
        flush=True,
    )
    rasa = Path(sys.executable).with_name("rasa")
    args = [
        str(rasa),
        "train",
        "--config",
        "config.yml",
        "--domain",
        "domain.yml",
        "--data",
        "data",
    ]
    args += ["--out", str(MODELS_DIR), "--fixed-model-name", "madadgar", "--skip-validation"]
    with LOG.open("w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env=dict(os.environ, **FIXED_ENV, PYTHONUNBUFFERED="1"),  # a line as it is logged
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            log.write(line)
            step = _STARTED.search(line)
            if step:
                name = step.group(1)
                print(
                    ("\r" if tty else "") + _bar(done, total, name, started),
                    end="" if tty else "\n",
                    flush=True,
                )
            elif _FINISHED.search(line):
                done = min(done + 1, total)
        code = proc.wait()
    if tty:
        print("\r" + _bar(total if code == 0 else done, total, "", started), flush=True)
    if code != 0:
        tail = LOG.read_text(encoding="utf-8", errors="replace").splitlines()[-30:]
        print("\n".join(["==> training failed; the end of its log:", *tail]), file=sys.stderr)
        raise subprocess.CalledProcessError(code, args)
    elapsed = int(time.monotonic() - started)
    print(f"==> model trained in {elapsed // 60}m{elapsed % 60:02d}s", flush=True)


def main(argv: Optional[List[str]] = None) -> int:
    """`madadgar train`: train the model when its inputs changed."""
    parser = argparse.ArgumentParser(prog="madadgar train")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    print(ensure_model(force=args.force))
    return 0
