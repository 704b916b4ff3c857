import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csp_tracker.settings.production")

application = get_wsgi_application()

# What is loaded by now (Django, the apps, their models: about 140,000 objects) lives as
# long as the web process: the collector's full passes need not walk it again. Without
# this, about one request in a hundred paid a full pass of about 90 ms (issue 15).
gc.freeze()
