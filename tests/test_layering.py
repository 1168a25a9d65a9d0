"""The house's dependency rules, read from the source: no import cycles among Crux's own modules
(function-local imports count), the domain never reaches for the live transport, and no migration
imports another."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Every package at the top of the tree is Crux's own, but for what only measures or checks it.
APPS = tuple(
    sorted(
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in {"bench", "tests"}
    )
)
MIGRATIONS = sorted(
    path.parent for app in APPS for path in (ROOT / app).glob("**/migrations/__init__.py")
)
# The domain: what the live transport may depend on, never the reverse.
DOMAIN_EXEMPT = ("debates.live", "debates.views", "debates.urls", "debates.templatetags")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield _module_name(path), path


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            # The longest known module the name starts with: `from a import b` may name a module
            # or an attribute of one.
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def _graph():
    modules = dict(_sources())
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _cycles(graph):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, components = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_the_import_reader_sees_function_local_and_relative_imports(tmp_path):
    module = tmp_path / "thing.py"
    module.write_text("def f():\n    from debates.live import broker\nfrom . import events\n")
    known = {"debates.thing", "debates.live", "debates.events"}
    assert _imports("debates.thing", module, known) == {"debates.live", "debates.events"}


def test_no_import_cycles():
    assert _cycles(_graph()) == []


def test_the_domain_does_not_import_the_live_transport():
    offenders = {
        name: sorted(t for t in targets if t == "debates.live" or t.startswith("debates.live."))
        for name, targets in _graph().items()
        if name.startswith("debates") and not name.startswith(DOMAIN_EXEMPT)
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_notifications_reach_the_transport_only_through_the_domains_door():
    """They tell a member's pages through debates.events; only the nav's context processor
    asks the transport where a member's channel is, as views ask it for a motion's."""
    offenders = {
        name: sorted(t for t in targets if t.startswith("debates.live"))
        for name, targets in _graph().items()
        if name.startswith("notifications") and name != "notifications.context_processors"
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_every_app_is_read():
    assert {"accounts", "analysis", "api", "config", "debates", "notifications"} <= set(APPS)
    assert ROOT / "debates" / "interchange" / "migrations" in MIGRATIONS


@pytest.mark.parametrize("folder", MIGRATIONS, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_migration_imports_another(folder):
    package = ".".join(folder.relative_to(ROOT).parts)
    for path in folder.glob("0*.py"):
        text = path.read_text()
        assert "importlib" not in text, path.name
        assert f"{package}.0" not in text, path.name
