"""The job outbox without a broker: recorded with its row, sent after the commit, swept
when the broker is down or the job is lost, given up when it never finishes."""

import contextlib
import socket
import time
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from csp_tracker import clock
from csp_tracker.celery import app
from jobs import services as jobs
from jobs.models import Job
from plans.models import PlanVersion
from publishing import services as publishing
from reporting import services as reporting
from reporting.models import ExceptionReport
from tests import factories
from tests.html_forms import publish_confirmed, publish_data
from tests.reporting.conftest import Q3

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _point_celery_at(url: str):
    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url=url)
    # The first send of a process imports the Redis transport (seconds on a busy
    # machine): pay it here, not inside the timed request.
    with (
        contextlib.suppress(Exception),
        app.connection_for_write(
            connect_timeout=0.2,
            transport_options={
                "max_retries": 0,
                "socket_connect_timeout": 0.2,
                "socket_timeout": 0.2,
            },
        ) as connection,
    ):
        app.send_task("warm.up", connection=connection, retry=False, ignore_result=True)
    return saved


@pytest.fixture
def broker_down():
    """Celery pointed at a Redis port where nothing listens, not eager."""
    saved = _point_celery_at(f"redis://127.0.0.1:{_free_port()}/0")
    yield
    app.conf.update(saved)


