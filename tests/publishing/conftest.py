"""The publishing tests' draft plan, and publishing it with the on-commit work run."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from plans.models import Plan, PlanVersion
from publishing import services
from tests import factories


@pytest.fixture
def plan(district: Any) -> Plan:
    """A draft plan with a priority, a section and an action."""
    plan = factories.PlanFactory(partnership=district, status=Plan.Status.DRAFT)
    priority = factories.PriorityFactory(plan=plan, number=1, title="Domestic abuse")
    factories.SectionFactory(plan=plan, title="Introduction", body="Welcome.")
    factories.ActionFactory(plan=plan, priority=priority, reference="1.1", title="Run a campaign")
    return plan


def publish(
    plan: Plan, user: Any, *, capture: Callable[..., Any], number: str = "1.0"
) -> PlanVersion:
    """Publishes the plan as ``number``, running the build queued on commit."""
    with capture(execute=True):
        version = publish_start(plan, user, number=number)
    version.refresh_from_db()
    return version


def publish_start(
    plan: Plan, user: Any, *, number: str = "1.0", effective_date: date = date(2023, 4, 1)
) -> PlanVersion:
    """Starts publishing the plan as ``number``, its editor's check's findings confirmed
    (the draft plan's action has no milestones or lead: the check lists them)."""
    return services.plan_version_publish_start(
        plan=plan,
        user=user,
        number=number,
        effective_date=effective_date,
        warnings_confirmed=True,
    )
