import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csp_tracker.settings.local")

app = Celery("csp_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The one beat schedule. Entries are added by the reporting work as it lands.
app.conf.beat_schedule = {}
