import os
from datetime import timedelta

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csp_tracker.settings.local")

app = Celery("csp_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# How often the outbox and email sweeps run: every minute. Read here from the
# environment, not from Django's settings, because this module is imported while the
# settings load; the fault tests shorten it to a second.
SWEEP_EVERY = timedelta(seconds=float(os.environ.get("CSP_JOB_SWEEP_SECONDS", "60")))

# The one beat schedule. Times are Europe/London (CELERY_TIMEZONE).
app.conf.beat_schedule = {
    # 09:00 every day: the exception report of each partnership whose reporting calendar
    # builds one today (reporting/calendars.py; by default the 5th day after each quarter
    # ends, or e.g. a week before each executive meeting). A missed day is caught up.
    "build-exception-reports-by-calendar": {
        "task": "reporting.build_quarter_reports",
        "schedule": crontab(minute=0, hour=9),
    },
    # 08:00 every day: the task itself asks each partnership's calendar how far its next
    # update deadline is, and never sends the same reminder twice.
    "send-update-reminders": {
        "task": "reporting.send_update_reminders",
        "schedule": crontab(minute=0, hour=8),
    },
    # Every 5 minutes: a report or a version whose job was given up (or, from before the
    # job outbox, stuck for too long) is marked failed, with "Try again" on its page.
    "fail-stale-report-builds": {
        "task": "reporting.fail_stale_report_builds",
        "schedule": crontab(minute="*/5"),
    },
    "fail-stale-version-renders": {
        "task": "publishing.fail_stale_renders",
        "schedule": crontab(minute="*/5"),
    },
    # Every minute: jobs the broker did not take, or that were lost or never finished,
    # are sent again (jobs/services.py, jobs_resend).
    "resend-jobs": {
        "task": "jobs.resend",
        "schedule": SWEEP_EVERY,
    },
    # Every minute: emails waiting for their next try are sent (reporting.EmailDelivery).
    "send-due-emails": {
        "task": "reporting.send_emails",
        "schedule": SWEEP_EVERY,
    },
}
