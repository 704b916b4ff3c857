"""Sessions are saved when they change or are half-way to expiring, and an idle person
is still signed out (accounts.middleware)."""

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import session_renew_due
from tests import factories

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """Moves Django's clock (sessions' expiry dates and the middleware) forward."""
    real_now = timezone.now
    offset = timedelta()

    def fake_now() -> datetime:
        return real_now() + offset

    monkeypatch.setattr(timezone, "now", fake_now)

    def advance(minutes: int) -> None:
        nonlocal offset
        offset = timedelta(minutes=minutes)

    return advance


def _signed_in(client: Client) -> Client:
    person = factories.UserFactory(email="sam@example.org")
    response = client.post(
        reverse("accounts:login"), {"username": person.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def _session_writes(client: Client) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("actions:mine"))
    writes = [
        q["sql"]
        for q in captured.captured_queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]
    return response.status_code, writes


def _expiry(client: Client) -> datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_request_in_the_first_half_does_not_write_the_session(
    client: Client, clock: Callable[[int], None]
) -> None:
    _signed_in(client)
    expiry = _expiry(client)
    for minutes in (1, 10, 14):
        clock(minutes)
        status, writes = _session_writes(client)
        assert status == 200
        assert writes == []
    assert _expiry(client) == expiry


def test_a_request_in_the_second_half_renews_the_session(
    client: Client, clock: Callable[[int], None]
) -> None:
    _signed_in(client)
    expiry = _expiry(client)
    clock(16)
    status, writes = _session_writes(client)
    assert status == 200
    assert len(writes) == 1
    assert _expiry(client) >= expiry + timedelta(minutes=16)
    # Renewed at 16 minutes: still signed in 29 minutes later.
    clock(16 + 29)
    assert client.get(reverse("actions:mine")).status_code == 200


def test_an_idle_person_is_signed_out_after_thirty_minutes(
    client: Client, clock: Callable[[int], None]
) -> None:
    _signed_in(client)
    clock(10)
    assert client.get(reverse("actions:mine")).status_code == 200
    clock(31)
    response = client.get(reverse("actions:mine"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_signed_out_visitor_gets_no_session(client: Client) -> None:
    client.get(reverse("accounts:login"))
    assert Session.objects.count() == 0


@pytest.mark.parametrize(
    ("minutes_left", "due"), [(30, False), (16, False), (15.01, False), (14.99, True), (1, True)]
)
def test_the_session_is_renewed_once_less_than_half_its_age_is_left(
    minutes_left: float, due: bool
) -> None:
    now = timezone.now()
    expire_date = now + timedelta(minutes=minutes_left)
    assert session_renew_due(expire_date=expire_date, now=now, age=30 * 60) is due


def test_a_forced_sign_in_needs_no_write_either(client: Client) -> None:
    client.force_login(factories.UserFactory(email="sam@example.org"))
    status, writes = _session_writes(client)
    assert status == 200 and writes == []
