from django.http import HttpRequest
from django.urls import reverse


def navigation(request: HttpRequest) -> dict[str, object]:
    """The service navigation for signed-in users; the current section is marked active."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        ("Your actions", reverse("actions:mine")),
        ("All actions", reverse("actions:list")),
    ]
    path = request.path
    return {
        "nav_items": [
            {"text": text, "href": href, "active": path == href or path.startswith(href) and href != "/"}
            for text, href in items
        ]
    }
