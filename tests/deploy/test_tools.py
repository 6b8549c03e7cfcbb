"""Both overlays validate against Kubernetes 1.32's schemas and pass checkov, offline, with
every skipped rule named and justified in the manifests."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any, Dict, List

from tests.deploy.conftest import ROOT, objects

KUBERNETES_VERSION = "1.32.0"
# Each skipped checkov rule and why (the same words are in the manifests' annotations).
SKIPS = {
    "CKV_K8S_35": "reads secrets from the environment only",
    "CKV_K8S_43": "pins it by digest",
    "CKV_K8S_8": "the worker serves no HTTP",
    "CKV_K8S_9": "the worker serves no HTTP",
}


def run(command: List[str], **kwargs: Any) -> subprocess.CompletedProcess:
    """A tool with no network (unshare -n where it works): the checks must not need one."""
    offline = ["unshare", "-n"] if _can_unshare() else []
    return subprocess.run(offline + command, capture_output=True, text=True, **kwargs)


_unshare: Dict[str, bool] = {}


def _can_unshare() -> bool:
    if "ok" not in _unshare:
        done = subprocess.run(["unshare", "-n", "true"], capture_output=True)
        _unshare["ok"] = done.returncode == 0
    return _unshare["ok"]


def test_every_object_validates_against_the_pinned_schemas(
    tools: Path, overlay: str, rendered_file: Path
) -> None:
    done = run(
        [str(tools / "kubernetes-validate"), "-k", KUBERNETES_VERSION, "--strict", "--no-warn"]
        + [str(rendered_file)],
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    passed = done.stdout.count(" passed for resource ")
    assert passed == len(objects(overlay)), done.stdout


def test_the_validation_refuses_a_misspelt_field(tools: Path, tmp_path: Path) -> None:
    text = (ROOT / "deploy" / "k8s" / "base" / "actions.yaml").read_text()
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace("revisionHistoryLimit:", "revisionHistoryLimt:", 1))
    done = run(
        [str(tools / "kubernetes-validate"), "-k", KUBERNETES_VERSION, "--strict", str(broken)],
        timeout=300,
    )
    assert done.returncode != 0
    assert "revisionHistoryLimt" in done.stdout + done.stderr


def checkov(tools: Path, target: Path, framework: str) -> Dict[str, Any]:
    done = run(
        [str(tools / "checkov"), "-f", str(target), "--framework", framework]
        + ["--skip-download", "--output", "json"],
        timeout=600,
        cwd=target.parent,
    )
    report = json.loads(done.stdout)
    assert done.returncode == 0, json.dumps(report["results"].get("failed_checks"), indent=1)
    return report


def test_checkov_passes_with_only_the_named_skips(
    tools: Path, overlay: str, rendered_file: Path
) -> None:
    report = checkov(tools, rendered_file, "kubernetes")
    assert report["summary"]["failed"] == 0
    assert report["summary"]["passed"] > 300  # it did check every object
    skipped = report["results"].get("skipped_checks", [])
    assert {c["check_id"] for c in skipped} == set(SKIPS)
    for obj in objects(overlay):
        for key, value in (obj["metadata"].get("annotations") or {}).items():
            if key.startswith("checkov.io/skip"):
                rule, _, why = value.partition("=")
                assert rule in SKIPS and SKIPS[rule] in why, (obj["metadata"]["name"], value)


def test_checkov_passes_on_the_containerfile(tools: Path, tmp_path: Path) -> None:
    # checkov knows a Dockerfile by its name; the Containerfile is one.
    copy = tmp_path / "Dockerfile"
    copy.write_text((ROOT / "deploy" / "Containerfile").read_text())
    report = checkov(tools, copy, "dockerfile")
    assert report["summary"]["failed"] == 0 and report["summary"]["passed"] > 20
    assert not report["results"].get("skipped_checks")
