"""After "Start the next refresh": each carried action keeps its last status on every page
and in the report, appears once in "Your actions", asks for the right quarter's update,
and a change of its status still needs a reason."""

from datetime import date, datetime, time

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, StatusUpdate
from actions.services import status_update_record
from csp_tracker.periods import Quarter
from plans.models import Plan
from reporting import reminders
from reporting.snapshot import exception_report_snapshot
from tests import factories

pytestmark = pytest.mark.django_db

Q3, Q4 = Quarter(2023, 3), Quarter(2023, 4)
NEXT_Q1 = Quarter(2024, 1)


def _record(action, quarter, status, author, reason=""):
    when = timezone.make_aware(datetime.combine(quarter.end.replace(day=10), time(9)))
    return status_update_record(
        action=action,
        author=author,
        status=status,
        commentary=f"{status} in {quarter}",
        reason=reason or f"Now {status}",
        quarter=quarter,
        created_at=when,
    )


@pytest.fixture
def plan(district, agency):
    district.agencies.add(agency)
    return factories.PlanFactory(
        partnership=district, title="Swale Community Safety Plan 2023/24", status="published"
    )


@pytest.fixture
def refreshed(plan, agency, officer, coordinator, settings):
    """A published 2023/24 plan of four actions, refreshed from its page in January 2024."""
    settings.CSP_TODAY = "2024-01-15"
    priority = factories.PriorityFactory(plan=plan, number=1, title="Domestic abuse")

    def action(reference: str, title: str) -> Action:
        return factories.ActionFactory(
            plan=plan, priority=priority, reference=reference, title=title, lead_agencies=[agency]
        )

    off = action("1.1", "Run the Know See Speak Out campaign")
    fine = action("1.2", "Hold the meet the professional event")
    done = action("1.3", "Map domestic abuse services")
    late = action("1.4", "Train the night-time economy staff")
    factories.MilestoneFactory(
        action=late,
        description="Staff trained",
        timescale="Sept 23",
        timescale_kind="due",
        due_date=date(2023, 9, 30),
    )
    _record(off, Q3, "on_track", officer)
    _record(off, Q4, "off_track", officer, reason="The venue closed")
    _record(fine, Q3, "on_track", officer)
    _record(done, Q3, "completed", officer)
    _record(late, Q3, "at_risk", officer)
    client = Client()
    client.force_login(coordinator)
    response = client.post(reverse("publishing:refresh", kwargs={"pk": plan.pk}))
    assert response.status_code == 302
    new = Plan.objects.get(previous=plan)
    carried = {
        a.carried_from.reference if a.carried_from else "": a
        for a in new.actions.select_related("carried_from")
    }
    assert sorted(carried) == ["1.1", "1.2", "1.4"]  # completed 1.3 stays behind
    return {
        "old": plan,
        "new": new,
        "carried": carried,
        "last": {
            "1.1": ("off_track", "Off track"),
            "1.2": ("on_track", "On track"),
            "1.4": ("at_risk", "At risk"),
        },
    }


def _officer(officer) -> Client:
    client = Client()
    client.force_login(officer)
    return client


def _my_actions(client):
    response = client.get(reverse("actions:mine"))
    assert response.status_code == 200
    return response.context["work"], response.content.decode()


def test_before_next_year_the_old_plan_is_in_force_and_each_action_is_listed_once(
    refreshed, officer
):
    """January 2024, the refresh drafted: 2023/24 Q4 updates go to the 2023/24 plan."""
    work, page = _my_actions(_officer(officer))
    assert str(work.quarter) == "2023/24 Q4"
    assert sorted(a.reference for a in work.actions) == ["1.1", "1.2", "1.3", "1.4"]
    assert {a.plan_id for a in work.actions} == {refreshed["old"].pk}
    assert [m.description for m in work.milestones_overdue] == ["Staff trained"]
    for reference in ["1.1", "1.2", "1.4"]:
        title = refreshed["carried"][reference].title
        assert page.count(title) == 1, title
    # The draft's carried actions already show their history's status.
    for reference, (status, label) in refreshed["last"].items():
        carried = refreshed["carried"][reference]
        detail = _officer(officer).get(reverse("actions:detail", kwargs={"pk": carried.pk}))
        assert detail.context["action"].current_status == status
        assert f">{label}</strong>" in detail.content.decode()


