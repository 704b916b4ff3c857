"""Email like a service people depend on: one row per recipient, each sent once, one
failure never stops the others, failures back off and, when they give up, show on the
coordinator's page."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from csp_tracker import clock
from reporting import services
from reporting.models import EmailDelivery
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def executives(district):
    return [
        factories.MembershipFactory(partnership=district, role="executive").user for _ in range(3)
    ]


@pytest.fixture
def ready_report(district, make_action):
    make_action()
    return factories.ExceptionReportFactory(partnership=district, status="ready")


def _refusing(address: str, code: int, real=services.send_mail):
    def send(subject, body, sender, to, **kwargs):
        if to == [address]:
            raise smtplib.SMTPRecipientsRefused({address: (code, b"mailbox refused")})
        return real(subject, body, sender, to, **kwargs)

    return send


def test_one_refused_mailbox_never_stops_the_others_and_shows_on_the_page(
    client, district, ready_report, executives, coordinator, monkeypatch
):
    refused = sorted(u.email for u in executives)[0]
    monkeypatch.setattr(services, "send_mail", _refusing(refused, 550))
    assert services.exception_report_notify(report=ready_report) == 3
    assert services.email_deliveries_send() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in executives)[1:]
    failed = EmailDelivery.objects.get(state="failed")
    # A 5xx for the mailbox is final: not tried again, but shown with the reason.
    assert (failed.to, failed.attempts) == (refused, 1)
    assert "mailbox refused" in failed.last_error
    client.force_login(coordinator)
    page = client.get(reverse("reporting:partnership", kwargs={"slug": district.slug}))
    text = page.content.decode()
    assert "Emails that could not be sent" in text
    assert refused in text and "mailbox refused" in text
    client.force_login(executives[1])
    text = client.get(reverse("reporting:partnership", kwargs={"slug": district.slug}))
    assert "Emails that could not be sent" not in text.content.decode()


def test_a_mailbox_that_is_busy_is_tried_again_with_backoff_and_then_given_up(
    client, district, ready_report, executives, coordinator, monkeypatch, settings
):
    settings.CSP_EMAIL_RETRY_BASE_SECONDS = 60
    settings.CSP_EMAIL_MAX_ATTEMPTS = 4
    busy = executives[0].email
    monkeypatch.setattr(services, "send_mail", _refusing(busy, 450))
    services.exception_report_notify(report=ready_report)
    now = clock.now()
    assert services.email_deliveries_send(now=now) == 2
    waits = []
    for _ in range(3):
        delivery = EmailDelivery.objects.get(to=busy)
        assert delivery.state == "pending" and delivery.last_attempt_at is not None
        waits.append(round((delivery.next_attempt_at - delivery.last_attempt_at).total_seconds()))
        assert (
            services.email_deliveries_send(now=delivery.next_attempt_at - timedelta(seconds=1)) == 0
        )
        assert services.email_deliveries_send(now=delivery.next_attempt_at) == 0
    assert waits == [60, 120, 240]  # doubling each time
    delivery = EmailDelivery.objects.get(to=busy)
    assert (delivery.state, delivery.attempts) == ("failed", 4)
    client.force_login(coordinator)
    text = client.get(reverse("reporting:partnership", kwargs={"slug": district.slug}))
    assert busy in text.content.decode()
    # The others were sent once, and never again by the retries.
    assert len(mail.outbox) == 2


def test_an_email_that_failed_once_is_shown_as_being_tried_again(
    client, district, ready_report, executives, coordinator, monkeypatch
):
    monkeypatch.setattr(services, "send_mail", _refusing(executives[0].email, 421))
    services.exception_report_notify(report=ready_report)
    services.email_deliveries_send()
    client.force_login(coordinator)
    text = client.get(reverse("reporting:partnership", kwargs={"slug": district.slug}))
    assert "1 email could not be sent yet and will be tried again by itself" in (
        text.content.decode()
    )


def test_a_later_failure_does_not_send_again_to_those_already_emailed(
    ready_report, executives, monkeypatch
):
    calls = []

    def flaky(subject, body, sender, to, **kwargs):
        calls.append(to[0])
        if len(calls) == 3:
            raise ConnectionRefusedError("mail server went away")
        mail.outbox.append(mail.EmailMessage(subject, body, sender, to))
        return 1

    monkeypatch.setattr(services, "send_mail", flaky)
    services.exception_report_notify(report=ready_report)
    assert services.email_deliveries_send() == 2
    later = clock.now() + timedelta(hours=1)
    assert services.email_deliveries_send(now=later) == 1
    assert services.email_deliveries_send(now=later) == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in executives)
    assert len(calls) == 4  # three people, one tried twice
    assert EmailDelivery.objects.filter(state="sent").count() == 3


def test_a_report_and_its_emails_are_recorded_together_and_sent_once(
    district, make_action, executives, django_capture_on_commit_callbacks
):
    make_action()
    with django_capture_on_commit_callbacks(execute=True):
        report = services.exception_report_request(
            partnership=district, quarter=clock.current_quarter(), notify_executives=True
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in executives)
    deliveries = EmailDelivery.objects.filter(report=report)
    assert {d.state for d in deliveries} == {"sent"} and deliveries.count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert services.exception_report_notify(report=report) == 0
        services.email_deliveries_send(now=clock.now() + timedelta(days=1))
    assert len(mail.outbox) == 3