@pytest.fixture
def broker_hangs():
    """A "Redis" that takes the connection and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    saved = _point_celery_at(f"redis://127.0.0.1:{server.getsockname()[1]}/0")
    yield
    app.conf.update(saved)
    server.close()


@pytest.fixture
def document(district):
    """A plan with one priority and action, to publish."""
    plan = factories.PlanFactory(partnership=district, title="Another plan")
    priority = factories.PriorityFactory(plan=plan, number=1)
    factories.ActionFactory(plan=plan, priority=priority, reference="1.1")
    return plan


def test_a_job_is_recorded_with_its_row_and_rolled_back_with_it(district):
    with pytest.raises(RuntimeError), transaction.atomic():
        reporting.exception_report_request(partnership=district, quarter=Q3)
        raise RuntimeError("the request failed after queuing")
    assert ExceptionReport.objects.count() == 0 and Job.objects.count() == 0
    report = reporting.exception_report_request(partnership=district, quarter=Q3)
    job = Job.objects.get()
    assert (job.name, job.args, job.task_id) == (
        "reporting.build_exception_report",
        [report.pk],
        report.task_id,
    )
    assert job.state == "pending"  # sent only when the transaction commits


def test_eager_mode_runs_the_task_from_the_registry(
    district, make_action, django_capture_on_commit_callbacks
):
    make_action()
    with django_capture_on_commit_callbacks(execute=True):
        report = reporting.exception_report_request(partnership=district, quarter=Q3)
    report.refresh_from_db()
    job = Job.objects.get()
    assert report.status == "ready"
    assert (job.state, job.sends, job.runs) == ("done", 1, 1)
    assert job.finished_at is not None


def _timed_build(client, district, capture_on_commit) -> tuple[Any, float]:
    """Ask for the district's report (what is queued on commit is sent): the response, and
    the seconds it took."""
    started = time.perf_counter()
    with capture_on_commit(execute=True):
        response = client.post(reverse("reporting:build", kwargs={"slug": district.slug}))
    return response, time.perf_counter() - started


def test_a_broker_that_is_down_leaves_the_job_pending_and_answers_fast(
    client, district, coordinator, broker_down, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    response, seconds = _timed_build(client, district, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert seconds < 1.5, f"the request took {seconds:.2f} s"
    job = Job.objects.get()
    assert (job.state, job.sends) == ("pending", 0)
    assert "Not sent" in job.last_error
    page = client.get(response["Location"]).content.decode()
    assert "Queued — it will start when the job service is back" in page


def test_a_broker_that_hangs_costs_the_request_at_most_the_send_timeout(
    client, district, coordinator, broker_hangs, settings, django_capture_on_commit_callbacks
):
    settings.CSP_BROKER_SEND_TIMEOUT = 0.5
    client.force_login(coordinator)
    response, seconds = _timed_build(client, district, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert 0.5 <= seconds < 1.5, f"the request took {seconds:.2f} s"
    assert Job.objects.get().state == "pending"


def test_a_publish_while_the_broker_is_down_is_recorded_and_says_so(
    client, document, county_admin, broker_down, django_capture_on_commit_callbacks
):
    plan = document
    client.force_login(county_admin)
    form = client.get(reverse("publishing:publish", kwargs={"pk": plan.pk})).context["form"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("publishing:publish", kwargs={"pk": plan.pk}),
            {
                **publish_data("1.0", date(2023, 4, 1)),
                **publish_confirmed(form),
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    version = PlanVersion.objects.get()
    assert version.status == "rendering"
    assert Job.objects.get().state == "pending"
    page = client.get(response["Location"]).content.decode()
    assert "Queued — it will start when the job service is back" in page


def test_the_sweep_sends_pending_jobs_then_lost_ones(
    district, make_action, settings, django_capture_on_commit_callbacks
):
    make_action()
    settings.CSP_JOB_PENDING_GRACE_SECONDS = 30
    report = reporting.exception_report_request(partnership=district, quarter=Q3)
    job = Job.objects.get()
    now = clock.now()
    assert jobs.jobs_resend(now=now) == 0  # just recorded: the request's own send is due
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.jobs_resend(now=now + timedelta(seconds=31)) == 1
    report.refresh_from_db()
    job.refresh_from_db()
    assert report.status == "ready" and job.state == "done"
    # A done job is not sent again, however old.
    assert jobs.jobs_resend(now=now + timedelta(days=1)) == 0


def test_a_job_sent_but_never_started_is_sent_again_after_its_time_limit(
    district, make_action, settings
):
    make_action()
    settings.CSP_JOB_RESEND_GRACE_SECONDS = 60
    reporting.exception_report_request(partnership=district, quarter=Q3)
    job = Job.objects.get()
    sent_at = clock.now()
    Job.objects.filter(pk=job.pk).update(state="sent", sends=1, sent_at=sent_at)
    limit = settings.CSP_PDF_TASK_TIME_LIMIT
    assert jobs.jobs_resend(now=sent_at + timedelta(seconds=limit + 59)) == 0
    assert jobs.jobs_resend(now=sent_at + timedelta(seconds=limit + 61)) == 1
    job.refresh_from_db()
    assert (job.state, job.sends) == ("done", 2)  # eager here: sent means run


def test_a_job_started_too_often_without_finishing_is_given_up_and_its_report_fails(
    district, make_action, settings
):
    make_action()
    report = reporting.exception_report_request(partnership=district, quarter=Q3)
    job = Job.objects.get()
    started = clock.now()
    ExceptionReport.objects.filter(pk=report.pk).update(status="building", started_at=started)
    Job.objects.filter(pk=job.pk).update(
        state="running", runs=settings.CSP_JOB_MAX_RUNS, started_at=started
    )
    late = started + timedelta(seconds=settings.CSP_PDF_TASK_TIME_LIMIT + 61)
    assert jobs.jobs_resend(now=late) == 0
    job.refresh_from_db()
    assert job.state == "given_up" and "never finished" in job.last_error
    # A duplicate message for it does nothing.
    assert jobs.job_start(task_id=job.task_id) is False
    assert reporting.exception_reports_fail_stale() == 1
    report.refresh_from_db()
    assert report.status == "failed" and "Try again" in report.failure_reason


def test_a_report_waiting_for_the_job_service_is_not_failed_as_stale(district):
    report = reporting.exception_report_request(partnership=district, quarter=Q3)
    long_after = clock.now() + timedelta(days=2)
    assert reporting.exception_reports_fail_stale(now=long_after) == 0
    report.refresh_from_db()
    assert report.status == "queued"


def _failed_version(plan, user):
    """A version whose rendering job gave up, swept by the stale sweep."""
    version = publishing.plan_version_publish_start(
        plan=plan,
        user=user,
        number="1.0",
        effective_date=plan.period_start,
        warnings_confirmed=True,
    )
    Job.objects.filter(task_id=version.task_id).update(state="given_up")
    assert publishing.plan_versions_fail_stale() == 1
    return version


def test_a_version_stuck_rendering_is_swept_and_can_be_tried_again(
    client, document, county_admin, django_capture_on_commit_callbacks
):
    version = _failed_version(document, county_admin)
    assert Job.objects.count() == 1
    version.refresh_from_db()
    assert version.status == "failed"
    client.force_login(county_admin)
    page = client.get(reverse("publishing:version", kwargs={"pk": version.pk})).content.decode()
    assert "Try again" in page and "the job did not finish" in page
    # While it was stuck, publishing the plan was refused; now it goes again.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("publishing:version_retry", kwargs={"pk": version.pk}))
    assert response["Location"] == reverse("publishing:version", kwargs={"pk": version.pk})
    version.refresh_from_db()
    assert version.status == "published", version.failure_reasons
    assert Job.objects.count() == 2


def test_try_again_asks_again_when_the_editors_check_finds_something_new(
    client, document, county_admin, django_capture_on_commit_callbacks
):
    """'Try again' renders what the publisher confirmed: a placeholder written since then
    sends them back to the publish page to check it, and nothing is rendered."""
    factories.SectionFactory(plan=document, title="Foreword", body="Words to follow.")
    version = _failed_version(document, county_admin)
    confirmed = version.findings_confirmed
    assert confirmed  # the check found the empty action-plan columns, and so on
    factories.SectionFactory(plan=document, title="Governance", body="Chart TBC.")
    client.force_login(county_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("publishing:version_retry", kwargs={"pk": version.pk}))
    assert response["Location"] == reverse("publishing:publish", kwargs={"pk": document.pk})
    version.refresh_from_db()
    assert version.status == "failed" and version.findings_confirmed == confirmed
    page = client.get(response["Location"]).content.decode()
    assert "finds something new since this version was started" in page
    assert "TBC" in page


def test_a_done_job_is_not_run_again_by_a_duplicate_message(
    district, make_action, django_capture_on_commit_callbacks
):
    make_action()
    with django_capture_on_commit_callbacks(execute=True):
        report = reporting.exception_report_request(partnership=district, quarter=Q3)
    job = Job.objects.get()
    result = app.tasks[job.name].apply(args=job.args, task_id=job.task_id)
    assert result.result is None  # skipped by JobTask before the service
    job.refresh_from_db()
    assert job.runs == 1
    assert ExceptionReport.objects.get(pk=report.pk).status == "ready"


def test_every_task_has_soft_and_hard_time_limits_and_the_broker_outlasts_them(settings):
    app.loader.import_default_modules()
    ours = [t for name, t in app.tasks.items() if not name.startswith("celery.")]
    assert len(ours) >= 8
    for task in ours:
        soft = task.soft_time_limit or app.conf.task_soft_time_limit
        hard = task.time_limit or app.conf.task_time_limit
        assert soft and hard and soft < hard, task.name
        assert app.conf.broker_transport_options["visibility_timeout"] > hard, task.name
    pdf = app.tasks["publishing.plan_version_render"]
    assert pdf.time_limit == settings.CSP_PDF_TASK_TIME_LIMIT > app.conf.task_time_limit
    assert app.tasks["reporting.build_exception_report"].time_limit == pdf.time_limit
    assert app.conf.worker_max_tasks_per_child and app.conf.worker_max_memory_per_child
