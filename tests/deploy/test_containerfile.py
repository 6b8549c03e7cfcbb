"""deploy/Containerfile can be checked without a container engine (none runs here): what it
copies exists and reaches the build, what it runs is what CI runs, and it ends non-root."""

from __future__ import annotations

import fnmatch
import os
import re
import shlex
from pathlib import Path
from typing import List, Tuple

from tests.deploy.conftest import ROOT

CONTAINERFILE = ROOT / "deploy" / "Containerfile"


def instructions() -> List[Tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    lines: List[Tuple[str, str]] = []
    pending = ""
    for raw in CONTAINERFILE.read_text().splitlines():
        if raw.lstrip().startswith("#") or not raw.strip():
            continue
        pending += raw.rstrip("\\").strip() + " "
        if not raw.endswith("\\"):
            word, _, rest = pending.strip().partition(" ")
            lines.append((word.upper(), rest.strip()))
            pending = ""
    return lines


def ignored() -> List[str]:
    text = (ROOT / ".dockerignore").read_text()
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def is_ignored(path: str) -> bool:
    parts = Path(path).parts
    return any(
        fnmatch.fnmatch(path, pattern) or parts[0] == pattern or fnmatch.fnmatch(parts[0], pattern)
        for pattern in ignored()
    )


def copies() -> List[Tuple[List[str], str]]:
    found = []
    for word, args in instructions():
        if word == "COPY" and not args.startswith("--from"):
            *sources, target = shlex.split(args)
            found.append((sources, target))
    return found


def test_every_copied_file_exists_and_is_in_the_build_context() -> None:
    assert copies()
    for sources, _ in copies():
        for source in sources:
            assert (ROOT / source).exists(), source
            assert not is_ignored(source), f"{source} is excluded by .dockerignore"


def test_what_the_processes_read_at_run_time_is_copied() -> None:
    """Responses (domain.yml), programme facts and routing (config/), the migrations."""
    from bot.core.settings import ROOT as SETTINGS_ROOT
    from bot.core.settings import Settings

    copied = {s for sources, _ in copies() for s in sources}
    for needed in ("domain.yml", "config", "alembic.ini", "bot"):
        assert needed in copied, needed
    defaults = Settings(_env_file=None)
    for name in ("PROGRAMMES_FILE", "ROUTING_FILE", "SLA_FILE", "STAFF_TELEGRAM_CHATS_FILE"):
        path = Path(getattr(defaults, name)).relative_to(SETTINGS_ROOT)
        assert path.parts[0] in copied, name


def test_local_state_stays_out_of_the_image() -> None:
    for path in (".venv", "models", "var", ".git", ".venv-tools", "bot/__pycache__"):
        assert is_ignored(path), path


def test_the_install_step_is_bootstrap_with_the_constraints() -> None:
    steps = instructions()
    runs = [args for word, args in steps if word == "RUN"]
    assert any(r.split(" && ")[0] == "scripts/bootstrap.sh" for r in runs)
    bootstrap = (ROOT / "scripts" / "bootstrap.sh").read_text()
    assert "-c constraints.txt" in bootstrap
    assert os.access(ROOT / "scripts" / "bootstrap.sh", os.X_OK)
    assert os.access(ROOT / "scripts" / "find_python.sh", os.X_OK)
    # what bootstrap.sh reads is copied before it runs
    copied_before = set()
    for word, args in steps:
        if word == "RUN" and args.startswith("scripts/bootstrap.sh"):
            break
        if word == "COPY" and not args.startswith("--from"):
            copied_before.update(shlex.split(args)[:-1])
    for needed in (
        "pyproject.toml",
        "constraints.txt",
        "README.md",
        "scripts/bootstrap.sh",
        "scripts/find_python.sh",
        "bot",
        "actions",
    ):
        assert needed in copied_before, needed
    # find_python.sh wants Python 3.10, which the base image is
    bases = [args for word, args in steps if word == "FROM"]
    assert all(re.search(r"python:3\.10\.\d+-", b) for b in bases), bases


def test_the_model_is_trained_while_building() -> None:
    runs = [args for word, args in instructions() if word == "RUN"]
    train = [r for r in runs if "madadgar train" in r]
    assert len(train) == 1 and "test -s models/madadgar.tar.gz" in train[0]
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'madadgar = "bot.cli:main"' in pyproject
    # the training inputs are copied before it (bot.cli.train's fingerprint inputs)
    from bot.cli.train import CODE_INPUTS, INPUTS

    copied = {s for sources, _ in copies() for s in sources}
    for needed in INPUTS + CODE_INPUTS:
        assert needed in copied or needed.split("/")[0] in copied, needed


def test_it_runs_as_a_user_of_its_own() -> None:
    steps = instructions()
    users = [args for word, args in steps if word == "USER"]
    assert users and users[-1].split(":")[0] not in ("0", "root")
    uid = int(users[-1].split(":")[0])
    assert uid >= 10000
    assert f"--uid {uid}" in dict((w, a) for w, a in steps if w == "RUN" and "useradd" in a)["RUN"]
    last_from = max(i for i, (w, _) in enumerate(steps) if w == "FROM")
    assert any(w == "USER" for w, _ in steps[last_from:]), "the final stage sets USER"
    (cmd,) = [a for w, a in steps if w == "CMD"]
    assert "bot.prod.container" in cmd
