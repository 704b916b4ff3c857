import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from actions.models import Action, StatusUpdate, StatusUpdateMilestone
from actions.services import status_update_record
from tests import factories

pytestmark = pytest.mark.django_db


def test_duplicate_reference_in_a_plan_is_refused_by_the_database():
    action = factories.ActionFactory(reference="1.3")
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(
            plan=action.plan, priority=action.priority, reference="1.3", title="Again"
        )


def test_same_reference_in_another_plan_is_fine():
    action = factories.ActionFactory(reference="1.3")
    other = factories.ActionFactory(reference="1.3")
    assert other.plan != action.plan


def test_action_with_both_priority_and_theme_is_refused():
    action = factories.ActionFactory()
    theme = factories.ThemeFactory(plan=action.plan)
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(theme=theme)


def test_action_with_neither_priority_nor_theme_is_refused():
    action = factories.ActionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(priority=None)


def test_constraint_messages_reach_validation():
    action = factories.ActionFactory()
    action.priority = None
    with pytest.raises(ValidationError, match="exactly one priority or theme"):
        action.full_clean()


def _update(officer, *, with_milestone=True):
    action = factories.ActionFactory()
    milestones = [factories.MilestoneFactory(action=action)] if with_milestone else []
    return status_update_record(
        action=action,
        author=officer,
        status="on_track",
        commentary="Going well",
        milestones_completed=milestones,
    )


def test_update_of_a_status_update_fails_at_the_database(officer):
    update = _update(officer)
    with pytest.raises(DatabaseError, match="history"), transaction.atomic():
        StatusUpdate.objects.filter(pk=update.pk).update(commentary="Rewritten")
    with (
        pytest.raises(DatabaseError, match="history"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE actions_statusupdate SET status = 'completed'")
    update.refresh_from_db()
    assert update.commentary == "Going well"


def test_delete_of_a_status_update_fails_at_the_database(officer):
    update = _update(officer, with_milestone=False)
    with pytest.raises(DatabaseError, match="history"), transaction.atomic():
        StatusUpdate.objects.filter(pk=update.pk).delete()
    with (
        pytest.raises(DatabaseError, match="history"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM actions_statusupdate")
    assert StatusUpdate.objects.filter(pk=update.pk).exists()


def test_completed_milestones_of_an_update_cannot_be_removed(officer):
    update = _update(officer)
    with pytest.raises(DatabaseError, match="history"), transaction.atomic():
        StatusUpdateMilestone.objects.filter(update=update).delete()
    assert update.milestones_completed.count() == 1


def test_an_action_with_history_cannot_be_deleted(officer):
    update = _update(officer)
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        update.action.delete()


@pytest.mark.parametrize(
    ("quarter", "status"),
    [
        pytest.param(5, "on_track", id="invalid-quarter"),
        pytest.param(3, "purple", id="unknown-status"),
    ],
)
def test_an_invalid_update_is_refused_by_the_database(officer, quarter, status):
    update = _update(officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusUpdate.objects.create(
            action=update.action,
            financial_year=2023,
            quarter=quarter,
            status=status,
            commentary="x",
            author=officer,
            created_at=update.created_at,
        )


@pytest.mark.parametrize(
    ("status", "colour", "words"),
    [
        ("on_track", "govuk-tag--green", "On track"),
        ("at_risk", "govuk-tag--orange", "At risk"),
        ("off_track", "govuk-tag--red", "Off track"),
        ("completed", "govuk-tag--blue", "Completed"),
        ("not_started", "govuk-tag--grey", "Not started"),
        ("", "govuk-tag--grey", "No update yet"),
    ],
)
def test_status_is_a_tag_with_words_never_colour_alone(status, colour, words):
    from actions.templatetags.actions_tags import status_tag

    html = str(status_tag(status))
    assert colour in html and f">{words}<" in html
