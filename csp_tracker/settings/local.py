"""The embedded default: SQLite, tasks in-process, email to the console."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
CSP_TODAY = env("CSP_TODAY", default="2024-01-15")
