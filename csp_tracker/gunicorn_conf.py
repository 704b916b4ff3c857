"""gunicorn's settings, one place for every way the web tier runs: the image, the compose
file, the production tests and the load test (``gunicorn -c python:csp_tracker.gunicorn_conf
csp_tracker.wsgi:application``). Sized from the environment (README, "Sizing the web
tier"); an option given on the command line wins over its value here.
"""

import os

bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = os.environ.get("WEB_WORKER_CLASS", "sync")
threads = int(os.environ.get("WEB_THREADS", "1"))

# The app is loaded once, in the master, and each worker forked from it: a worker started
# (at first, or in place of one recycled below) begins serving at once rather than after
# loading Django and every app again, about a second of a core each time; and what was
# loaded is shared between the workers until written (wsgi.py freezes it for the
# collector, so its full passes do not write to it either).
preload_app = True

# Each worker is replaced after this many requests (give or take a tenth, so that they are
# not all replaced at once), in case one grows. At 1,000 a worker was replaced twice in a
# morning rush's first three minutes, each time loading the app and compiling its queries
# again while requests queued.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "10000"))
max_requests_jitter = max_requests // 10

accesslog = "-"
