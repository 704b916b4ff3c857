"""Faults against a real Celery worker and beat (separate processes, production settings)
and a Redis of the test's own, on PostgreSQL: the broker down at request time, the worker
killed with SIGKILL (its pool child, and the whole worker), Redis restarted without
persistence, the mail server down and one mailbox refusing. Each ends with the job done
exactly once and each email sent exactly once per recipient, without anybody acting.

Sweeps and time limits are shortened through the environment (the sweep every second, a
10 s hard limit) so the whole module takes about two minutes. Needs ``redis-server`` and
PostgreSQL (DATABASE_URL); in CI (CSP_REQUIRE_SERVICES) missing either is a failure.
Every process and server started here is stopped at the end of its test.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.db import connection, connections
from django.urls import reverse

from csp_tracker.celery import app
from jobs.models import Job
from plans.models import PlanVersion
from reporting import services
from reporting.models import EmailDelivery, ExceptionReport
from tests import factories
from tests.html_forms import publish_confirmed, publish_data

if TYPE_CHECKING:
    from aiosmtpd.controller import Controller

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
# Seconds: the worker's hard time limit for every task here (soft 5 s less). A build in
# a fresh pool child loads WeasyPrint and the fonts first, seconds on a busy machine.
HARD_LIMIT = 30
GRACE = 2  # CSP_JOB_RESEND_GRACE_SECONDS


def _missing(why: str) -> None:
    if settings.CSP_REQUIRE_SERVICES:
        pytest.fail(why)
    pytest.skip(why)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(what: str, check: Callable[[], object], timeout: float = 60) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"{what}: not after {timeout} s")


class RedisServer:
    """A redis-server of the test's own, without persistence, that can stop and start
    again on the same port (so everything still points at it)."""

    def __init__(self, workdir: Path) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait("redis-server answers", self.ping, timeout=10)

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.2).ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class Celery:
    """``celery worker`` (prefork, one child) or ``celery beat`` in a process group of
    its own, on the fault settings."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen[bytes]] = []

    def _start(self, name: str, args: list[str], ready: str) -> subprocess.Popen[bytes]:
        log = self.log_dir / f"{name}-{len(self.processes)}.log"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "csp_tracker",
                *args,
                "--loglevel=INFO",
                f"--logfile={log}",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.processes.append(process)
        _wait(f"{name} ready", lambda: log.exists() and ready in log.read_text(), timeout=60)
        return process

    def worker(self) -> subprocess.Popen[bytes]:
        return self._start(
            "worker",
            [
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"fault{len(self.processes)}@%h",
            ],
            "ready.",
        )

    def beat(self) -> subprocess.Popen[bytes]:
        schedule = self.log_dir / "beat-schedule"
        return self._start("beat", ["beat", f"--schedule={schedule}"], "beat: Starting")

    @staticmethod
    def children(process: subprocess.Popen[bytes]) -> list[int]:
        found: list[int] = []
        for task in Path(f"/proc/{process.pid}/task").iterdir():
            found += [int(p) for p in (task / "children").read_text().split()]
        return found

    @staticmethod
    def kill(process: subprocess.Popen[bytes]) -> None:
        """SIGKILL the whole process group: the worker and its pool, as an OOM kill or a
        lost node does."""
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            self.kill(process)


@pytest.fixture
def stack(require_postgres, transactional_db, tmp_path, settings) -> Iterator[dict]:
    if shutil.which("redis-server") is None:
        _missing("needs redis-server (Debian's redis-server package)")
    redis = RedisServer(tmp_path)
    redis.start()
    db = connection.settings_dict
    smtp_port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "CSP_"))},
        "DJANGO_SETTINGS_MODULE": "tests.jobs.fault_settings",
        "PYTHONPATH": str(ROOT),
        "SECRET_KEY": "fault-test-only-" + "x" * 50,
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": redis.url,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_TIMEOUT": "2",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CSP_TODAY": settings.CSP_TODAY,
        "CSP_SITE_URL": "http://testserver",
        "CSP_JOB_SWEEP_SECONDS": "1",
        "CSP_JOB_PENDING_GRACE_SECONDS": "1",
        "CSP_JOB_RESEND_GRACE_SECONDS": str(GRACE),
        "CSP_EMAIL_RETRY_BASE_SECONDS": "1",
        "CELERY_TASK_SOFT_TIME_LIMIT": str(HARD_LIMIT - 5),
        "CELERY_TASK_TIME_LIMIT": str(HARD_LIMIT),
        "CSP_PDF_TASK_SOFT_TIME_LIMIT": str(HARD_LIMIT - 5),
        "CSP_PDF_TASK_TIME_LIMIT": str(HARD_LIMIT),
    }
    celery = Celery(env, tmp_path)
    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url=redis.url)
    # The web side's sweep times are the worker's.
    settings.CSP_JOB_PENDING_GRACE_SECONDS = 1
    settings.CSP_JOB_RESEND_GRACE_SECONDS = GRACE
    try:
        yield {"redis": redis, "celery": celery, "smtp_port": smtp_port, "logs": tmp_path}
    finally:
        app.conf.update(saved)
        celery.stop_all()
        redis.stop()
        connections.close_all()