def test_in_the_new_year_every_carried_action_keeps_its_status_everywhere(
    refreshed, officer, settings, django_assert_max_num_queries
):
    settings.CSP_TODAY = "2024-05-15"  # 2024/25 Q1: the draft 2024/25 plan is in force
    client = _officer(officer)
    _my_actions(client)
    with django_assert_max_num_queries(11):  # as for an action that was never carried
        work, page = _my_actions(client)
    carried, last = refreshed["carried"], refreshed["last"]

    # Your actions: each carried action once, from the new plan, asking for 2024/25 Q1.
    assert str(work.quarter) == "2024/25 Q1"
    assert sorted(a.pk for a in work.actions) == sorted(a.pk for a in carried.values())
    assert "2024/25 Q1 update" in page
    for action in carried.values():
        assert page.count(action.title) == 1, action.title
        assert reverse("actions:update", kwargs={"pk": action.pk}) in page
        assert reverse("actions:update", kwargs={"pk": action.carried_from_id}) not in page
    shown = {a.reference: (a.current_status, a.needs_update) for a in work.actions}
    assert shown == {ref: (status, True) for ref, (status, _) in last.items()}
    assert [(m.description, m.action_id) for m in work.milestones_overdue] == [
        ("Staff trained", carried["1.4"].pk)
    ]

    # The action list, each action's page and its update form.
    listed = client.get(reverse("actions:list") + f"?plan={refreshed['new'].pk}")
    rows = {a.reference: a.current_status for a in listed.context["page"].object_list}
    assert rows == {ref: status for ref, (status, _) in last.items()}
    for reference, (status, label) in last.items():
        action = carried[reference]
        detail = client.get(reverse("actions:detail", kwargs={"pk": action.pk}))
        assert detail.context["action"].current_status == status
        assert 'Status: <strong class="govuk-tag' in detail.content.decode()
        assert f">{label}</strong>" in detail.content.decode()
        assert "Record the 2024/25 Q1 update" in detail.content.decode()
        form = client.get(reverse("actions:update", kwargs={"pk": action.pk}))
        assert form.context["action"].current_status == status
        assert form.context["quarter"] == NEXT_Q1
        assert f">{label}</strong>" in form.content.decode()
        assert "2024/25 Q1 update" in form.content.decode()

    # The report of the new quarter: every carried action once, waiting for its update,
    # with its last status; the overdue milestone once.
    snapshot = exception_report_snapshot(
        partnership=refreshed["new"].partnership, quarter=NEXT_Q1, today=date(2024, 5, 15)
    )
    assert snapshot["action_count"] == 3
    waiting = {
        i["id"]: (i["last_status"], i["last_quarter"]) for i in snapshot["exceptions"]["no_update"]
    }
    last_quarter = {"1.1": "2023/24 Q4", "1.2": "2023/24 Q3", "1.4": "2023/24 Q3"}
    assert waiting == {
        carried[ref].pk: (status, last_quarter[ref]) for ref, (status, _) in last.items()
    }
    overdue = snapshot["exceptions"]["overdue_milestones"]
    assert [(m["id"], m["milestone"]) for m in overdue] == [(carried["1.4"].pk, "Staff trained")]

    # The reminders of the new quarter: each carried action once.
    reminded = [a.pk for r in reminders.reminder_recipients(quarter=NEXT_Q1) for a in r.actions]
    assert sorted(reminded) == sorted(a.pk for a in carried.values())


def test_a_change_of_status_on_a_carried_action_still_needs_a_reason(refreshed, officer, settings):
    settings.CSP_TODAY = "2024-05-15"
    client = _officer(officer)
    action = refreshed["carried"]["1.1"]  # off track in 2023/24 Q4, in the old plan
    url = reverse("actions:update", kwargs={"pk": action.pk})
    body = {"status": "on_track", "commentary": "Back on track", "updates_version": 0}
    response = client.post(url, body)
    assert response.status_code == 200
    assert "Enter the reason the status changed" in response.context["form"].errors["reason"]
    assert "Enter the reason the status changed" in response.content.decode()
    assert not StatusUpdate.objects.filter(action=action).exists()
    response = client.post(url, body | {"reason": "A new venue was found"})
    assert response.status_code == 302
    update = StatusUpdate.objects.get(action=action)
    assert (update.previous_status, update.status) == ("off_track", "on_track")
    assert (update.financial_year, update.quarter) == (2024, 1)
    # The same status again needs no reason.
    response = client.post(url, body | {"updates_version": 1, "commentary": "Still fine"})
    assert response.status_code == 302


def test_once_the_refresh_is_published_only_the_new_plan_is_in_force(
    refreshed, officer, settings, django_capture_on_commit_callbacks
):
    settings.CSP_TODAY = "2024-05-15"
    old, new = refreshed["old"], refreshed["new"]
    Plan.objects.filter(pk=new.pk).update(status=Plan.Status.PUBLISHED)
    Plan.objects.filter(pk=old.pk).update(status=Plan.Status.SUPERSEDED)
    work, _ = _my_actions(_officer(officer))
    assert sorted(a.pk for a in work.actions) == sorted(a.pk for a in refreshed["carried"].values())
    assert len(work.milestones_overdue) == 1
    settings.CSP_TODAY = "2024-06-16"  # 14 days before the Q1 deadline
    from reporting.services import update_reminders_send

    with django_capture_on_commit_callbacks(execute=True):  # the email is sent after the commit
        assert update_reminders_send() == 1
    body = mail.outbox[0].body
    for action in refreshed["carried"].values():
        assert body.count(action.title) == 1
