"""The layout the README's table describes: an app imports only the apps below it.

Read from the code's own import statements (any import, at any depth of a module, also
under ``if TYPE_CHECKING``), so a new arrow upwards fails here before it becomes a circle.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Lowest first: each app may import those before it, never those after it.
ORDER = [
    "csp_tracker",
    "accounts",
    "plans",
    "priorities",
    "actions",
    "performance",
    "reporting",
    "publishing",
    "pages",
    "demo",
]


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
    assert apps == set(ORDER), "add a new app to ORDER (and to the README's layout table)"


@pytest.mark.parametrize("app", ORDER)
def test_no_import_runs_upwards(app):
    upwards = [
        f"{path} imports {target}"
        for source, target, path in _arrows()
        if source == app and ORDER.index(target) > ORDER.index(app)
    ]
    assert upwards == []
