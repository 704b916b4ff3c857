"""A multi-year strategy with a yearly action plan: the refresh keeps the strategy's
period and starts next year's action plan, carrying open actions with their lineage; each
year's action plan is in force in its own year only."""

from datetime import date

import pytest
from django.urls import reverse

from actions.selectors import status_history
from actions.services import status_update_record
from csp_tracker.periods import Quarter
from plans.models import Plan, PlanShape
from plans.selectors import plan_next_period, plans_in_force
from priorities.models import Workstream
from publishing import refresh
from reporting.snapshot import actions_in_scope, exception_report_snapshot
from tests import factories
from tests.publishing.conftest import publish_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def strategy(district):
    plan = factories.PlanFactory(
        partnership=district,
        kind=Plan.Kind.STRATEGY,
        title="Swale Community Safety Strategy 2024-2027",
        start_year=2024,
        end_year=2027,
        action_plan_year=2024,
        status=Plan.Status.PUBLISHED,
    )
    factories.SectionFactory(plan=plan, title="Introduction")
    priority = factories.PriorityFactory(plan=plan, number=1, title="Serious violence")
    prevent = Workstream.objects.create(priority=priority, title="Prevent", order=1)
    factories.ActionFactory(
        plan=plan, priority=priority, workstream=prevent, reference="1.1", title="Open action"
    )
    factories.ActionFactory(plan=plan, priority=priority, reference="1.2", title="Done action")
    return plan


def test_the_refresh_of_a_strategy_keeps_its_period_and_starts_next_years_action_plan(
    strategy, coordinator, county_admin, django_capture_on_commit_callbacks, settings
):
    settings.CSP_TODAY = "2025-03-10"  # the strategy's first year, 2024/25 Q4
    open_action = strategy.actions.get(reference="1.1")
    done = strategy.actions.get(reference="1.2")
    for action, status, commentary in [
        (open_action, "on_track", "Going well"),
        (done, "completed", "Finished"),
    ]:
        status_update_record(
            action=action,
            author=coordinator,
            status=status,
            commentary=commentary,
            quarter=Quarter(2024, 4),
        )
    assert strategy.shape == PlanShape.STRATEGY_YEARLY
    assert refresh.refresh_label(plan=strategy) == "2025/26 action plan"
    new = refresh.plan_refresh_start(plan=strategy, user=coordinator)
    # The period is unchanged; next year's action plan is started.
    assert (new.start_year, new.end_year, new.period_label) == (2024, 2027, "2024-2027")
    assert new.action_plan_year == 2025 and new.action_plan_label == "2025/26"
    assert new.title == strategy.title and new.previous == strategy
    # Open actions carried with their lineage and heading; completed ones stay.
    carried = new.actions.get()
    assert carried.title == "Open action" and carried.carried_from == open_action
    assert carried.lineage == open_action.lineage
    workstream = carried.workstream
    assert workstream is not None and workstream.priority is not None
    assert workstream.title == "Prevent" and workstream.priority.plan == new
    assert [u.commentary for u in status_history(action=carried)] == ["Going well"]
    # Each year's action plan is in force in its own year only: no action counted twice.
    assert set(plans_in_force(financial_year=2024)) == {strategy}
    assert set(plans_in_force(financial_year=2025)) == {new}
    district = strategy.partnership
    assert set(actions_in_scope(partnerships=[district], quarter=Quarter(2025, 1))) == {carried}
    assert set(actions_in_scope(partnerships=[district], quarter=Quarter(2024, 4))) == {
        open_action,
        done,
    }
    report = exception_report_snapshot(
        partnership=district, quarter=Quarter(2025, 1), today=date(2025, 7, 1)
    )
    assert report["action_count"] == 1
    assert report["summary"]["groups"][0]["label"] == "Priority 1: Serious violence – Prevent"
    # Publishing the new action plan supersedes last year's.
    factories.SectionFactory(plan=new)
    with django_capture_on_commit_callbacks(execute=True):
        publish_start(new, county_admin, number="2.0", effective_date=date(2025, 4, 1))
    strategy.refresh_from_db()
    assert strategy.status == Plan.Status.SUPERSEDED


def test_the_last_years_refresh_starts_the_next_strategy(district):
    plan = factories.PlanFactory(
        partnership=district, start_year=2024, end_year=2027, action_plan_year=2026
    )
    following = plan_next_period(plan=plan)
    assert (following.start_year, following.end_year, following.action_plan_year) == (
        2027,
        2030,
        2027,
    )
    assert following.label == "2027-2030 strategy"
    one_year = factories.PlanFactory(partnership=district, start_year=2023, end_year=2024)
    assert plan_next_period(plan=one_year).label == "2024/25 refresh"


def test_the_plan_form_makes_a_strategy_with_a_yearly_action_plan(client, coordinator, district):
    client.force_login(coordinator)
    response = client.post(
        reverse("plans:create"),
        {
            "partnership": district.pk,
            "kind": "strategy",
            "shape": "strategy_yearly",
            "title": "Strategy",
            "period": "2024 to 2028",
        },
    )
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert (plan.start_year, plan.end_year, plan.action_plan_year) == (2024, 2028, 2024)
    page = client.get(reverse("plans:overview", kwargs={"pk": plan.pk})).content.decode()
    assert "Multi-year strategy with a yearly action plan" in page
    assert "This is the 2024/25 action plan." in page
    response = client.post(
        reverse("plans:create"),
        {
            "partnership": district.pk,
            "kind": "community_safety_plan",
            "shape": "one_year",
            "title": "Plan",
            "period": "2024-2027",
        },
    )
    assert response.context["form"].errors["period"] == [
        "A one-year plan covers one financial year: enter it like 2024/25"
    ]
