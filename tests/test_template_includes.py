"""A form included with ``only`` gets no context but what it is given: one that writes
``{% csrf_token %}`` must be given ``csrf_token``, or its POST is refused (403)."""

import re
from pathlib import Path

from django.conf import settings

INCLUDE = re.compile(r"{%\s*include\s+\"([^\"]+)\"([^%]*?)\bonly\s*%}")


def _templates() -> dict[str, Path]:
    """Each project template by the name an include gives it."""
    found: dict[str, Path] = {}
    roots = [Path(settings.BASE_DIR) / "templates"]
    roots += [p for p in Path(settings.BASE_DIR).glob("*/templates") if ".venv" not in p.parts]
    for root in roots:
        for path in root.rglob("*.html"):
            found.setdefault(str(path.relative_to(root)), path)
    return found


def test_a_form_included_only_is_given_its_csrf_token():
    templates = _templates()
    missing = []
    for name, path in templates.items():
        for included, given in INCLUDE.findall(path.read_text()):
            target = templates.get(included)
            needs_token = target is not None and "{% csrf_token %}" in target.read_text()
            if needs_token and "csrf_token=csrf_token" not in given:
                missing.append(f"{name} includes {included} without csrf_token")
    assert missing == []


def test_the_check_finds_the_post_button():
    """The check reads the includes it should (the chase and use-as-value buttons)."""
    templates = _templates()
    users = [
        name
        for name, path in templates.items()
        for included, _ in INCLUDE.findall(path.read_text())
        if included == "includes/post_button.html"
    ]
    assert len(users) >= 2
