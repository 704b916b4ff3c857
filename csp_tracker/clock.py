"""The one clock: everything that asks "what is today" or "which quarter is it" asks here.

``settings.CSP_TODAY`` (an ISO date) fixes the date for the demo and the tests, so that
the real 2023/24 data has a sensible current quarter; without it the real date is used.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from csp_tracker.periods import Quarter


def today() -> date:
    fixed = getattr(settings, "CSP_TODAY", "")
    if fixed:
        return date.fromisoformat(fixed)
    return timezone.localdate()


def now() -> datetime:
    """Aware datetime; on a fixed date, the real time of day on that date."""
    real = timezone.localtime()
    fixed = getattr(settings, "CSP_TODAY", "")
    if not fixed:
        return real
    return timezone.make_aware(datetime.combine(date.fromisoformat(fixed), real.time()))


def stamp_history(*, instance: object, history_instance: Any, **kwargs: object) -> None:
    """A change's history row carries the app's clock, as every date the app prints does
    (the demo's and the tests' fixed day), unless its writer set ``_history_date``.
    Connected to simple-history's ``pre_create_historical_record`` (csp_tracker/apps.py)."""
    if not hasattr(instance, "_history_date"):
        history_instance.history_date = now()


def start_of_today() -> datetime:
    return timezone.make_aware(datetime.combine(today(), time.min))


def current_quarter() -> Quarter:
    return Quarter.containing(today())


# Updates made in the first days after a quarter ends, until this day of the month, still
# count for the quarter just ended. The default reporting calendar builds the report on
# it (reporting/calendars.py: DEFAULT); a calendar's grace period ends before it.
REPORT_BUILD_DAY = 5


def update_quarter() -> Quarter:
    """The quarter an update made today reports on: the current quarter, except in the
    first days after a quarter ends, before its report is built, when late updates still
    count for the quarter just ended."""
    return update_quarter_on(today())


def update_quarter_on(day: date) -> Quarter:
    """The quarter an update made on ``day`` reports on (``update_quarter``). A reporting
    calendar's grace period ends by then (reporting.services.calendar_save)."""
    quarter = Quarter.containing(day)
    if day - quarter.start < timedelta(days=REPORT_BUILD_DAY - 1):
        return quarter.previous
    return quarter
