"""The rendered overlays of deploy/k8s and the deploy checks' own tools (.venv-tools)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ("small", "national")
TOOLS = ROOT / ".venv-tools" / "bin"


def render(overlay: str) -> str:
    """`kubectl kustomize` of one overlay, as YAML text."""
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl is needed to render deploy/k8s (kubectl kustomize)"
    done = subprocess.run(
        [kubectl, "kustomize", str(K8S / "overlays" / overlay)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


_rendered: Dict[str, str] = {}


def rendered_text(overlay: str) -> str:
    if overlay not in _rendered:
        _rendered[overlay] = render(overlay)
    return _rendered[overlay]


def objects(overlay: str) -> List[Dict[str, Any]]:
    """Every object the overlay renders."""
    return [o for o in yaml.safe_load_all(rendered_text(overlay)) if o]


def find(objs: List[Dict[str, Any]], kind: str, name: str) -> Dict[str, Any]:
    for obj in objs:
        if obj["kind"] == kind and obj["metadata"]["name"] == name:
            return obj
    raise AssertionError(f"no {kind} {name}")


def workloads(objs: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [o for o in objs if o["kind"] in ("Deployment", "Job")]


@pytest.fixture(params=OVERLAYS)
def overlay(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def tools() -> Path:
    """.venv-tools/bin with checkov and kubernetes-validate (scripts/ensure_tools.sh)."""
    subprocess.run([str(ROOT / "scripts" / "ensure_tools.sh")], check=True, timeout=1800)
    return TOOLS


@pytest.fixture
def rendered_file(overlay: str, tmp_path: Path) -> Path:
    path = tmp_path / f"{overlay}.yaml"
    path.write_text(rendered_text(overlay))
    return path
