import pytest
from django.urls import reverse

from actions.models import Action
from actions.services import action_move, action_next_reference, action_plan_renumber
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(district):
    return factories.PlanFactory(partnership=district, status="draft")


def _refs(plan):
    return list(plan.actions.order_by("order", "id").values_list("reference", "title"))


def test_renumbering_follows_headings_and_keeps_each_action_identity(plan):
    p1 = factories.PriorityFactory(plan=plan, number=1)
    p2 = factories.PriorityFactory(plan=plan, number=2)
    theme = factories.ThemeFactory(plan=plan, number=1)
    a = factories.ActionFactory(plan=plan, priority=p2, reference="7", title="A", order=1)
    b = factories.ActionFactory(plan=plan, priority=p1, reference="x", title="B", order=2)
    c = factories.ActionFactory(
        plan=plan, priority=None, theme=theme, reference="9.9", title="C", order=3
    )
    d = factories.ActionFactory(plan=plan, priority=p1, reference="1.1", title="D", order=4)
    lineages = {x.pk: x.lineage for x in (a, b, c, d)}
    assert action_plan_renumber(plan=plan) == 4
    # Priorities first, in number order; themes after them, numbered on (as Swale's 5.1).
    assert _refs(plan) == [("1.1", "B"), ("1.2", "D"), ("2.1", "A"), ("3.1", "C")]
    for action in Action.objects.filter(plan=plan):
        assert action.lineage == lineages[action.pk]
    assert action_plan_renumber(plan=plan) == 0


def test_moving_an_action_swaps_it_with_its_neighbour_under_the_same_heading(plan):
    priority = factories.PriorityFactory(plan=plan, number=1)
    first = factories.ActionFactory(
        plan=plan, priority=priority, reference="1.1", title="First", order=1
    )
    factories.ActionFactory(plan=plan, priority=priority, reference="1.2", title="Second", order=2)
    opened = first.lock_version
    action_move(action=first, up=False)
    assert [t for _, t in _refs(plan)] == ["Second", "First"]
    first.refresh_from_db()
    assert first.lock_version == opened + 1  # an edit opened before the move is stale
    action_move(action=first, up=False)  # already last: nothing happens
    assert [t for _, t in _refs(plan)] == ["Second", "First"]


def test_the_next_number_under_a_heading(plan):
    p1 = factories.PriorityFactory(plan=plan, number=1)
    theme = factories.ThemeFactory(plan=plan, number=2)
    factories.ActionFactory(plan=plan, priority=p1, reference="1.1")
    assert action_next_reference(plan=plan, heading=p1) == "1.2"
    assert action_next_reference(plan=plan, heading=theme) == "3.1"


def test_moving_priorities_renumbers_them(client, coordinator, plan):
    first = factories.PriorityFactory(plan=plan, number=1, title="First")
    factories.PriorityFactory(plan=plan, number=2, title="Second")
    client.force_login(coordinator)
    response = client.post(
        reverse("priorities:priority_move", kwargs={"pk": first.pk}), {"direction": "down"}
    )
    assert response.status_code == 302
    assert list(plan.priorities.values_list("number", "title")) == [(1, "Second"), (2, "First")]


def test_adding_an_action_maps_it_and_numbers_it(client, coordinator, plan):
    category = factories.CategoryFactory(name="Domestic Abuse")
    client.force_login(coordinator)
    response = client.post(
        reverse("priorities:priority_add", kwargs={"pk": plan.pk}),
        {"title": "Domestic abuse", "categories": [category.pk]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    priority = plan.priorities.get()
    assert list(priority.categories.all()) == [category]
    response = client.post(
        reverse("actions:add", kwargs={"pk": plan.pk}),
        {
            "heading": f"p{priority.pk}",
            "title": "Run a campaign",
            "milestones-TOTAL_FORMS": "4",
            "milestones-INITIAL_FORMS": "0",
            "milestones-0-description": "Campaign launched",
            "milestones-0-timescale": "Sept 23",
        },
    )
    assert response.status_code == 302
    action = plan.actions.get()
    assert action.reference == "1.1"
    assert str(action.milestones.get().due_date) == "2023-09-30"
