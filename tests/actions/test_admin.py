"""The admin site writes actions and milestones through the services: a milestone's due date
is derived from its timescale there as on the pages, and versions are raised so a page's
stale edit is refused; a superseded plan is read-only."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from actions.models import Milestone
from actions.services import MilestoneData, StaleEdit, milestone_update
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(db) -> Client:
    client = Client()
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def milestone() -> Milestone:
    plan = factories.PlanFactory(start_year=2023, end_year=2024)
    action = factories.ActionFactory(plan=plan, priority=factories.PriorityFactory(plan=plan))
    return factories.MilestoneFactory(action=action, description="Event held")


def test_the_milestone_admin_derives_the_due_date_from_the_timescale(admin_client, milestone):
    opened = milestone.lock_version
    response = admin_client.post(
        reverse("admin:actions_milestone_change", args=[milestone.pk]),
        {
            "action": milestone.action_id,
            "order": 1,
            "description": "Event held",
            "timescale": "By Sept 23",
            # Not fields of the form (derived): ignored if sent.
            "due_date": "2030-01-01",
            "timescale_kind": "ongoing",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    milestone.refresh_from_db()
    assert (milestone.due_date, milestone.timescale_kind) == (date(2023, 9, 30), "due")
    assert milestone.lock_version == opened + 1
    with pytest.raises(StaleEdit):  # an edit opened on the page before is stale
        milestone_update(
            milestone=milestone, data=MilestoneData(description="x"), expected_version=opened
        )


def test_the_action_admins_milestone_rows_derive_their_due_dates(admin_client, milestone):
    action = milestone.action
    opened = action.lock_version
    response = admin_client.post(
        reverse("admin:actions_action_change", args=[action.pk]),
        {
            "plan": action.plan_id,
            "reference": action.reference,
            "priority": action.priority_id,
            "order": 0,
            "title": action.title,
            "desired_outcome": action.desired_outcome,
            "milestones-TOTAL_FORMS": 2,
            "milestones-INITIAL_FORMS": 1,
            "milestones-0-id": milestone.pk,
            "milestones-0-action": action.pk,
            "milestones-0-order": 1,
            "milestones-0-description": "Event held",
            "milestones-0-timescale": "Summer 23",
            "milestones-1-action": action.pk,
            "milestones-1-order": 2,
            "milestones-1-description": "Report written",
            "milestones-1-timescale": "March 24",
        },
    )
    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [f.formset.errors for f in response.context["inline_admin_formsets"]],
    )
    due = dict(action.milestones.values_list("description", "due_date"))
    assert due == {"Event held": date(2023, 8, 31), "Report written": date(2024, 3, 31)}
    action.refresh_from_db()
    assert action.lock_version == opened + 1  # the action's own save is the service's too


def test_a_superseded_plans_milestone_is_read_only_in_the_admin(admin_client, milestone):
    plan = milestone.action.plan
    plan.status = "superseded"
    plan.save()
    url = reverse("admin:actions_milestone_change", args=[milestone.pk])
    response = admin_client.post(url, {"action": milestone.action_id, "description": "Changed"})
    assert response.status_code == 403
    milestone.refresh_from_db()
    assert milestone.description == "Event held"
