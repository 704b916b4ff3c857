"""Sign-in throttling (django-axes): per account and per client address, and the client
address taken from the trusted proxy's header only."""

import importlib
import os

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"
PROXY = "10.0.0.2"


def _sign_in(client, email: str, password: str, **meta: str) -> int:
    response = client.post(
        reverse("accounts:login"), {"username": email, "password": password}, **meta
    )
    client.logout()
    return response.status_code


@pytest.fixture
def officer(db):
    return factories.UserFactory(email="officer@example.org")


def test_many_addresses_guessing_at_one_account_are_stopped(client, officer, settings):
    """80 guesses from 20 addresses: the account is locked after AXES_FAILURE_LIMIT."""
    codes = [
        _sign_in(client, officer.email, f"guess-{n}", REMOTE_ADDR=f"198.51.100.{n // 4 + 1}")
        for n in range(80)
    ]
    limit = settings.AXES_FAILURE_LIMIT
    assert codes[: limit - 1] == [200] * (limit - 1)  # the form again, with the error
    assert set(codes[limit:]) == {429}
    # Now even the right password from a new address is refused, until a reset.
    assert _sign_in(client, officer.email, PASSWORD, REMOTE_ADDR="192.0.2.99") == 429
    # Another account is not affected.
    other = factories.UserFactory(email="other@example.org")
    assert _sign_in(client, other.email, PASSWORD, REMOTE_ADDR="192.0.2.99") == 302


def test_one_address_spraying_many_accounts_is_stopped(client, settings):
    """4 guesses at each of 6 accounts from one address: the address is locked."""
    people = [factories.UserFactory(email=f"person{n}@example.org") for n in range(7)]
    codes = [
        _sign_in(client, person.email, f"guess-{n}", REMOTE_ADDR="203.0.113.5")
        for person in people[:6]
        for n in range(4)
    ]
    limit = settings.AXES_FAILURE_LIMIT
    assert codes.count(200) == limit - 1
    assert set(codes[limit:]) == {429}
    # A seventh account cannot be tried from that address, even with its right password,
    assert _sign_in(client, people[6].email, PASSWORD, REMOTE_ADDR="203.0.113.5") == 429
    # but its owner signs in from anywhere else.
    assert _sign_in(client, people[6].email, PASSWORD, REMOTE_ADDR="192.0.2.10") == 302


def test_a_sign_in_that_works_does_not_clear_its_address(client, settings):
    """An attacker's own account cannot be used to reset the address's count."""
    mine = factories.UserFactory(email="attacker@example.org")
    victims = [factories.UserFactory(email=f"victim{n}@example.org") for n in range(10)]
    codes = []
    for victim in victims:
        codes.append(_sign_in(client, victim.email, "guess", REMOTE_ADDR="203.0.113.6"))
        _sign_in(client, mine.email, PASSWORD, REMOTE_ADDR="203.0.113.6")
    assert codes.count(200) == settings.AXES_FAILURE_LIMIT - 1


def _client_address_settings(settings, monkeypatch, count: str) -> None:
    """The settings production derives from TRUSTED_PROXY_COUNT, applied to this test."""
    monkeypatch.setenv("TRUSTED_PROXY_COUNT", count)
    monkeypatch.setitem(os.environ, "SECRET_KEY", os.environ.get("SECRET_KEY", "x"))
    monkeypatch.setitem(os.environ, "ALLOWED_HOSTS", os.environ.get("ALLOWED_HOSTS", "x"))
    production = importlib.reload(importlib.import_module("csp_tracker.settings.production"))
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = production.AXES_IPWARE_META_PRECEDENCE_ORDER
    settings.AXES_IPWARE_PROXY_COUNT = production.AXES_IPWARE_PROXY_COUNT
    settings.IPWARE_STRICT = production.IPWARE_STRICT


def _six_people_guessed(client, remote_addr: str, forwarded_for: str) -> list[int]:
    """Six people's accounts each tried once with a wrong password, from ``remote_addr``
    with ``forwarded_for`` (in which ``{n}`` is the try's number): the status codes."""
    people = [factories.UserFactory(email=f"person{n}@example.org") for n in range(6)]
    return [
        _sign_in(
            client,
            person.email,
            "guess",
            REMOTE_ADDR=remote_addr,
            HTTP_X_FORWARDED_FOR=forwarded_for.format(n=n),
        )
        for n, person in enumerate(people)
    ]


def test_behind_the_proxy_each_client_is_counted_at_its_own_address(
    client, officer, settings, monkeypatch
):
    """Every request comes from the proxy; the address it adds is the client's."""
    _client_address_settings(settings, monkeypatch, "1")
    _six_people_guessed(client, PROXY, "198.51.100.66")
    # The guessing address is locked; everyone else behind the same proxy is not.
    assert (
        _sign_in(
            client, officer.email, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.66"
        )
        == 429
    )
    assert (
        _sign_in(
            client, officer.email, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.67"
        )
        == 302
    )


def test_behind_the_proxy_a_spoofed_header_does_not_change_the_address(
    client, officer, settings, monkeypatch
):
    """A client writing its own X-Forwarded-For is still counted where the proxy saw it."""
    _client_address_settings(settings, monkeypatch, "1")
    # What the client sent, then what the proxy appended.
    codes = _six_people_guessed(client, PROXY, "192.0.2.{n}, 198.51.100.66")
    assert codes.count(200) == settings.AXES_FAILURE_LIMIT - 1
    assert codes[-1] == 429


def test_without_a_proxy_the_header_is_ignored(client, officer, settings):
    """Locally (TRUSTED_PROXY_COUNT=0) the header is the client's own words: never read."""
    assert settings.TRUSTED_PROXY_COUNT == 0
    codes = _six_people_guessed(client, "198.51.100.66", "192.0.2.{n}")
    assert codes.count(200) == settings.AXES_FAILURE_LIMIT - 1
    assert codes[-1] == 429


def test_production_assumes_one_proxy_unless_told(monkeypatch):
    monkeypatch.delenv("TRUSTED_PROXY_COUNT", raising=False)
    monkeypatch.setitem(os.environ, "SECRET_KEY", os.environ.get("SECRET_KEY", "x"))
    monkeypatch.setitem(os.environ, "ALLOWED_HOSTS", os.environ.get("ALLOWED_HOSTS", "x"))
    production = importlib.reload(importlib.import_module("csp_tracker.settings.production"))
    assert production.TRUSTED_PROXY_COUNT == 1
    assert production.AXES_IPWARE_META_PRECEDENCE_ORDER[0] == "HTTP_X_FORWARDED_FOR"
    assert production.AXES_IPWARE_PROXY_COUNT == 0
    base = importlib.import_module("csp_tracker.settings.base")
    assert base.client_address_settings(0) == (("REMOTE_ADDR",), None)
