import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csp_tracker.settings.local")

app = Celery("csp_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The one beat schedule. Times are Europe/London (CELERY_TIMEZONE).
app.conf.beat_schedule = {
    # 09:00 on the 5th day after each quarter ends (5 April, 5 July, 5 October,
    # 5 January): every partnership's exception report for the quarter just ended.
    # Until then late updates still count for that quarter (clock.REPORT_BUILD_DAY).
    "build-quarterly-exception-reports": {
        "task": "reporting.build_quarter_reports",
        "schedule": crontab(minute=0, hour=9, day_of_month=5, month_of_year="1,4,7,10"),
    },
    # 08:00 every day: the task itself decides whether today is 14 or 3 days before the
    # quarter's update deadline, and never sends the same reminder twice.
    "send-update-reminders": {
        "task": "reporting.send_update_reminders",
        "schedule": crontab(minute=0, hour=8),
    },
    # Every 5 minutes: a report building for more than 15 minutes is marked failed.
    "fail-stale-report-builds": {
        "task": "reporting.fail_stale_report_builds",
        "schedule": crontab(minute="*/5"),
    },
}
