"""The layout the README's table describes: an app imports only the apps below it, and
no module imports itself round a circle.

Read from the code's own import statements (any import, at any depth of a module, also
under ``if TYPE_CHECKING`` or inside a function), so a new arrow upwards fails here
before it becomes a circle.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent

# Lowest first, as INSTALLED_APPS lists the project's own apps: each app may import those
# before it, never those after it.
ORDER = [app for app in settings.INSTALLED_APPS if (ROOT / app / "__init__.py").is_file()]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(ORDER)


def _arrows() -> list[tuple[str, str, str]]:
    arrows = []
    for app in ORDER:
        for path in sorted((ROOT / app).rglob("*.py")):
            for target in _imports(path):
                if target != app:
                    arrows.append((app, target, str(path.relative_to(ROOT))))
    return arrows


def test_every_app_is_in_the_order():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")} | {"csp_tracker"}
    assert apps == set(ORDER), (
        "add a new app to INSTALLED_APPS in its place (and to the README's layout table)"
    )


@pytest.mark.parametrize("app", ORDER)
def test_no_import_runs_upwards(app):
    upwards = [
        f"{path} imports {target}"
        for source, target, path in _arrows()
        if source == app and ORDER.index(target) > ORDER.index(app)
    ]
    assert upwards == []


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _module_graph() -> dict[str, set[str]]:
    """Each project module and the project modules it imports (``from a.b import c``
    names the module ``a.b.c`` when that is a module, else ``a.b``)."""
    modules = {
        _module_name(path): path
        for app in ORDER
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    }
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    sub = f"{node.module}.{alias.name}"
                    targets.add(sub if sub in modules else node.module)
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_round_a_circle():
    """Services queue tasks by name through the job outbox (jobs/services.py) and never
    import them, so tasks.py -> services.py is the only arrow between the two."""
    graph = _module_graph()
    assert "reporting.services" in graph["reporting.tasks"]
    assert _cycles(graph) == []


def test_the_circle_finder_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