@pytest.fixture
def swale(district, coordinator):
    plan = factories.PlanFactory(partnership=district, title="Swale Community Safety Plan")
    priority = factories.PriorityFactory(plan=plan, number=1, title="Domestic abuse")
    factories.SectionFactory(plan=plan, title="Introduction", body="Welcome.")
    for n in range(1, 4):
        factories.ActionFactory(plan=plan, priority=priority, reference=f"1.{n}")
    return plan


def _build_now(client, district) -> tuple[ExceptionReport, float]:
    started = time.perf_counter()
    response = client.post(reverse("reporting:build", kwargs={"slug": district.slug}))
    seconds = time.perf_counter() - started
    assert response.status_code == 302
    return ExceptionReport.objects.get(), seconds


def _ready(report: ExceptionReport, timeout: float = 60) -> ExceptionReport:
    def done() -> ExceptionReport | None:
        fresh = ExceptionReport.objects.get(pk=report.pk)
        return None if fresh.in_progress else fresh

    fresh = _wait(f"report {report.pk} built", done, timeout)
    assert isinstance(fresh, ExceptionReport)
    assert fresh.status == "ready", fresh.failure_reason
    assert fresh.built_at is not None and fresh.started_at is not None
    print(
        f"report {fresh.pk}: built in {(fresh.built_at - fresh.started_at).total_seconds():.1f} s"
    )
    return fresh


def _built_once(report: ExceptionReport, runs: int, sends: int | None = None) -> Job:
    """One report, ready, with its PDF; its job done after ``runs`` starts."""
    assert ExceptionReport.objects.count() == 1
    assert report.pdf and report.pdf_sha256
    # The job is marked done just after the task's service commits the report.
    job = _wait(
        "the job done",
        lambda: Job.objects.filter(task_id=report.task_id, state="done").first(),
        timeout=30,
    )
    assert isinstance(job, Job)
    assert job.runs == runs, job.last_error
    if sends is not None:
        assert job.sends == sends
    return job


def test_redis_down_when_build_now_is_pressed(client, stack, swale, district, coordinator):
    celery, redis = stack["celery"], stack["redis"]
    celery.worker()
    celery.beat()
    client.force_login(coordinator)
    client.get(reverse("reporting:partnership", kwargs={"slug": district.slug}))
    redis.stop()
    report, seconds = _build_now(client, district)
    assert seconds < 1.5, f"Build now took {seconds:.2f} s with Redis down"
    job = Job.objects.get()
    assert job.state == "pending"
    page = client.get(reverse("reporting:detail", kwargs={"pk": report.pk})).content.decode()
    assert "Queued — it will start when the job service is back" in page
    redis.start()
    report = _ready(report, timeout=90)
    _built_once(report, runs=1, sends=1)


def test_redis_down_when_publish_is_pressed(client, stack, swale, county_admin):
    celery, redis = stack["celery"], stack["redis"]
    celery.worker()
    celery.beat()
    client.force_login(county_admin)
    url = reverse("publishing:publish", kwargs={"pk": swale.pk})
    confirmed = publish_confirmed(client.get(url).context["form"])
    redis.stop()
    started = time.perf_counter()
    response = client.post(
        url,
        {
            **publish_data("1.0", date(2023, 4, 1)),
            **confirmed,
        },
    )
    seconds = time.perf_counter() - started
    assert response.status_code == 302, response.context["form"].errors
    assert seconds < 1.5, f"Publish took {seconds:.2f} s with Redis down"
    version = PlanVersion.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "Queued — it will start when the job service is back" in page
    redis.start()

    def published() -> PlanVersion | None:
        fresh = PlanVersion.objects.get(pk=version.pk)
        return None if fresh.status == "rendering" else fresh

    fresh = _wait("version published", published, timeout=90)
    assert isinstance(fresh, PlanVersion)
    assert fresh.status == "published", fresh.failure_reasons
    assert PlanVersion.objects.count() == 1
    job = _wait("the job done", lambda: Job.objects.filter(state="done").first(), timeout=30)
    assert isinstance(job, Job)
    assert (job.runs, job.sends) == (1, 1)


