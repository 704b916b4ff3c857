"""The session store: Django's database sessions, remembering when the loaded session
expires, so accounts.middleware can tell how much of its idle window is left without
keeping a timestamp of its own in the session."""

from datetime import datetime

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session


class SessionStore(DatabaseSessionStore):
    # When the session as loaded from the database expires; None until it is loaded (or
    # when there was no such session).
    expire_date: datetime | None = None

    # Django's own private method, which django-stubs does not declare.
    def _get_session_from_db(self) -> Session | None:
        session = super()._get_session_from_db()  # type: ignore[misc]
        self.expire_date = session.expire_date if session is not None else None
        return session
