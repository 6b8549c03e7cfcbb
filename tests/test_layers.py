"""Dependencies point one way: entry points -> edges -> services -> nlu/language -> core.

Read from the source with `ast` (every import, also those inside functions), so the rule
holds for code that only runs late as much as for module-level imports. A lower layer
that needs something of a higher one takes it as a parameter or a protocol, as the
outbox takes its senders and rules.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

ROOT = Path(__file__).resolve().parents[1]

# Higher numbers may import lower ones, never the other way round.
LAYERS: Dict[str, int] = {
    # entry points: processes and commands
    "bot.cli": 4,
    "bot.ops": 4,
    "bot.prod": 4,
    # edges: what talks to people and to Rasa
    "bot.console": 3,
    "bot.channels": 3,
    "bot.rasa_plugins": 3,
    "actions": 3,
    # services: the business rules
    "bot.assistant": 2,
    "bot.registry": 2,
    "bot.tickets": 2,
    "bot.privacy": 2,
    "bot.live": 2,
    "bot.evidence": 2,
    "bot.outreach": 2,
    "bot.patterns": 2,
    # understanding text, and the texts themselves
    "bot.nlu": 1,
    "bot.language": 1,
    # infrastructure every layer uses: settings, database, clock, outbox, audit, masking
    "bot.core": 0,
}

# Imports against the rule, each with the reason it has to be one.
ALLOWED: Dict[Tuple[str, str], str] = {
    # Alembic's environment must see every table of every layer to compare the models
    # with the database; it runs only under `alembic` / bot.core.migrate, and nothing
    # imports it.
    **{
        ("bot.core.migrations.env", f"{package}.models"): "Alembic needs every table"
        for package in (
            "bot.assistant",
            "bot.channels",
            "bot.console",
            "bot.evidence",
            "bot.live",
            "bot.outreach",
            "bot.patterns",
            "bot.privacy",
            "bot.registry",
            "bot.tickets",
        )
    },
}


def _modules() -> Dict[str, Path]:
    found: Dict[str, Path] = {}
    for top in ("bot", "actions"):
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str:
    """The module an imported name lives in (`bot.core.db.Base` -> `bot.core.db`)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def _imports(module: str, path: Path) -> Iterator[Tuple[str, int]]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield _resolve(alias.name), node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                yield _resolve(f"{base}.{alias.name}") or _resolve(base), node.lineno


def _layer_of(module: str) -> Tuple[str, int]:
    for package, level in sorted(LAYERS.items(), key=lambda kv: -len(kv[0])):
        if module == package or module.startswith(package + "."):
            return package, level
    raise KeyError(module)


def _graph() -> Dict[str, Set[Tuple[str, int]]]:
    graph: Dict[str, Set[Tuple[str, int]]] = defaultdict(set)
    for module, path in MODULES.items():
        for target, line in _imports(module, path):
            if target and target != module:
                graph[module].add((target, line))
    return graph


def test_every_package_has_a_layer():
    unplaced = set()
    for module in MODULES:
        if module in ("bot", "actions"):
            continue
        try:
            _layer_of(module)
        except KeyError:
            unplaced.add(module.split(".")[0] + "." + module.split(".")[1])
    assert not unplaced, f"add these packages to LAYERS in {__file__}: {sorted(unplaced)}"


def test_no_import_points_up_a_layer():
    wrong: List[str] = []
    for module, targets in sorted(_graph().items()):
        if module in ("bot", "actions"):
            continue
        _, mine = _layer_of(module)
        for target, line in sorted(targets):
            if target in ("bot", "actions") or (module, target) in ALLOWED:
                continue
            _, theirs = _layer_of(target)
            if theirs > mine:
                path = MODULES[module].relative_to(ROOT)
                wrong.append(f"{path}:{line} {module} imports {target}")
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_packages_do_not_import_each_other_in_a_circle():
    """Within a layer packages may use each other, but in one direction only."""
    edges: Dict[str, Set[str]] = defaultdict(set)
    why: Dict[Tuple[str, str], str] = {}
    for module, targets in _graph().items():
        if module in ("bot", "actions"):
            continue
        mine, _ = _layer_of(module)
        for target, _line in targets:
            if target in ("bot", "actions") or (module, target) in ALLOWED:
                continue
            theirs, _ = _layer_of(target)
            if theirs != mine:
                edges[mine].add(theirs)
                why.setdefault((mine, theirs), f"{module} -> {target}")
    circles = sorted(
        f"{a} <-> {b}: {why[(a, b)]}; {why[(b, a)]}"
        for a in edges
        for b in edges[a]
        if a < b and a in edges.get(b, ())
    )
    assert not circles, "packages importing each other:\n" + "\n".join(circles)


def test_no_module_imports_itself_round_a_circle():
    graph = {m: {t for t, _ in ts} for m, ts in _graph().items()}
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    circles: List[List[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in sorted(MODULES):
        if module not in index and module not in ("bot", "actions"):
            visit(module)
    assert not circles, f"modules importing each other: {circles}"


def test_the_rule_catches_an_upward_import(tmp_path):
    """The check itself: core importing a service is found."""
    source = "from bot.tickets.models import Ticket\n"
    path = tmp_path / "x.py"
    path.write_text(source)
    (target, _line), *_ = list(_imports("bot.core.x", path))
    assert target == "bot.tickets.models"
    assert _layer_of(target)[1] > _layer_of("bot.core.x")[1]
