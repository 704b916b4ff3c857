from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from actions.services import status_update_record
from csp_tracker.periods import Quarter
from reporting import services
from reporting.models import ReportingCalendar
from reporting.services import CalendarData
from tests import factories

Q2 = Quarter(2023, 2)
Q3 = Quarter(2023, 3)

KENT_MEETINGS = [date(2024, 7, 4), date(2024, 11, 21), date(2025, 3, 14)]


def record(action, quarter, status, author, *, day=10, commentary="", reason="", minute=0):
    """An update labelled with ``quarter``, made on the ``day``-th day of its last month,
    with a reason (a change of status needs one: actions.services.status_update_record)."""
    when = timezone.make_aware(
        datetime.combine(quarter.end.replace(day=day), time(9, 0)) + timedelta(minutes=minute)
    )
    return status_update_record(
        action=action,
        author=author,
        status=status,
        commentary=commentary or f"{status} in {quarter}",
        reason=reason or f"Now {status}",
        quarter=quarter,
        created_at=when,
    )


@pytest.fixture
def plan(district):
    return factories.PlanFactory(partnership=district, title="Swale Community Safety Plan")


@pytest.fixture
def priority(plan):
    return factories.PriorityFactory(plan=plan, number=1, title="Domestic abuse")


@pytest.fixture
def author(district, agency):
    return factories.MembershipFactory(partnership=district, role="officer", agency=agency).user


@pytest.fixture
def make_action(priority, agency):
    counter = iter(range(1, 1000))

    def make(**kwargs):
        n = next(counter)
        kwargs.setdefault("reference", f"1.{n}")
        kwargs.setdefault("title", f"Action number {n}")
        return factories.ActionFactory(
            priority=priority, plan=priority.plan, lead_agencies=[agency], **kwargs
        )

    return make


def calendar_save(partnership, user, **data):
    """Save ``partnership``'s reporting calendar: updates due at quarter ends with four
    days' grace, the report built seven days before each meeting; ``data`` changes that."""
    defaults: dict[str, Any] = {
        "due_rule": ReportingCalendar.DueRule.QUARTER_ENDS,
        "grace_days": 4,
        "build_rule": ReportingCalendar.BuildRule.BEFORE_MEETING,
        "build_days": 7,
        "due_dates": [],
        "meetings": [],
    }
    return services.calendar_save(
        partnership=partnership, data=CalendarData(**(defaults | data)), user=user
    )


@pytest.fixture
def kent_calendar(district, coordinator):
    """Swale's calendar: quarter ends with four days' grace, the report built a week
    before each of the three KENT_MEETINGS."""
    return calendar_save(district, coordinator, meetings=KENT_MEETINGS)
