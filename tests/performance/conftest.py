from datetime import datetime, time
from decimal import Decimal

import pytest
from django.utils import timezone

from csp_tracker.periods import Quarter
from performance.periods import Period
from performance.services import (
    ProjectData,
    indicator_value_record,
    project_create,
)
from tests import factories


def pounds(text: str) -> Decimal:
    return Decimal(text)


@pytest.fixture
def grant(district):
    """The Kent paper's grant: £39,661, split by the tool as the paper did."""
    return factories.kent_grant(district)


@pytest.fixture
def make_project(grant):
    def make(title="A project", amount="1000", pot="up_front", **kwargs):
        status = kwargs.pop("status", "on_track")
        quarter = kwargs.pop("quarter", None)
        return project_create(
            grant=grant,
            data=ProjectData(title=title, amount_approved=Decimal(amount), pot=pot, **kwargs),
            status=status,
            quarter=quarter,
        )

    return make


@pytest.fixture
def make_indicator(district):
    counter = iter(range(1, 1000))

    def make(**kwargs):
        n = next(counter)
        partnership = kwargs.pop("partnership", district)
        return factories.asb_indicator(partnership, **({"name": f"Indicator {n}"} | kwargs))

    return make


def at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def record_value(indicator, quarter_text, value, *, note="", day=None, hour=10):
    quarter = Quarter.parse(quarter_text)
    when = at(day or quarter.end, hour)
    return indicator_value_record(
        indicator=indicator,
        period=Period(quarter.financial_year, quarter.number, indicator.frequency),
        value=Decimal(str(value)),
        note=note,
        recorded_at=when,
    )


@pytest.fixture
def swale_plan(district):
    return factories.PlanFactory(partnership=district, title="Swale Community Safety Plan")


def figures_update(action, author, *figures, commentary="Monitoring"):
    """An on-track 2023/24 Q2 update of ``action`` reporting ``figures`` (Figure)."""
    from actions.services import status_update_record

    return status_update_record(
        action=action,
        author=author,
        status="on_track",
        commentary=commentary,
        quarter=Quarter(2023, 2),
        figures=list(figures),
    )
