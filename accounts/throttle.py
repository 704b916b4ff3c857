from django.http import HttpRequest


def username_of(request: HttpRequest, credentials: dict[str, str] | None) -> str:
    """The email being signed in with, as django-axes should count failures for it.

    Normalised like the sign-in form does, so "Sam@Example.org " and "sam@example.org"
    are one person.
    """
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(raw).strip().lower()
