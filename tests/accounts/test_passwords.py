"""Passwords are hashed with Argon2id, and older hashes are upgraded at sign-in."""

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from accounts.hashers import Argon2idPasswordHasher
from tests import factories

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"
PRODUCTION_HASHERS = [
    "accounts.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


def test_the_settings_put_argon2id_first_and_keep_pbkdf2() -> None:
    from csp_tracker.settings import base

    assert base.PASSWORD_HASHERS[0] == "accounts.hashers.Argon2idPasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in base.PASSWORD_HASHERS


def test_a_new_password_is_argon2id_at_the_tuned_parameters(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    encoded = make_password(PASSWORD)
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert Argon2idPasswordHasher().verify(PASSWORD, encoded)


@pytest.mark.parametrize(
    "old",
    [
        "pbkdf2_sha256",
        # Django's own Argon2 parameters: same algorithm, other costs.
        "django_argon2",
    ],
)
def test_an_older_hash_is_upgraded_at_sign_in(settings: Settings, client: Client, old: str) -> None:
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    person = factories.UserFactory(email="sam@example.org")
    if old == "django_argon2":
        from django.contrib.auth.hashers import Argon2PasswordHasher

        person.password = Argon2PasswordHasher().encode(PASSWORD, "somesaltvalue123")
        assert "m=102400,t=2,p=8" in person.password
    else:
        person.password = make_password(PASSWORD, hasher=old)
        assert person.password.startswith("pbkdf2_sha256$")
    person.save(update_fields=["password"])

    response = client.post(
        reverse("accounts:login"), {"username": person.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert person.check_password(PASSWORD)


def test_a_wrong_password_changes_no_hash(settings: Settings, client: Client) -> None:
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    person = factories.UserFactory(email="sam@example.org")
    person.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    person.save(update_fields=["password"])
    client.post(reverse("accounts:login"), {"username": person.email, "password": "wrong-one"})
    person.refresh_from_db()
    assert person.password.startswith("pbkdf2_sha256$")
