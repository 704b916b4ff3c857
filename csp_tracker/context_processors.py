import rules
from django.http import HttpRequest
from django.urls import reverse


def navigation(request: HttpRequest) -> dict[str, object]:
    """The service navigation for signed-in users, with the current section marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        ("Your actions", reverse("actions:mine"), lambda p: p.startswith(reverse("actions:mine"))),
        (
            "All actions",
            reverse("actions:list"),
            lambda p: (
                p.startswith(reverse("actions:list")) and not p.startswith(reverse("actions:mine"))
            ),
        ),
        ("Reports", reverse("reporting:index"), lambda p: p.startswith(reverse("reporting:index"))),
        ("Plans", reverse("plans:list"), lambda p: p.startswith(reverse("plans:list"))),
        (
            "Performance",
            reverse("performance:index"),
            lambda p: p.startswith(reverse("performance:index")),
        ),
    ]
    # Coordinators, county admins and service administrators run partnerships (a rule of
    # plans/rules.py, asked by name: this module sits below every app).
    if rules.test_rule("plans.manages_a_partnership", user):
        items.append(
            (
                "Partnerships",
                reverse("partnerships:list"),
                lambda p: p.startswith(reverse("partnerships:list")),
            )
        )
    return {
        "nav_items": [
            {"text": text, "href": href, "active": is_active(request.path)}
            for text, href, is_active in items
        ]
    }
