"""The settings a fault test's worker and beat run with: production's, with the plain
static storage of the tests (the hashed-name manifest needs a collectstatic, which the
production-stack test covers). Everything else comes from the environment the test sets."""

from csp_tracker.settings.production import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
