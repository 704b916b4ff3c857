"""Writes for background jobs: record a job with the row it works on, send it after the
commit, and sweep up the jobs that were never sent or never finished.

This is the one way a service queues work (reports, report emails, publishing,
reminders): it calls ``job_record`` inside its own transaction. The job row and the
report or version row commit together or not at all, so no job is ever lost between
the database and the broker; the job is sent by task *name*, so services never import
their tasks (tasks call services, never the other way round). Sending never blocks a
request for long (a short connect timeout and no retries, ``CSP_BROKER_SEND_TIMEOUT``)
and never raises: a broker that is down leaves the job ``pending`` for the sweep.
"""

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from celery import Task
from django.conf import settings
from django.db import transaction
from django.db.models import F

from csp_tracker import clock
from csp_tracker.celery import app
from jobs.models import Job

logger = logging.getLogger(__name__)

JobArg = int | str
OPEN = (Job.State.PENDING, Job.State.SENT, Job.State.RUNNING)


def job_record(
    *, name: str, args: Sequence[JobArg] = (), task_id: str = "", key: str | None = None
) -> Job:
    """Record a job in the caller's transaction; it is sent when that transaction commits.

    ``task_id`` is the Celery task id the owning row keeps (a report's or version's
    ``task_id``), so every send of this job, first or again, carries the same id.
    """
    job = Job.objects.create(
        name=name,
        args=list(args),
        task_id=task_id or str(uuid.uuid4()),
        key=key or None,
        created_at=clock.now(),
    )
    transaction.on_commit(lambda: job_send(job=job))
    return job


def _registered(name: str) -> Task:
    app.loader.import_default_modules()
    return app.tasks[name]


def _mark_sent(job: Job) -> bool:
    return bool(
        Job.objects.filter(pk=job.pk, state__in=OPEN).update(
            state=Job.State.SENT, sends=F("sends") + 1, sent_at=clock.now(), last_error=""
        )
    )


def job_send(*, job: Job) -> bool:
    """Send the job to the workers; True if the broker took it.

    With ``CELERY_TASK_ALWAYS_EAGER`` (the embedded default, no ``REDIS_URL``) the task
    runs here and now, from the registry, because ``send_task`` ignores eager mode. The
    job is marked sent *before* it is published so that a fast worker's "running" is
    never overwritten by a late "sent".
    """
    if not _mark_sent(job):
        return False  # done or given up meanwhile
    if app.conf.task_always_eager:
        _registered(job.name).apply(args=job.args, task_id=job.task_id)
        return True
    timeout = settings.CSP_BROKER_SEND_TIMEOUT
    try:
        with app.connection_for_write(
            connect_timeout=timeout,
            # max_retries=0: one attempt to connect, so a broker that is down costs at
            # most the timeout, not kombu's default of retrying for seconds.
            transport_options={
                "max_retries": 0,
                "socket_connect_timeout": timeout,
                "socket_timeout": timeout,
            },
        ) as connection:
            app.send_task(
                job.name,
                args=job.args,
                task_id=job.task_id,
                connection=connection,
                retry=False,
                # No result is read back, and subscribing to one would connect again.
                ignore_result=True,
            )
    except Exception as exc:  # any broker or socket error: the sweep sends it later
        logger.warning("Job %s (%s) not sent, left for the sweep: %s", job.pk, job.name, exc)
        Job.objects.filter(pk=job.pk, state=Job.State.SENT).update(
            state=Job.State.PENDING,
            sends=F("sends") - 1,
            last_error=f"Not sent: {type(exc).__name__}: {exc}"[:500],
        )
        return False
    return True


def _time_limit(name: str) -> float:
    """The task's hard time limit in seconds: after it, a started job cannot still be
    running (its worker process was killed), so it may be sent again."""
    try:
        task = _registered(name)
    except KeyError:
        return float(app.conf.task_time_limit or 0)
    return float(task.time_limit or app.conf.task_time_limit or 0)


def jobs_resend(*, now: datetime | None = None) -> int:
    """The sweep (every minute): send again the jobs that need it. Returns how many went.

    - pending for more than ``CSP_JOB_PENDING_GRACE_SECONDS``: the broker was down (or
      the web process stopped) when the job was recorded;
    - sent but not started, or started but not finished, for longer than the task's
      hard time limit plus ``CSP_JOB_RESEND_GRACE_SECONDS``: the message was lost (Redis
      restarted without persistence) or the whole worker was killed. A job started
      ``CSP_JOB_MAX_RUNS`` times without finishing is given up instead, so a task that
      kills its worker every time is not tried for ever; its report or version is then
      marked failed by that app's own sweep, with "Try again" on the page.

    Stops at the first send the broker refuses: it is down, and the next sweep tries.
    """
    now = now or clock.now()
    pending_grace = timedelta(seconds=settings.CSP_JOB_PENDING_GRACE_SECONDS)
    grace = timedelta(seconds=settings.CSP_JOB_RESEND_GRACE_SECONDS)
    sent = 0
    for job in Job.objects.filter(state__in=OPEN).order_by("created_at")[:500]:
        overdue = now - timedelta(seconds=_time_limit(job.name)) - grace
        if job.state == Job.State.PENDING:
            due = job.created_at < now - pending_grace
        elif job.state == Job.State.SENT:
            due = job.sent_at is not None and job.sent_at < overdue
        else:
            due = job.started_at is not None and job.started_at < overdue
            if due and job.runs >= settings.CSP_JOB_MAX_RUNS:
                _give_up(job.task_id)
                continue
        if not due:
            continue
        logger.info("Sending job %s (%s, %s) again", job.pk, job.name, job.state)
        if not job_send(job=job):
            if Job.objects.filter(pk=job.pk, state=Job.State.PENDING).exists():
                break  # the broker is down
            continue
        sent += 1
    return sent


def _give_up(task_id: str) -> None:
    Job.objects.filter(task_id=task_id, state__in=OPEN).update(
        state=Job.State.GIVEN_UP,
        finished_at=clock.now(),
        last_error=f"Started {settings.CSP_JOB_MAX_RUNS} times and never finished "
        "(its worker stopped each time)",
    )
    logger.error("Job %s given up after %s runs", task_id, settings.CSP_JOB_MAX_RUNS)


def job_start(*, task_id: str) -> bool:
    """A worker is starting the task: True if it should run.

    A task that did not come through the outbox (the beat schedule's own tasks, a test's
    ``apply``) has no job and simply runs. A job already done or given up does not run
    again: a second message for it (the sweep's, or Redis redelivering) is dropped.
    """
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(task_id=task_id).first()
        if job is None:
            return True
        if job.state in (Job.State.DONE, Job.State.GIVEN_UP):
            logger.info("Job %s is %s; not running it again", job.pk, job.state)
            return False
        if job.runs >= settings.CSP_JOB_MAX_RUNS:
            _give_up(task_id)
            return False
        job.state = Job.State.RUNNING
        job.runs += 1
        job.started_at = clock.now()
        job.save(update_fields=["state", "runs", "started_at"])
        return True


def job_finish(*, task_id: str, error: str = "") -> None:
    """The task returned (done), or raised (left running with the error, so the sweep
    sends it again after its time limit, up to ``CSP_JOB_MAX_RUNS`` runs)."""
    jobs = Job.objects.filter(task_id=task_id, state__in=OPEN)
    if error:
        jobs.update(last_error=error[:500])
    else:
        jobs.update(state=Job.State.DONE, finished_at=clock.now())
