import pytest

from actions.models import Action, StatusUpdate
from actions.services import (
    ActionData,
    MilestoneData,
    StaleEdit,
    action_update,
    milestone_update,
    status_update_record,
)
from csp_tracker.periods import Quarter
from tests import factories

pytestmark = pytest.mark.django_db


def test_status_update_records_previous_status_and_quarter(officer):
    action = factories.ActionFactory()
    first = status_update_record(
        action=action, author=officer, status="on_track", commentary="Started"
    )
    second = status_update_record(
        action=action,
        author=officer,
        status="at_risk",
        commentary="Slipping",
        reason="Staff off sick",
    )
    assert first.previous_status == ""
    assert second.previous_status == "on_track"
    assert (second.financial_year, second.quarter) == (2023, 4)  # the clock: 15 January 2024


def test_completing_a_milestone_sets_its_done_date(officer):
    milestone = factories.MilestoneFactory()
    status_update_record(
        action=milestone.action,
        author=officer,
        status="on_track",
        commentary="Done",
        milestones_completed=[milestone],
        quarter=Quarter(2023, 3),
    )
    milestone.refresh_from_db()
    assert str(milestone.done_date) == "2024-01-15"
    assert milestone.history.count() == 2


def test_a_milestone_of_another_action_is_refused(officer):
    action = factories.ActionFactory()
    foreign = factories.MilestoneFactory()
    with pytest.raises(ValueError, match="another action"):
        status_update_record(
            action=action,
            author=officer,
            status="on_track",
            commentary="x",
            milestones_completed=[foreign],
        )
    assert not StatusUpdate.objects.exists()


def test_unknown_status_is_refused(officer):
    with pytest.raises(ValueError):
        status_update_record(
            action=factories.ActionFactory(), author=officer, status="purple", commentary="x"
        )


def test_stale_status_update_is_refused_and_history_kept(officer, coordinator):
    action = factories.ActionFactory()
    opened = action.updates_version
    status_update_record(
        action=action,
        author=coordinator,
        status="on_track",
        commentary="Mine first",
        expected_version=opened,
    )
    with pytest.raises(StaleEdit):
        status_update_record(
            action=action,
            author=officer,
            status="off_track",
            commentary="Second",
            expected_version=opened,
        )
    assert list(StatusUpdate.objects.values_list("commentary", flat=True)) == ["Mine first"]


def _data(action, **changes):
    values = dict(
        reference=action.reference,
        title=action.title,
        priority=action.priority,
        desired_outcome=action.desired_outcome,
    )
    values.update(changes)
    return ActionData(**values)


def test_action_edit_is_recorded_in_history_with_who(coordinator):
    action = factories.ActionFactory(title="Old words")
    action_update(
        action=action,
        data=_data(action, title="New words"),
        expected_version=action.lock_version,
        user=coordinator,
    )
    latest = action.history.latest()
    assert latest.title == "New words"
    assert latest.history_user == coordinator
    assert action.history.earliest().title == "Old words"


def test_stale_action_edit_is_refused(coordinator, county_admin):
    action = factories.ActionFactory(title="Old words")
    opened = action.lock_version
    action_update(
        action=action, data=_data(action, title="First"), expected_version=opened, user=coordinator
    )
    with pytest.raises(StaleEdit) as caught:
        action_update(
            action=action,
            data=_data(action, title="Second"),
            expected_version=opened,
            user=county_admin,
        )
    assert isinstance(caught.value.current, Action)
    assert caught.value.current.title == "First"
    action.refresh_from_db()
    assert action.title == "First"


def test_milestone_edit_rederives_the_due_date_and_refuses_stale_edits(coordinator):
    milestone = factories.MilestoneFactory(timescale="Ongoing")
    opened = milestone.lock_version
    milestone_update(
        milestone=milestone,
        data=MilestoneData(description="Event", timescale="Sept 23"),
        expected_version=opened,
        user=coordinator,
    )
    milestone.refresh_from_db()
    assert str(milestone.due_date) == "2023-09-30"
    assert milestone.timescale_kind == "due"
    with pytest.raises(StaleEdit):
        milestone_update(
            milestone=milestone, data=MilestoneData(description="Other"), expected_version=opened
        )


def test_a_change_of_status_needs_a_reason_whoever_records_it(officer):
    """The rule is the service's: a form, a task, the admin or the shell cannot skip it."""
    from django.core.exceptions import ValidationError

    action = factories.ActionFactory()
    status_update_record(action=action, author=officer, status="on_track", commentary="Fine")
    with pytest.raises(ValidationError) as refused:
        status_update_record(action=action, author=officer, status="off_track", commentary="No")
    assert refused.value.error_dict["reason"][0].code == "reason_required"
    assert "from On track to Off track needs a reason" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        status_update_record(action=action, author=officer, status="on_track", commentary=" ")
    assert list(refused.value.error_dict) == ["commentary"]
    assert StatusUpdate.objects.count() == 1
    action.refresh_from_db()
    assert action.updates_version == 1  # the refusals claimed nothing
    status_update_record(action=action, author=officer, status="on_track", commentary="Same")
    status_update_record(
        action=action, author=officer, status="off_track", commentary="No", reason="Cut"
    )
    assert StatusUpdate.objects.count() == 3


def test_an_action_sits_under_a_heading_of_its_own_plan(coordinator):
    from django.core.exceptions import ValidationError

    from actions.services import action_create

    action = factories.ActionFactory()
    elsewhere = factories.PriorityFactory()
    with pytest.raises(ValidationError) as refused:
        action_create(plan=action.plan, data=_data(action, reference="1.9", priority=elsewhere))
    assert list(refused.value.error_dict) == ["priority"]
    with pytest.raises(ValidationError):
        action_update(
            action=action,
            data=_data(action, priority=elsewhere),
            expected_version=action.lock_version,
        )
