import pytest

from actions import selectors
from tests import factories
from tests.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def test_officer_updates_only_what_their_agency_leads(world):
    officer, other_officer = world.users["officer"], world.users["officer_not_lead"]
    assert officer.has_perm("actions.add_statusupdate", world.action)
    assert not other_officer.has_perm("actions.add_statusupdate", world.action)
    assert not officer.has_perm("actions.change_action", world.action)


def test_leading_one_milestone_is_enough_to_update(world):
    officer = world.users["officer_not_lead"]
    agency = officer.memberships.get().agency
    world.milestone.lead = agency
    world.milestone.save()
    action = selectors.action_get(user=officer, pk=world.action.pk)
    assert officer.has_perm("actions.add_statusupdate", action)


def test_executive_reads_but_does_not_write(world):
    executive = world.users["executive"]
    assert executive.has_perm("actions.view_action", world.action)
    assert not executive.has_perm("actions.add_statusupdate", world.action)
    assert not executive.has_perm("actions.change_action", world.action)


def test_selectors_return_only_visible_partnerships(world):
    coordinator = world.users["coordinator"]
    assert set(selectors.action_queryset(user=coordinator)) == {world.action}
    assert set(selectors.action_queryset(user=world.users["other_coordinator"])) == {
        world.other_action
    }
    assert set(selectors.action_queryset(user=world.users["county_admin"])) == {world.action}
    superuser = factories.UserFactory(is_superuser=True)
    assert set(selectors.action_queryset(user=superuser)) == {world.action, world.other_action}


def test_my_actions_lists_what_the_agency_leads_with_overdue_milestones(world):
    for description, timescale, due in [
        ("Late one", "Sept 23", "2023-09-30"),
        ("Soon", "March 24", "2024-03-31"),
    ]:
        factories.MilestoneFactory(
            action=world.action,
            description=description,
            timescale=timescale,
            timescale_kind="due",
            due_date=due,
        )
    work = selectors.my_actions(user=world.users["officer"])
    assert [a.pk for a in work.actions] == [world.action.pk]
    assert [m.description for m in work.milestones_overdue] == ["Late one"]
    assert [m.description for m in work.milestones_due] == ["Soon"]
    assert selectors.my_actions(user=world.users["officer_not_lead"]).actions == []


def test_a_superseded_plan_is_the_record_of_a_past_year(world, client):
    from django.urls import reverse

    from plans.models import Plan

    Plan.objects.filter(pk=world.plan.pk).update(status=Plan.Status.SUPERSEDED)
    world.action.refresh_from_db()
    coordinator = world.users["coordinator"]
    for perm in ["actions.add_statusupdate", "actions.change_action", "actions.add_milestone"]:
        assert not coordinator.has_perm(perm, world.action), perm
    assert not world.users["officer"].has_perm("actions.add_statusupdate", world.action)
    assert coordinator.has_perm("actions.view_action", world.action)
    client.force_login(coordinator)
    pk = {"pk": world.action.pk}
    assert client.get(reverse("actions:detail", kwargs=pk)).status_code == 200
    for name in ["actions:update", "actions:edit", "actions:milestone_add"]:
        assert client.get(reverse(name, kwargs=pk)).status_code == 403, name
    milestone = {"pk": world.milestone.pk}
    assert client.get(reverse("actions:milestone_edit", kwargs=milestone)).status_code == 403
