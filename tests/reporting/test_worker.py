"""Against the real Redis and a real Celery worker (not eager mode), on PostgreSQL.

Runs when REDIS_URL is set; with CSP_REQUIRE_SERVICES (CI) a missing or unreachable
Redis or PostgreSQL is a failure, otherwise the test is skipped.
"""

import time
import uuid

import pytest
from django.conf import settings
from django.db import connections

from reporting import services
from reporting.models import ExceptionReport
from tests import factories
from tests.race import race
from tests.reporting.conftest import Q3

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _missing(why: str) -> None:
    if settings.CSP_REQUIRE_SERVICES:
        pytest.fail(why)
    pytest.skip(why)


@pytest.fixture
def redis_url() -> str:
    url = settings.REDIS_URL
    if not url:
        _missing("needs Redis: set REDIS_URL")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:
        _missing(f"Redis at {url} is unreachable: {exc}")
    return url


@pytest.fixture
def worker(redis_url, require_postgres, transactional_db):
    """A real worker thread consuming a queue of its own on the real Redis."""
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    from csp_tracker.celery import app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    saved = {
        key: app.conf[key]
        for key in ("task_always_eager", "task_default_queue", "broker_url", "result_backend")
    }
    app.conf.update(
        task_always_eager=False,
        task_default_queue=queue,
        broker_url=redis_url,
        result_backend=redis_url,
    )

    def close_connections(**kwargs: object) -> None:
        # The worker thread's own connection, so the test database can be flushed.
        connections.close_all()

    task_postrun.connect(close_connections, weak=False)
    try:
        with start_worker(
            app, pool="solo", queues=[queue], perform_ping_check=False, loglevel="WARNING"
        ):
            yield app
    finally:
        task_postrun.disconnect(close_connections)
        app.conf.update(saved)


def _wait_for(report_id: int, timeout: float = 60) -> ExceptionReport:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report = ExceptionReport.objects.get(pk=report_id)
        if not report.in_progress:
            return report
        time.sleep(0.2)
    raise AssertionError(f"report {report_id} still {report.status} after {timeout}s")


def test_a_real_worker_builds_two_requests_at_once_into_one_report(worker):
    district = factories.DistrictFactory(slug="swale", short_name="Swale CSP")
    plan = factories.PlanFactory(partnership=district)
    factories.ActionFactory(priority=factories.PriorityFactory(plan=plan), plan=plan)

    def request(_: int) -> int:
        return services.exception_report_request(partnership=district, quarter=Q3).pk

    result = race(request, runners=2)
    assert result.errors == []
    results = result.won
    assert len(set(results)) == 1, "two requests at once must queue one build"
    report = _wait_for(results[0])
    assert report.status == "ready", report.failure_reason
    assert report.task_id and report.pdf_sha256
    assert ExceptionReport.objects.count() == 1
    assert report.snapshot["action_count"] == 1
