"""The NetworkPolicies allow exactly the edges of docs/SECURITY.md's Kubernetes trust table."""

from __future__ import annotations

import copy
import re
from typing import Any, Dict, List, Set, Tuple

import pytest

from tests.deploy.conftest import ROOT, find, objects, workloads

Edge = Tuple[str, str, str]  # (from, to, "port/PROTOCOL")
NAMESPACE = "madadgar"
PRIVATE = {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"}
TABLE_HEADING = "### On Kubernetes: the NetworkPolicies"


def trust_table() -> Set[Edge]:
    """The edges docs/SECURITY.md lists: each row's sources x destinations x ports."""
    text = (ROOT / "docs" / "SECURITY.md").read_text(encoding="utf-8")
    section = text.split(TABLE_HEADING, 1)[1].split("\n## ", 1)[0]
    edges: Set[Edge] = set()
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`"):
            continue
        sources = re.findall(r"`([a-z-]+)`", cells[0].split("(")[0])
        targets = re.findall(r"`([a-z-]+)`", cells[1].split("(")[0])
        ports = re.findall(r"\d+/(?:TCP|UDP)", cells[2])
        edges |= {(s, t, p) for s in sources for t in targets for p in ports}
    assert edges, "no trust table found in docs/SECURITY.md"
    return edges


def _matches(selector: Dict[str, Any], labels: Dict[str, str]) -> bool:
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        present = expr["key"] in labels
        value = labels.get(expr["key"])
        op = expr["operator"]
        if op == "In" and value not in expr["values"]:
            return False
        if op == "NotIn" and value in expr["values"]:
            return False
        if op == "Exists" and not present:
            return False
        if op == "DoesNotExist" and present:
            return False
    return True


def _pods(objs: List[Dict[str, Any]]) -> Dict[str, Dict[str, str]]:
    """component name -> labels of its pods."""
    pods = {}
    for w in workloads(objs):
        labels = w["spec"]["template"]["metadata"]["labels"]
        pods[labels["app.kubernetes.io/component"]] = labels
    return pods


def _addresses(objs: List[Dict[str, Any]]) -> Dict[str, str]:
    """The overlay's datastore addresses: the one ipBlock of the policies that name them."""
    found = {}
    for name in ("postgresql", "redis"):
        (rule,) = find(objs, "NetworkPolicy", name)["spec"]["egress"]
        (peer,) = rule["to"]
        found[peer["ipBlock"]["cidr"]] = name
    return found


def _peer_names(peer: Dict[str, Any], pods: Dict[str, Dict[str, str]], addresses) -> Set[str]:
    """What one `from`/`to` entry lets through, named as the trust table names it."""
    if "ipBlock" in peer:
        block = peer["ipBlock"]
        if block["cidr"] in addresses:
            return {addresses[block["cidr"]]}
        if block["cidr"] == "0.0.0.0/0" and PRIVATE <= set(block.get("except") or []):
            return {"internet"}
        return {f"ipBlock {block}"}
    ns = peer.get("namespaceSelector")
    pod = peer.get("podSelector")
    if ns is None:  # this namespace
        return {name for name, labels in pods.items() if _matches(pod or {}, labels)}
    ns_labels = ns.get("matchLabels") or {}
    pod_labels = (pod or {}).get("matchLabels") or {}
    if ns_labels == {"kubernetes.io/metadata.name": "ingress-nginx"} and pod_labels == {
        "app.kubernetes.io/name": "ingress-nginx"
    }:
        return {"ingress-controller"}
    if ns_labels == {"madadgar.pk/staff-gateway": "true"} and not pod_labels:
        return {"staff-gateway"}
    if ns_labels == {"kubernetes.io/metadata.name": "kube-system"} and pod_labels == {
        "k8s-app": "kube-dns"
    }:
        return {"kube-dns"}
    return {f"peer {peer}"}


def _ports(rule: Dict[str, Any]) -> List[str]:
    ports = rule.get("ports")
    if not ports:
        return ["any"]
    return [f"{p['port']}/{p.get('protocol', 'TCP')}" for p in ports]


def allowed_edges(objs: List[Dict[str, Any]]) -> Set[Edge]:
    """Every (from, to, port) the rendered policies let through. An edge between two pods
    of the namespace needs the source's egress and the destination's ingress; half of
    one shows up as `half-open`, so it fails the comparison too."""
    pods = _pods(objs)
    addresses = _addresses(objs)
    policies = [o for o in objs if o["kind"] == "NetworkPolicy"]
    ingress: Set[Edge] = set()
    egress: Set[Edge] = set()
    isolated_in: Set[str] = set()
    isolated_out: Set[str] = set()
    for policy in policies:
        spec = policy["spec"]
        assert policy["metadata"]["namespace"] == NAMESPACE
        selected = {n for n, labels in pods.items() if _matches(spec["podSelector"], labels)}
        types = spec.get("policyTypes") or ["Ingress"]
        if "Ingress" in types:
            isolated_in |= selected
        if "Egress" in types:
            isolated_out |= selected
        for rule in spec.get("ingress") or []:
            sources = set().union(*(_peer_names(p, pods, addresses) for p in rule["from"]))
            ingress |= {(s, d, port) for s in sources for d in selected for port in _ports(rule)}
        for rule in spec.get("egress") or []:
            targets = set().union(*(_peer_names(p, pods, addresses) for p in rule["to"]))
            egress |= {(s, d, port) for s in selected for d in targets for port in _ports(rule)}
    edges: Set[Edge] = set()
    for name in pods:  # a pod no policy isolates talks to anyone
        if name not in isolated_in:
            edges.add(("anyone", name, "any"))
        if name not in isolated_out:
            edges.add((name, "anyone", "any"))
    for src, dst, port in ingress | egress:
        internal = src in pods and dst in pods
        if not internal:
            edges.add((src, dst, port))
        elif (src, dst, port) in ingress and (src, dst, port) in egress:
            edges.add((src, dst, port))
        else:
            edges.add((src, dst, f"half-open {port}"))
    return edges


@pytest.mark.parametrize("overlay", ["small", "national"])
def test_the_policies_allow_exactly_the_trust_table(overlay: str) -> None:
    edges = allowed_edges(objects(overlay))
    table = trust_table()
    assert edges - table == set(), "allowed but not in docs/SECURITY.md"
    assert table - edges == set(), "in docs/SECURITY.md but not allowed"


def test_the_table_has_the_issue_s_three_rules() -> None:
    """Only Rasa reaches the action server, only the ingress and the console reach Rasa."""
    table = trust_table()
    assert {s for s, d, _ in table if d == "actions"} == {"rasa"}
    assert {s for s, d, _ in table if d == "rasa"} == {"ingress-controller", "console"}
    assert {s for s, d, _ in table if d == "console"} == {"staff-gateway"}


def _policy(objs: List[Dict[str, Any]], name: str) -> Dict[str, Any]:
    return find(objs, "NetworkPolicy", name)["spec"]


def test_an_added_edge_fails_the_comparison() -> None:
    objs = copy.deepcopy(objects("national"))
    # the console given a way into the action servers
    _policy(objs, "actions")["ingress"].append(
        {
            "from": [{"podSelector": {"matchLabels": {"app.kubernetes.io/component": "console"}}}],
            "ports": [{"protocol": "TCP", "port": 5055}],
        }
    )
    _policy(objs, "console")["egress"].append(
        {
            "to": [{"podSelector": {"matchLabels": {"app.kubernetes.io/component": "actions"}}}],
            "ports": [{"protocol": "TCP", "port": 5055}],
        }
    )
    assert allowed_edges(objs) - trust_table() == {("console", "actions", "5055/TCP")}


def test_a_removed_edge_fails_the_comparison() -> None:
    objs = [o for o in objects("national") if o["metadata"]["name"] != "channel-apis"]
    assert trust_table() - allowed_edges(objs) == {
        ("rasa", "internet", "443/TCP"),
        ("console", "internet", "443/TCP"),
        ("worker", "internet", "443/TCP"),
    }


def test_one_side_of_an_edge_is_not_an_edge() -> None:
    objs = copy.deepcopy(objects("national"))
    _policy(objs, "actions")["ingress"] = []  # Rasa may still send, the actions refuse
    edges = allowed_edges(objs)
    assert ("rasa", "actions", "5055/TCP") not in edges
    assert ("rasa", "actions", "half-open 5055/TCP") in edges


def test_without_the_default_deny_everything_is_open() -> None:
    objs = [o for o in objects("small") if o["metadata"]["name"] != "default-deny"]
    edges = allowed_edges(objs)
    assert ("anyone", "worker", "any") in edges and ("anyone", "migrate", "any") in edges
    assert ("worker", "anyone", "any") not in edges  # its egress is isolated by others


def test_a_rule_open_to_any_port_is_named_so() -> None:
    objs = copy.deepcopy(objects("small"))
    del _policy(objs, "actions")["ingress"][0]["ports"]
    assert ("rasa", "actions", "half-open any") in allowed_edges(objs)
