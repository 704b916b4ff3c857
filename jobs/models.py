"""The queued-job record: the transactional outbox between a service and the workers."""

from django.db import models
from django.db.models import Q


class Job(models.Model):
    """One background job a service asked for, written in the same transaction as the
    row it works on (a report, a version, a batch of emails).

    The dispatcher sends it to Celery by task name after the commit; if the broker is
    down the job stays ``pending`` and the sweep (``jobs.resend``, every minute) sends
    it again, as it does a job that was sent but never started or finished in its time
    limit (the message was lost or its worker killed). The tasks themselves are safe to
    run twice, so a second send is harmless.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for the job service"
        SENT = "sent", "Sent to the job service"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        GIVEN_UP = "given_up", "Given up"

    name = models.CharField(max_length=100, help_text='The Celery task, e.g. "reporting.build".')
    args = models.JSONField(default=list, blank=True, help_text="The task's arguments (ids).")
    task_id = models.CharField(max_length=50, unique=True)
    key = models.CharField(
        max_length=100,
        null=True,
        blank=True,
        unique=True,
        help_text="The request that asked for it (a form's idempotency key): a second "
        "submit of the same form finds this job instead of queuing another.",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    sends = models.PositiveIntegerField(default=0, help_text="Times the broker took it.")
    runs = models.PositiveIntegerField(default=0, help_text="Times a worker started it.")
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["state", "created_at"],
                condition=Q(state__in=["pending", "sent", "running"]),
                name="job_open",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["pending", "sent", "running", "done", "given_up"]),
                name="job_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.args} ({self.state})"

    @property
    def waiting_for_service(self) -> bool:
        """Recorded, and the broker refused it when it was sent: the job service is down
        (the sweep sends it again when it is back)."""
        return self.state == self.State.PENDING and bool(self.last_error)
