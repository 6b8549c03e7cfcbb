"""What the rendered overlays run: hardened pods, the health URLs `madadgar status` uses,
sizes from docs/PERFORMANCE.md, only the channel webhooks public, the secrets the code asks for."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest

from bot.core.settings import Settings
from bot.prod.layout import Layout
from bot.prod.stack import Stack
from tests.deploy.conftest import ROOT, find, objects, workloads

COMPONENTS = {"rasa", "actions", "console", "worker", "migrate"}
# Every process refuses to start outside demo mode unless these are real (Settings.check_production).
KEYS = {"HASH_KEY", "VAULT_KEY", "CONSOLE_SECRET_KEY", "ACTION_SERVER_SECRET", "REST_CHANNEL_TOKEN"}
MIB = 1024 * 1024


def containers(objs: List[Dict[str, Any]]) -> Iterator[Tuple[str, Dict[str, Any], Dict[str, Any]]]:
    """(component, pod spec, container) for every container of every workload."""
    for w in workloads(objs):
        spec = w["spec"]["template"]["spec"]
        component = w["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"]
        for c in spec.get("initContainers", []) + spec["containers"]:
            yield component, spec, c


def quantity(text: str) -> float:
    """A Kubernetes quantity in bytes or cores."""
    units = {"Mi": MIB, "Gi": 1024 * MIB, "m": 0.001, "": 1}
    number, unit = re.fullmatch(r"([\d.]+)([A-Za-z]*)", str(text)).groups()  # type: ignore
    return float(number) * units[unit]


def test_both_overlays_run_every_role(overlay: str) -> None:
    objs = objects(overlay)
    roles = {c for c, _, _ in containers(objs)}
    assert roles == COMPONENTS
    for name in ("rasa", "actions", "console"):
        find(objs, "Service", f"madadgar-{name}")
        find(objs, "PodDisruptionBudget", f"madadgar-{name}")
    hpa = find(objs, "HorizontalPodAutoscaler", "madadgar-rasa")
    assert hpa["spec"]["scaleTargetRef"]["name"] == "madadgar-rasa"
    assert all(
        o["metadata"].get("namespace") == "madadgar" for o in objs if o["kind"] != "Namespace"
    )


def test_every_pod_is_non_root_read_only_and_without_a_token(overlay: str) -> None:
    user = containerfile_user()
    for component, spec, c in containers(objects(overlay)):
        assert spec["automountServiceAccountToken"] is False, component
        pod = spec["securityContext"]
        assert pod["runAsNonRoot"] is True and pod["runAsUser"] == user, component
        assert pod["seccompProfile"]["type"] == "RuntimeDefault"
        sec = c["securityContext"]
        assert sec["readOnlyRootFilesystem"] is True, c["name"]
        assert sec["allowPrivilegeEscalation"] is False, c["name"]
        assert sec["capabilities"]["drop"] == ["ALL"], c["name"]
        # what must write gets an emptyDir: /tmp (HOME, Rasa unpacks its model there)
        mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        for name in mounts.values():
            assert "emptyDir" in volumes[name], (c["name"], name)
        assert "/tmp" in mounts, c["name"]


def test_rasa_gets_a_writable_dir_for_the_files_it_reads() -> None:
    rasa = _container(objects("national"), "rasa", "rasa")
    env = _settings_env(objects("national"))
    mounts = {m["mountPath"] for m in rasa["volumeMounts"]}
    assert env["MADADGAR_RUNTIME_DIR"] in mounts and env["HOME"] in mounts


def _container(objs: List[Dict[str, Any]], component: str, name: str) -> Dict[str, Any]:
    for comp, _, c in containers(objs):
        if comp == component and c["name"] == name:
            return c
    raise AssertionError(f"no container {name} in {component}")


def _settings_env(objs: List[Dict[str, Any]]) -> Dict[str, str]:
    (config,) = [o for o in objs if o["kind"] == "ConfigMap"]
    return config["data"]


def health_paths() -> Dict[str, str]:
    """The health URL path of each program `madadgar status` checks on the production stack."""
    stack = Stack(Layout(rasa_replicas=1, action_replicas=1), model=Path("model.tar.gz"))
    env = {"RASA_TOKEN": "t" * 40}
    programs = stack.programs(env, Path("endpoints.yml"), Path("credentials.yml"))
    paths = {}
    for p in programs:
        if p.health_url:
            paths[p.name.split("-")[0] if p.name != "action-fallback" else p.name] = (
                "/" + p.health_url.split("/", 3)[3]
            )
    return paths


@pytest.mark.parametrize(
    "component,name,status_name",
    [
        ("rasa", "rasa", "rasa"),
        ("actions", "actions", "actions"),
        ("console", "console", "console"),
    ],
)
def test_probes_use_the_health_urls_of_madadgar_status(
    overlay: str, component: str, name: str, status_name: str
) -> None:
    c = _container(objects(overlay), component, name)
    path = health_paths()[status_name]
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    for probe in ("readinessProbe", "livenessProbe"):
        assert c[probe]["httpGet"]["path"] == path, (name, probe)
        assert c[probe]["httpGet"]["port"] in ports
    if name == "rasa":  # the model takes ~30 s to load; give it 5 minutes
        start = c["startupProbe"]
        assert start["httpGet"]["path"] == path
        assert start["periodSeconds"] * start["failureThreshold"] >= 300


def test_the_worker_has_no_probe_because_it_serves_nothing(overlay: str) -> None:
    worker = _container(objects(overlay), "worker", "worker")
    assert "ports" not in worker and "livenessProbe" not in worker
    assert "worker" not in health_paths()  # madadgar status has no health URL for it either
    deployment = find(objects(overlay), "Deployment", "madadgar-worker")
    assert deployment["spec"]["strategy"]["type"] == "Recreate"


def test_every_container_has_requests_and_limits(overlay: str) -> None:
    for _, _, c in containers(objects(overlay)):
        res = c["resources"]
        for kind in ("cpu", "memory"):
            assert quantity(res["requests"][kind]) <= quantity(res["limits"][kind]), c["name"]


def test_sizes_follow_the_measured_figures() -> None:
    """docs/PERFORMANCE.md: a Rasa replica's RSS is 608-623 MB and it uses one core; an
    action server 128-141 MB."""
    perf = (ROOT / "docs" / "PERFORMANCE.md").read_text(encoding="utf-8")
    assert "| Rasa replica | 608–623 MB |" in perf and "| action server | 128–141 MB |" in perf
    objs = objects("national")
    rasa = _container(objs, "rasa", "rasa")["resources"]
    assert quantity(rasa["requests"]["memory"]) >= 623e6
    assert quantity(rasa["limits"]["memory"]) >= 1.5 * 623e6
    assert quantity(rasa["requests"]["cpu"]) == 1.0  # one process, one core
    actions = _container(objs, "actions", "actions")["resources"]
    assert quantity(actions["requests"]["memory"]) >= 141e6


def test_the_national_overlay_is_the_capacity_plan() -> None:
    """12 Rasa replicas for 100 msg/s, up to 34 for the ~300 msg/s peaks, at 60 % of a
    core each; 2-5 action servers; spread over hosts."""
    perf = (ROOT / "docs" / "PERFORMANCE.md").read_text(encoding="utf-8")
    assert "| **11–12** | 8 | **34** |" in perf and "| **2** | 2 | **5** |" in perf
    objs = objects("national")
    rasa = find(objs, "HorizontalPodAutoscaler", "madadgar-rasa")["spec"]
    assert (rasa["minReplicas"], rasa["maxReplicas"]) == (12, 34)
    assert rasa["metrics"][0]["resource"]["target"]["averageUtilization"] == 60
    actions = find(objs, "HorizontalPodAutoscaler", "madadgar-actions")["spec"]
    assert (actions["minReplicas"], actions["maxReplicas"]) == (2, 5)
    # 100 % of a 600m request is 60 % of a core, as the plan counts
    request = _container(objs, "actions", "actions")["resources"]["requests"]["cpu"]
    assert quantity(request) * actions["metrics"][0]["resource"]["target"][
        "averageUtilization"
    ] / 100 == pytest.approx(0.6)
    for name in ("madadgar-rasa", "madadgar-actions"):
        spread = find(objs, "Deployment", name)["spec"]["template"]["spec"][
            "topologySpreadConstraints"
        ]
        assert any(
            s["topologyKey"] == "kubernetes.io/hostname"
            and s["whenUnsatisfiable"] == "DoNotSchedule"
            for s in spread
        )


def test_the_small_overlay_is_the_embedded_default() -> None:
    objs = objects("small")
    hpa = find(objs, "HorizontalPodAutoscaler", "madadgar-rasa")["spec"]
    assert hpa["minReplicas"] == 1
    for name in ("rasa", "actions", "console", "worker"):  # no count: Kubernetes' 1
        assert find(objs, "Deployment", f"madadgar-{name}")["spec"].get("replicas", 1) == 1
    requested = sum(
        quantity(c["resources"]["requests"]["cpu"])
        for comp, _, c in containers(objs)
        if comp != "migrate"
    )
    assert requested <= 1.5  # fits a 2-core node with the system's own pods


def test_rollouts_never_take_a_serving_replica_away_first(overlay: str) -> None:
    for name in ("rasa", "actions", "console"):
        strategy = find(objects(overlay), "Deployment", f"madadgar-{name}")["spec"]["strategy"]
        assert strategy["rollingUpdate"]["maxUnavailable"] == 0, name
    rasa = find(objects(overlay), "Deployment", "madadgar-rasa")["spec"]["template"]["spec"]
    assert rasa["terminationGracePeriodSeconds"] > 60  # the longest turn nginx waits for


def test_pod_disruption_budgets_and_autoscalers_name_real_workloads(overlay: str) -> None:
    objs = objects(overlay)
    for pdb in [o for o in objs if o["kind"] == "PodDisruptionBudget"]:
        selector = pdb["spec"]["selector"]["matchLabels"]
        matched = [
            w
            for w in workloads(objs)
            if w["spec"]["template"]["metadata"]["labels"].items() >= selector.items()
        ]
        assert len(matched) == 1 and matched[0]["kind"] == "Deployment", pdb["metadata"]["name"]
    for hpa in [o for o in objs if o["kind"] == "HorizontalPodAutoscaler"]:
        target = find(objs, "Deployment", hpa["spec"]["scaleTargetRef"]["name"])
        # the autoscaler owns the count: one in the manifest would reset it at each apply
        assert "replicas" not in target["spec"], target["metadata"]["name"]


NGINX_PUBLIC = re.compile(r"location ~ (\^/webhooks/\S+\$) \{")


def test_the_ingress_exposes_only_the_channel_webhooks(overlay: str) -> None:
    objs = objects(overlay)
    ingresses = [o for o in objs if o["kind"] == "Ingress"]
    assert len(ingresses) == 1
    paths = []
    for rule in ingresses[0]["spec"]["rules"]:
        for p in rule["http"]["paths"]:
            assert p["pathType"] == "Exact"
            assert p["backend"]["service"] == {"name": "madadgar-rasa", "port": {"number": 5005}}
            paths.append(p["path"])
    assert sorted(paths) == [
        "/webhooks/telegram/webhook",
        "/webhooks/twilio/status",
        "/webhooks/twilio/webhook",
        "/webhooks/twilio_voice/webhook",
    ]
    template = (ROOT / "deploy" / "nginx" / "madadgar.conf.template").read_text()
    (public,) = NGINX_PUBLIC.findall(template)
    for path in paths:  # the same paths one host's nginx passes, no more
        assert re.match(public, path), path
    assert not re.match(public, "/webhooks/rest/webhook")
    assert ingresses[0]["spec"]["tls"], "webhooks only over TLS"


def test_the_webhook_paths_are_routes_of_the_connectors() -> None:
    from bot.channels.telegram import TelegramInput
    from bot.channels.twilio_messaging import TwilioMessagingInput
    from bot.channels.twilio_voice import TwilioVoiceInput

    routes = set()
    for connector in (TwilioMessagingInput, TwilioVoiceInput, TelegramInput):
        source = Path(importlib.util.find_spec(connector.__module__).origin).read_text()  # type: ignore
        for route in re.findall(r'@bp\.route\("(/[a-z]+)", methods=\["POST"\]\)', source):
            routes.add(f"/webhooks/{connector.name()}{route}")
    ingress = {
        p["path"]
        for o in objects("national")
        if o["kind"] == "Ingress"
        for r in o["spec"]["rules"]
        for p in r["http"]["paths"]
    }
    assert ingress == routes


def test_every_process_gets_the_secrets_its_start_check_asks_for(overlay: str) -> None:
    objs = objects(overlay)
    fields = set(Settings.__fields__)
    documented = documented_secrets()
    for component, _, c in containers(objs):
        secrets = {e["secretRef"]["name"] for e in c["envFrom"] if "secretRef" in e}
        assert "madadgar-keys" in secrets and "madadgar-datastores" in secrets, component
        assert documented["madadgar-keys"] == KEYS
        # RASA_TOKEN only where Rasa's API is served or called
        assert ("madadgar-rasa-api" in secrets) == (component in ("rasa", "console")), component
        # Twilio and Telegram tokens only where messages are sent or received
        assert ("madadgar-channels" in secrets) == (component in ("rasa", "console", "worker")), (
            component
        )
        for name in secrets:
            assert name in documented, f"{name} is not in docs/deploy.md"
    for name, keys in documented.items():
        assert keys <= fields, f"{name}: {keys - fields} are no settings"
    for key in _settings_env(objs):
        assert key in fields or key in PROCESS_ENV, key


# Environment the image's processes read that is not a Madadgar setting.
PROCESS_ENV = {
    "RASA_TELEMETRY_ENABLED",
    "OMP_NUM_THREADS",
    "OMP_WAIT_POLICY",
    "TF_CPP_MIN_LOG_LEVEL",
    "PYTHONUNBUFFERED",
    "HOME",
    "MADADGAR_RUNTIME_DIR",
}


def documented_secrets() -> Dict[str, set]:
    """Secret name -> keys, from docs/deploy.md's `kubectl create secret` commands."""
    text = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    found: Dict[str, set] = {}
    for name, body in re.findall(
        r"kubectl -n madadgar create secret generic (\S+)((?:\s*\\\n\s*--from-literal=\S+)+)", text
    ):
        found[name] = set(re.findall(r"--from-literal=([A-Z_0-9]+)=", body))
    assert found, "no secret commands in docs/deploy.md"
    return found


