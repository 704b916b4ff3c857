import re

import pytest
from django.core import mail
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


@pytest.fixture
def person(db):
    return factories.UserFactory(email="sam@example.org")


def test_sign_in_with_email_and_password(client, person):
    response = client.post(
        reverse("accounts:login"), {"username": "Sam@Example.org ", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("actions:mine")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "", "password": ""}, "Enter your email address"),
        ({"username": "sam@example.org", "password": ""}, "Enter your password"),
        (
            {"username": "not-an-email", "password": "x"},
            "Enter an email address in the correct format, like name@example.com",
        ),
        (
            {"username": "sam@example.org", "password": "wrong"},
            "Enter a correct email address and password",
        ),
    ],
)
def test_sign_in_errors_are_specific(client, person, data, message):
    response = client.post(reverse("accounts:login"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()


def test_too_many_failures_lock_the_account_for_a_while(client, person, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": person.email, "password": "no"})
    response = client.post(
        reverse("accounts:login"), {"username": person.email, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "You cannot sign in for 30 minutes" in response.content.decode()


def test_password_reset_by_email(client, person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": person.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    found = re.search(r"http://testserver(\S+)", str(mail.outbox[0].body))
    assert found is not None
    link = found.group(1)
    response = client.get(link, follow=True)
    assert "Choose a new password" in response.content.decode()
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("a-brand-new-passphrase")


def test_unknown_email_reset_says_the_same_and_sends_nothing(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:password_reset"), {"email": "nobody@example.org"}, follow=True
        )
    assert "Check your email" in response.content.decode()
    assert mail.outbox == []


def test_sign_out_is_a_post(client, person):
    client.force_login(person)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("actions:mine")).status_code == 302


def test_sessions_expire_after_inactivity_and_production_cookies_are_secure(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    # Not saved on every request: SessionRenewMiddleware saves it when it is half-way to
    # expiring (tests/accounts/test_sessions.py signs out an idle person).
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    middleware = settings.MIDDLEWARE
    assert middleware.index("accounts.middleware.SessionRenewMiddleware") > middleware.index(
        "django.contrib.sessions.middleware.SessionMiddleware"
    )
    import importlib
    import os

    os.environ.setdefault("SECRET_KEY", "x")
    os.environ.setdefault("ALLOWED_HOSTS", "example.org")
    production = importlib.import_module("csp_tracker.settings.production")
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    assert production.DEBUG is False
