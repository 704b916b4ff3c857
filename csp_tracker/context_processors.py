from functools import cache

import rules
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

# The service navigation's sections: their words and URL names. "Partnerships" only for
# the people who run partnerships.
_SECTIONS = [
    ("Your actions", "actions:mine"),
    ("All actions", "actions:list"),
    ("Reports", "reporting:index"),
    ("Plans", "plans:list"),
    ("Performance", "performance:index"),
]
_RUNNING = ("Partnerships", "partnerships:list")


@cache
def _paths(prefix: str) -> dict[str, str]:
    """Each section's path, reversed once per process and script prefix (every page
    showed the navigation, and reversed its paths a dozen times to do it)."""
    return {name: reverse(name) for _, name in [*_SECTIONS, _RUNNING]}


def navigation(request: HttpRequest) -> dict[str, object]:
    """The service navigation for signed-in users, with the current section marked: the
    one whose path the page's starts with ("All actions" not for "Your actions", whose
    path is under it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    paths = _paths(get_script_prefix())
    sections = list(_SECTIONS)
    # Coordinators, county admins and service administrators run partnerships (a rule of
    # plans/rules.py, asked by name: this module sits below every app).
    if rules.test_rule("plans.manages_a_partnership", user):
        sections.append(_RUNNING)
    mine = request.path.startswith(paths["actions:mine"])
    return {
        "nav_items": [
            {
                "text": text,
                "href": paths[name],
                "active": request.path.startswith(paths[name])
                and not (name == "actions:list" and mine),
            }
            for text, name in sections
        ]
    }