def test_every_command_is_a_module_of_the_image(overlay: str) -> None:
    workdir, venv_python = containerfile_paths()
    for _, _, c in containers(objects(overlay)):
        command = c["command"]
        assert command[0] == venv_python, c["name"]
        assert command[1] == "-m"
        modules = [command[2]]
        if command[2] == "bot.core.logging_setup":  # runs the module named next
            modules.append(command[3])
        for module in modules:
            assert importlib.util.find_spec(module) is not None, module


def containerfile_user() -> int:
    text = (ROOT / "deploy" / "Containerfile").read_text()
    (user,) = re.findall(r"^USER (\d+):\d+$", text, re.M)
    return int(user)


def containerfile_paths() -> Tuple[str, str]:
    text = (ROOT / "deploy" / "Containerfile").read_text()
    workdir = re.findall(r"^WORKDIR (\S+)$", text, re.M)[-1]
    return workdir, f"{workdir}/.venv/bin/python"


def test_the_public_url_is_the_ingress_host(overlay: str) -> None:
    """Twilio signs the public URL it calls; the connectors check it against PUBLIC_BASE_URL."""
    objs = objects(overlay)
    (ingress,) = [o for o in objs if o["kind"] == "Ingress"]
    hosts = {rule["host"] for rule in ingress["spec"]["rules"]}
    tls_hosts = {h for t in ingress["spec"]["tls"] for h in t["hosts"]}
    public = _settings_env(objs)["PUBLIC_BASE_URL"]
    assert hosts == tls_hosts == {public.removeprefix("https://").rstrip("/")}