def _running(report: ExceptionReport) -> None:
    _wait(
        "the build started",
        lambda: Job.objects.filter(task_id=report.task_id, state="running").exists(),
        timeout=60,
    )


def test_the_pool_child_killed_mid_build(client, stack, swale, district, coordinator):
    celery = stack["celery"]
    worker = celery.worker()
    client.force_login(coordinator)
    report, _ = _build_now(client, district)
    _running(report)
    (child,) = celery.children(worker)
    os.kill(child, signal.SIGKILL)
    # The worker sees its child lost and the message goes back to the queue at once
    # (acks_late, reject_on_worker_lost); a new child builds it.
    report = _ready(report)
    _built_once(report, runs=2, sends=1)


def test_the_whole_worker_killed_mid_build(client, stack, swale, district, coordinator):
    celery = stack["celery"]
    worker = celery.worker()
    celery.beat()
    client.force_login(coordinator)
    report, _ = _build_now(client, district)
    _running(report)
    celery.kill(worker)
    assert ExceptionReport.objects.get(pk=report.pk).in_progress
    celery.worker()
    # Nothing redelivers the message before Redis's visibility timeout: the sweep sends
    # the job again once its hard time limit has passed.
    report = _ready(report, timeout=HARD_LIMIT + GRACE + 60)
    _built_once(report, runs=2, sends=2)


def test_redis_restarted_without_persistence_while_a_build_is_queued(
    client, stack, swale, district, coordinator
):
    celery, redis = stack["celery"], stack["redis"]
    client.force_login(coordinator)
    report, _ = _build_now(client, district)  # sent: the message waits in Redis
    assert Job.objects.get().state == "sent"
    redis.stop()
    redis.start()  # empty: the message is gone
    celery.beat()
    celery.worker()
    report = _ready(report, timeout=HARD_LIMIT + GRACE + 60)
    _built_once(report, runs=1, sends=2)


class Mailbox:
    """An SMTP server (aiosmtpd) that keeps what it is given, and can refuse a mailbox
    with a temporary 450 a number of times."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.received: list[str] = []
        self.refuse: dict[str, int] = {}
        self.controller: Controller | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse.get(address, 0) > 0:
            self.refuse[address] -= 1
            return "450 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received += envelope.rcpt_tos
        return "250 Message accepted for delivery"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        controller = Controller(self, hostname="127.0.0.1", port=self.port)
        controller.start()
        self.controller = controller

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def mailbox(stack) -> Iterator[Mailbox]:
    box = Mailbox(stack["smtp_port"])
    yield box
    box.stop()


def _all_sent(count: int, timeout: float = 60) -> None:
    _wait(
        f"{count} emails sent",
        lambda: EmailDelivery.objects.filter(state="sent").count() == count,
        timeout,
    )


def test_the_mail_server_down_when_the_executives_are_emailed(stack, mailbox, swale, district):
    executives = [
        factories.MembershipFactory(partnership=district, role="executive").user for _ in range(3)
    ]
    celery = stack["celery"]
    celery.worker()
    celery.beat()
    (report,) = services.exception_reports_schedule(quarter=district_quarter())
    _ready(report)
    _wait(
        "every email tried and refused",
        lambda: EmailDelivery.objects.filter(attempts__gte=1, state="pending").count() == 3,
    )
    mailbox.start()
    _all_sent(3)
    assert Counter(mailbox.received) == Counter(u.email for u in executives)
    assert EmailDelivery.objects.exclude(state="sent").count() == 0


def district_quarter():
    from csp_tracker import clock

    return clock.current_quarter().previous


def test_one_mailbox_refusing_the_reminders(stack, mailbox, district):
    plan = factories.PlanFactory(partnership=district)
    priority = factories.PriorityFactory(plan=plan, number=1)
    officers = []
    for n in range(3):
        agency = factories.AgencyFactory(short_name=f"Agency {n}")
        factories.ActionFactory(
            plan=plan, priority=priority, reference=f"1.{n + 1}", lead_agencies=[agency]
        )
        officers.append(
            factories.MembershipFactory(partnership=district, role="officer", agency=agency).user
        )
    refused = officers[1].email
    mailbox.refuse[refused] = 2
    mailbox.start()
    celery = stack["celery"]
    celery.worker()
    celery.beat()
    # 14 days before the 2023/24 Q4 deadline (31 March 2024).
    assert services.update_reminders_send(today=date(2024, 3, 17)) == 3
    _all_sent(3)
    assert Counter(mailbox.received) == Counter(u.email for u in officers)
    assert EmailDelivery.objects.get(to=refused).attempts == 3
