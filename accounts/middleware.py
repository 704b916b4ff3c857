"""Sessions written only when they change or are half-way to expiring.

Django's SESSION_SAVE_EVERY_REQUEST writes the session row (and sends the cookie) on every
request, which costs a write per page. Instead the session is saved when a page changes it,
and otherwise only once less than half of SESSION_COOKIE_AGE (30 minutes) is left before
it expires. The idle sign-out still holds: a session expires SESSION_COOKIE_AGE after its
last save, so a person who makes no request is signed out between 15 and 30 minutes after
their last one (README, "Sessions and passwords").
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone


def session_renew_due(*, expire_date: datetime, now: datetime, age: int) -> bool:
    """Whether a session expiring at expire_date should be saved again now: once less
    than half of its age is left."""
    return expire_date - now < timedelta(seconds=age / 2)


class SessionRenewMiddleware:
    """Listed after SessionMiddleware, so its response half runs before the session is
    saved there. Needs accounts.sessions.SessionStore, which remembers the expiry date
    it loaded."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.modified or session.session_key is None:
            return response
        # Loads the session if the page did not (no query when it did). SessionBase has
        # keys() but no __iter__.
        if not session.keys():
            return response
        expire_date = getattr(session, "expire_date", None)
        if expire_date is not None and session_renew_due(
            expire_date=expire_date, now=timezone.now(), age=settings.SESSION_COOKIE_AGE
        ):
            # SessionMiddleware saves a modified session (a new expiry date and cookie).
            session.modified = True
        return response
