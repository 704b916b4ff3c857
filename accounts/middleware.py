"""Sessions written only when they change or are half-way to expiring.

Django's SESSION_SAVE_EVERY_REQUEST writes the session row (and sends the cookie) on every
request, which costs a write per page. Instead the session is saved when a page changes it,
and otherwise only once less than half of SESSION_COOKIE_AGE (30 minutes) is left since
it was last saved. The idle sign-out still holds: a session expires SESSION_COOKIE_AGE
after its last save, so a person who makes no request is signed out between 15 and 30
minutes after their last one (README, "Sessions").
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

# When this session was last saved, in seconds since the epoch.
SAVED_AT_KEY = "_csp_session_saved_at"


def session_renew_due(*, saved_at: float | None, now: float, age: int) -> bool:
    """Whether a session last saved at saved_at should be saved again now: when less than
    half of its age is left, or when it has never been marked."""
    return saved_at is None or now - saved_at >= age / 2


class SessionRenewMiddleware:
    """Listed after SessionMiddleware, so its response half runs before the session is
    saved there."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or (session.session_key is None and not session.modified):
            return response
        # SessionBase has keys() but no __iter__.
        if not any(key != SAVED_AT_KEY for key in session.keys()):  # noqa: SIM118
            # Nothing to keep (signed out, or a cookie whose session has expired): marking
            # it would start a new session.
            return response
        now = timezone.now().timestamp()
        saved_at = session.get(SAVED_AT_KEY)
        if session.modified or session_renew_due(
            saved_at=saved_at, now=now, age=settings.SESSION_COOKIE_AGE
        ):
            # Setting the key marks the session modified, so SessionMiddleware saves it
            # (a new expiry date and cookie) on the way out.
            session[SAVED_AT_KEY] = now
        return response
