from datetime import date, timedelta

import pytest
from django.core import mail

from actions.models import Action
from csp_tracker import clock
from csp_tracker.periods import Quarter
from plans.models import Membership
from reporting import services, tasks
from reporting.models import EmailDelivery, ExceptionReport, UpdateReminder
from tests import factories
from tests.reporting.conftest import Q2, Q3, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def build(django_capture_on_commit_callbacks):
    """Request a build and run its queued task in-process, as the embedded default does."""

    def run(partnership, quarter=Q3, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            report = services.exception_report_request(
                partnership=partnership, quarter=quarter, **kwargs
            )
        report.refresh_from_db()
        return report

    return run


def test_a_build_stores_the_snapshot_and_the_pdf_with_its_hash(district, make_action, build):
    make_action()
    report = build(district)
    assert report.status == "ready"
    assert report.revision == 1
    assert report.snapshot["quarter"]["label"] == "2023/24 Q3"
    assert report.counts["no_update"] == 1
    data = report.pdf.read()
    assert data.startswith(b"%PDF")
    import hashlib

    assert report.pdf_sha256 == hashlib.sha256(data).hexdigest()
    assert report.pdf_size == len(data)
    assert report.built_at is not None and report.task_id


def test_the_snapshot_does_not_change_after_later_edits(
    district, make_action, author, build, settings
):
    settings.CSP_TODAY = "2024-01-05"
    action = make_action(title="Deliver training")
    record(action, Q3, "off_track", author, commentary="Trainer left")
    report = build(district)
    before = report.snapshot
    Action.objects.filter(pk=action.pk).update(title="Something else entirely")
    from actions.services import status_update_record

    status_update_record(
        action=action,
        author=author,
        status="on_track",
        commentary="Fixed",
        reason="A new trainer",
        quarter=Q3,
    )
    factories.MilestoneFactory(action=action, due_date=date(2023, 10, 1))
    report.refresh_from_db()
    assert report.snapshot == before
    assert report.snapshot["exceptions"]["off_track"][0]["title"] == "Deliver training"
    # A rebuild is a new revision that shows the change; the first stays as it was.
    again = build(district)
    assert again.revision == 2
    assert again.snapshot["exceptions"]["off_track"] == []
    assert ExceptionReport.objects.get(pk=report.pk).snapshot == before


def test_two_requests_while_one_is_queued_give_one_build(district, make_action):
    make_action()
    first = services.exception_report_request(partnership=district, quarter=Q3)
    second = services.exception_report_request(partnership=district, quarter=Q3)
    assert first.pk == second.pk
    assert ExceptionReport.objects.count() == 1


def test_the_task_run_twice_builds_once(district, make_action):
    make_action()
    report = services.exception_report_request(partnership=district, quarter=Q3)
    assert tasks.build_exception_report.run(report.pk) == "ready"
    built_at = ExceptionReport.objects.get(pk=report.pk).built_at
    assert tasks.build_exception_report.run(report.pk) == "skipped"
    assert ExceptionReport.objects.get(pk=report.pk).built_at == built_at


def test_a_failure_marks_the_report_failed_with_the_reason(district, make_action, monkeypatch):
    make_action()

    def broken(**kwargs):
        raise RuntimeError("the renderer ran out of memory")

    monkeypatch.setattr(services, "exception_report_snapshot", broken)
    report = services.exception_report_request(partnership=district, quarter=Q3)
    assert tasks.build_exception_report.run(report.pk) == "failed"
    report.refresh_from_db()
    assert report.status == "failed"
    assert "ran out of memory" in report.failure_reason
    # Try again: a new revision, queued.
    again = services.exception_report_rebuild(report=report, requested_by=None)
    assert (again.revision, again.status) == (2, "queued")


def test_stale_builds_are_marked_failed(district):
    now = clock.now()
    stuck = factories.ExceptionReportFactory(
        partnership=district, status="building", started_at=now - timedelta(minutes=16), pdf=""
    )
    busy = factories.ExceptionReportFactory(
        partnership=district,
        quarter=2,
        status="building",
        started_at=now - timedelta(minutes=2),
        pdf="",
    )
    assert services.exception_reports_fail_stale() == 1
    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert stuck.status == "failed" and "Try again" in stuck.failure_reason
    assert busy.status == "building"


def test_a_redelivered_task_takes_its_own_building_report_again(district, make_action):
    make_action()
    report = services.exception_report_request(partnership=district, quarter=Q3)
    ExceptionReport.objects.filter(pk=report.pk).update(status="building")
    assert services.exception_report_build(report_id=report.pk, task_id="someone-else") is None
    built = services.exception_report_build(report_id=report.pk, task_id=report.task_id)
    assert built is not None and built.status == "ready"


def test_the_schedule_builds_every_partnership_once_and_emails_executives(
    district,
    other_district,
    make_action,
    executive,
    coordinator,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.CSP_TODAY = "2024-01-05"
    make_action()
    other_plan = factories.PlanFactory(partnership=other_district)
    factories.ActionFactory(priority=factories.PriorityFactory(plan=other_plan), plan=other_plan)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.build_quarter_reports.run() == 2
    reports = ExceptionReport.objects.all()
    assert {(r.partnership_id, str(r.quarter_obj), r.status) for r in reports} == {
        (district.pk, "2023/24 Q3", "ready"),
        (other_district.pk, "2023/24 Q3", "ready"),
    }
    assert [m.to for m in mail.outbox] == [[executive.email]]
    message = mail.outbox[0]
    assert "2023/24 Q3" in message.subject and "is ready" in message.subject
    assert f"/reports/{reports.get(partnership=district).pk}/" in message.body
    # Running the schedule again builds nothing more and sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        tasks.build_quarter_reports.run()
    assert ExceptionReport.objects.count() == 2
    assert len(mail.outbox) == 1


def test_build_now_does_not_email_the_executives(district, make_action, executive, build):
    make_action()
    build(district, requested_by=None)
    assert mail.outbox == []


@pytest.fixture
def lead_officer(district, agency):
    return factories.MembershipFactory(partnership=district, role="officer", agency=agency)


@pytest.mark.parametrize(
    ("today", "sent"),
    [
        ("2024-03-16", 0),  # 15 days before 31 March
        ("2024-03-17", 1),  # 14 days before
        ("2024-03-28", 1),  # 3 days before
        ("2024-04-01", 0),  # a new quarter, its deadline months away
    ],
)
def test_reminders_14_and_3_days_before_the_deadline(
    district, make_action, lead_officer, settings, today, sent, django_capture_on_commit_callbacks
):
    settings.CSP_TODAY = today
    make_action()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_update_reminders.run() == sent
    assert len(mail.outbox) == sent
    assert EmailDelivery.objects.filter(state="sent").count() == sent


def test_reminders_are_sent_once_and_only_for_actions_without_an_update(
    district, make_action, lead_officer, coordinator, settings, django_capture_on_commit_callbacks
):
    author = coordinator
    settings.CSP_TODAY = "2024-03-17"
    q4 = Q3.next
    waiting, updated, done = make_action(), make_action(), make_action()
    record(updated, q4, "on_track", author)
    record(done, Q2, "completed", author)
    not_lead = factories.MembershipFactory(partnership=district, role="officer")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.update_reminders_send() == 1
        assert services.update_reminders_send() == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [lead_officer.user.email]
    assert waiting.title in message.body
    assert updated.title not in message.body and done.title not in message.body
    assert "31 March 2024" in message.subject
    assert not_lead.user.email not in [m.to[0] for m in mail.outbox]
    reminder = UpdateReminder.objects.get()
    assert (reminder.days_before, reminder.action_count) == (14, 1)
    settings.CSP_TODAY = "2024-03-29"
    assert services.update_reminders_send() == 1
    assert UpdateReminder.objects.filter(membership__role=Membership.Role.OFFICER).count() == 2


def test_an_interim_build_does_not_stand_in_for_the_quarter_report(
    district, make_action, executive, coordinator, settings, django_capture_on_commit_callbacks
):
    make_action()
    settings.CSP_TODAY = "2024-03-20"
    with django_capture_on_commit_callbacks(execute=True):
        services.exception_report_request(
            partnership=district, quarter=Quarter(2023, 4), requested_by=coordinator
        )
    interim = ExceptionReport.objects.get()
    assert interim.snapshot["interim"] is True
    settings.CSP_TODAY = "2024-04-05"
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.build_quarter_reports.run() == 1
    final = ExceptionReport.objects.exclude(pk=interim.pk).get()
    assert final.status == "ready" and final.snapshot["interim"] is False
    assert final.revision == 2
    assert [m.to for m in mail.outbox] == [[executive.email]]


def test_a_build_that_finishes_after_being_marked_stale_does_not_overwrite_it(
    district, make_action, monkeypatch
):
    make_action()
    report = services.exception_report_request(partnership=district, quarter=Q3)
    real_render = services._render_pdf

    def slow_render(report, snapshot):
        # The sweep runs while the PDF is being made.
        ExceptionReport.objects.filter(pk=report.pk).update(
            status="failed", failure_reason="Stopped: took too long. Try again."
        )
        return real_render(report, snapshot)

    monkeypatch.setattr(services, "_render_pdf", slow_render)
    result = services.exception_report_build(report_id=report.pk, task_id=report.task_id)
    assert result is not None and result.status == "failed"
    report.refresh_from_db()
    assert report.status == "failed" and not report.pdf


def test_the_executives_email_is_tried_again_while_mail_is_down(
    district, make_action, executive, monkeypatch, settings
):
    from smtplib import SMTPServerDisconnected

    make_action()
    report = factories.ExceptionReportFactory(partnership=district, status="ready")
    real_send = services.send_mail

    def down(*args, **kwargs):
        raise SMTPServerDisconnected("mail server down")

    monkeypatch.setattr(services, "send_mail", down)
    assert services.exception_report_notify(report=report) == 1
    assert services.exception_report_notify(report=report) == 0  # recorded once per report
    assert tasks.send_emails.run() == 0
    delivery = EmailDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("pending", 1)
    assert "mail server down" in delivery.last_error
    assert delivery.last_attempt_at is not None
    assert delivery.next_attempt_at > delivery.last_attempt_at
    monkeypatch.setattr(services, "send_mail", real_send)
    assert tasks.send_emails.run() == 0  # not due yet: it waits for its next try
    later = delivery.next_attempt_at + timedelta(seconds=1)
    assert services.email_deliveries_send(now=later) == 1
    assert services.email_deliveries_send(now=later) == 0  # once per person
    assert [m.to for m in mail.outbox] == [[executive.email]]
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_error) == ("sent", 2, "")


def test_the_lead_of_a_milestone_is_reminded_too(
    district, make_action, settings, django_capture_on_commit_callbacks
):
    settings.CSP_TODAY = "2024-03-17"
    fire = factories.AgencyFactory(short_name="KFRS")
    action = make_action()
    factories.MilestoneFactory(action=action, lead=fire, description="Fire data")
    fire_officer = factories.MembershipFactory(partnership=district, role="officer", agency=fire)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_reminders_send()
    assert fire_officer.user.email in [m.to[0] for m in mail.outbox]
