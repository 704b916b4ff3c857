"""Password reset: limited per email and per client address, the same time for known and
unknown emails, and a completed reset lets a locked-out owner in."""

import re
import statistics
import time
import uuid
from collections.abc import Sequence

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend as LocMemBackend
from django.urls import reverse

from accounts import services
from accounts.tasks import send_password_reset
from jobs import services as jobs_services
from tests import factories

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"
TOO_MANY = "You have asked for too many password reset links. Wait 1 hour, then try again"


class SlowEmailBackend(LocMemBackend):
    """Takes as long as a real mail server to accept a message (about 50 ms)."""

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        time.sleep(0.05)
        return super().send_messages(messages)


@pytest.fixture
def person(db):
    return factories.UserFactory(email="sam@example.org")


def _ask(client, email: str, capture, address: str = "192.0.2.1"):
    with capture() as callbacks:
        response = client.post(
            reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=address
        )
    return response, callbacks


def test_one_email_gets_a_few_links_an_hour(client, person, django_capture_on_commit_callbacks):
    limit = django_settings.PASSWORD_RESET_LIMIT_PER_EMAIL
    for n in range(limit):
        response, callbacks = _ask(
            client, person.email, django_capture_on_commit_callbacks, address=f"192.0.2.{n}"
        )
        assert response.status_code == 302
        assert len(callbacks) == 1
    # From any address, and however it is written, the next one is refused.
    response, callbacks = _ask(
        client, " SAM@example.org", django_capture_on_commit_callbacks, address="198.51.100.9"
    )
    assert response.status_code == 429
    assert callbacks == []
    body = response.content.decode()
    assert TOO_MANY in body and "govuk-error-summary" in body
    # Another email is not affected.
    response, _ = _ask(client, "someone@example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 302


def test_an_unknown_email_is_limited_the_same(client, db, django_capture_on_commit_callbacks):
    """The limit says nothing about whether an account uses the address."""
    codes = [
        _ask(client, "nobody@example.org", django_capture_on_commit_callbacks)[0].status_code
        for _ in range(django_settings.PASSWORD_RESET_LIMIT_PER_EMAIL + 1)
    ]
    assert codes[-1] == 429 and set(codes[:-1]) == {302}


def test_one_address_gets_a_limited_number_of_links(client, db, django_capture_on_commit_callbacks):
    limit = django_settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
    for n in range(limit):
        response, _ = _ask(client, f"person{n}@example.org", django_capture_on_commit_callbacks)
        assert response.status_code == 302
    response, callbacks = _ask(client, "another@example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 429 and callbacks == []
    response, _ = _ask(
        client, "another@example.org", django_capture_on_commit_callbacks, address="192.0.2.200"
    )
    assert response.status_code == 302


def test_a_bad_email_is_an_error_not_a_count(client, db, django_capture_on_commit_callbacks):
    for _ in range(django_settings.PASSWORD_RESET_LIMIT_PER_ADDRESS + 1):
        response, callbacks = _ask(client, "not-an-email", django_capture_on_commit_callbacks)
        assert response.status_code == 200 and callbacks == []
    response, _ = _ask(client, "sam@example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 302


def test_the_worker_sends_to_an_account_and_to_nobody_else(person):
    assert send_password_reset.run(person.email, "csp.example", True) == 1
    assert len(mail.outbox) == 1
    assert "https://csp.example/accounts/password-reset/" in mail.outbox[0].body
    assert send_password_reset.run("nobody@example.org", "csp.example", True) == 0
    person.is_active = False
    person.save()
    assert send_password_reset.run(person.email, "csp.example", True) == 0
    assert len(mail.outbox) == 1


def test_known_and_unknown_emails_take_the_same_time(
    client, person, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """Mean of 20 requests each, alternating, with a mail server as slow as a real one.

    The request queues the email (what the broker receives is recorded here instead of
    sent); a worker looks the account up and sends it, so neither shows in the answer.
    """
    settings.EMAIL_BACKEND = "tests.accounts.test_password_reset.SlowEmailBackend"
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 100
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 100
    queued: list[tuple[object, ...]] = []
    monkeypatch.setattr(
        jobs_services, "job_send", lambda *, job: queued.append((job.name, *job.args))
    )
    timings: dict[str, list[float]] = {"known": [], "unknown": []}

    def ask(email: str) -> float:
        start = time.perf_counter()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("accounts:password_reset"), {"email": email})
        elapsed = time.perf_counter() - start
        assert response.status_code == 302
        return elapsed

    ask(person.email)  # warm up (templates, URL resolver)
    for _ in range(20):
        timings["known"].append(ask(person.email))
        timings["unknown"].append(ask(f"nobody-{uuid.uuid4().hex[:6]}@example.org"))
    known = statistics.mean(timings["known"]) * 1000
    unknown = statistics.mean(timings["unknown"]) * 1000
    assert abs(known - unknown) < 15, f"known {known:.1f} ms, unknown {unknown:.1f} ms"
    assert len(queued) == 41 and mail.outbox == []


def test_a_completed_reset_lets_a_locked_out_owner_in(
    client, person, settings, django_capture_on_commit_callbacks
):
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("accounts:login"),
            {"username": person.email, "password": "guess"},
            REMOTE_ADDR=f"198.51.100.{n}",
        )
    response = client.post(
        reverse("accounts:login"), {"username": person.email, "password": PASSWORD}
    )
    assert response.status_code == 429
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": person.email})
    found = re.search(r"http://testserver(\S+)", str(mail.outbox[0].body))
    assert found is not None
    link = found.group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    new = "a-brand-new-passphrase"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    response = client.post(reverse("accounts:login"), {"username": person.email, "password": new})
    assert response.status_code == 302
    assert response["Location"] == reverse("actions:mine")


def test_the_limits_count_in_redis_across_workers(settings, db):
    """With REDIS_URL (production, CI) the counts are shared by every web worker."""
    if not settings.REDIS_URL:
        if settings.CSP_REQUIRE_SERVICES:
            pytest.fail("needs Redis: set REDIS_URL")
        pytest.skip("needs Redis: set REDIS_URL")
    import redis
    from django.core.cache import caches

    from accounts import throttle

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
        }
    }
    keys = [
        f"password-reset:address:{throttle.hashed('192.0.2.1')}",
        f"password-reset:email:{throttle.hashed('sam@example.org')}",
    ]
    try:
        answers = [
            services.password_reset_request(
                email="sam@example.org", address="192.0.2.1", domain="x", use_https=True
            )
            for _ in range(settings.PASSWORD_RESET_LIMIT_PER_EMAIL + 1)
        ]
        assert answers == [True] * settings.PASSWORD_RESET_LIMIT_PER_EMAIL + [False]
        # The count is in Redis, and goes with the window.
        raw = redis.Redis.from_url(settings.REDIS_URL)
        ttl = raw.ttl(caches["default"].make_key(keys[1]))
        assert 0 < ttl <= settings.PASSWORD_RESET_LIMIT_WINDOW
    finally:
        # Only this test's keys: clear() would empty the whole Redis database.
        caches["default"].delete_many(keys)
