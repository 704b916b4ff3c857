"""Sign-off, where the partnership wants it: an update waits as "submitted" until a
coordinator approves it or returns it with a comment; only approved updates count (the
current status, the exception report), and the history keeps both steps."""

import pytest
from django.urls import reverse

from actions.models import Action, UpdateReview
from actions.selectors import action_current_status, with_current_status
from actions.services import ReviewRefused, status_update_record, status_update_review
from csp_tracker.periods import Quarter
from plans.services import partnership_sign_off_set
from reporting.reminders import reminder_recipients
from reporting.snapshot import exception_report_snapshot
from tests import factories
from tests.world import build_world

pytestmark = pytest.mark.django_db

Q4 = Quarter(2023, 4)  # the test clock: 15 January 2024


@pytest.fixture
def world(db):
    world = build_world()
    partnership_sign_off_set(partnership=world.district, required=True)
    return world


def _update(world, status="on_track", **kwargs):
    return status_update_record(
        action=world.action,
        author=world.users["officer"],
        status=status,
        commentary=kwargs.pop("commentary", "Four of six sessions delivered"),
        reason=kwargs.pop("reason", "Started"),
        **kwargs,
    )


def _needs_update(world, include_waiting):
    return (
        with_current_status(
            Action.objects.filter(pk=world.action.pk), as_of=Q4, include_waiting=include_waiting
        )
        .get()
        .needs_update
    )


def test_an_update_waits_and_counts_once_approved(world):
    factories.MembershipFactory(
        partnership=world.district, role="officer", agency=world.action.lead_agencies.get()
    )
    update = _update(world)
    assert list(update.reviews.values_list("decision", flat=True)) == ["submitted"]
    # Not counted yet: no status, the report says "no update" and how many wait...
    assert action_current_status(action=world.action, as_of=Q4) == ""
    snapshot = exception_report_snapshot(partnership=world.district, quarter=Q4)
    assert snapshot["awaiting_sign_off"] == 1
    assert [a["reference"] for a in snapshot["exceptions"]["no_update"]] == ["1.1"]
    # ...but the officer has done their part: not chased.
    assert _needs_update(world, include_waiting=False)
    assert not _needs_update(world, include_waiting=True)
    assert all(world.action not in r.actions for r in reminder_recipients(quarter=Q4))

    status_update_review(update=update, reviewer=world.users["coordinator"], approve=True)
    assert action_current_status(action=world.action, as_of=Q4) == "on_track"
    snapshot = exception_report_snapshot(partnership=world.district, quarter=Q4)
    assert snapshot["awaiting_sign_off"] == 0
    assert snapshot["exceptions"]["no_update"] == []
    assert list(update.reviews.values_list("decision", flat=True)) == ["submitted", "approved"]


def test_a_returned_update_needs_a_comment_never_counts_and_is_chased_again(world):
    update = _update(world)
    with pytest.raises(Exception, match="Enter what needs to change"):
        status_update_review(update=update, reviewer=world.users["coordinator"], approve=False)
    status_update_review(
        update=update,
        reviewer=world.users["coordinator"],
        approve=False,
        comment="Say how many sessions are left",
    )
    assert action_current_status(action=world.action, as_of=Q4) == ""
    assert _needs_update(world, include_waiting=True)
    with pytest.raises(ReviewRefused, match="already"):
        status_update_review(update=update, reviewer=world.users["coordinator"], approve=True)


def test_without_sign_off_an_update_is_live_at_once(world):
    partnership_sign_off_set(partnership=world.district, required=False)
    update = _update(world)
    assert not update.reviews.exists()
    assert action_current_status(action=world.action, as_of=Q4) == "on_track"
    with pytest.raises(ReviewRefused, match="does not wait"):
        status_update_review(update=update, reviewer=world.users["coordinator"], approve=True)


def test_the_pages_approve_return_and_show_both_steps(client, world):
    update = _update(world)
    client.force_login(world.users["coordinator"])
    listing = client.get(reverse("actions:sign_off", kwargs={"slug": world.district.slug}))
    assert [u.pk for u in listing.context["updates"]] == [update.pk]
    url = reverse("actions:review", kwargs={"pk": update.pk})
    errors = client.post(url, {}).context["form"].errors
    assert errors["decision"] == ["Select whether to approve the update or return it"]
    errors = client.post(url, {"decision": "return"}).context["form"].errors
    assert errors["comment"] == ["Enter what needs to change"]
    response = client.post(url, {"decision": "return", "comment": "Add the numbers"})
    assert response.status_code == 302
    assert update.reviews.get(decision="returned").reviewer == world.users["coordinator"]
    # The officer sees why on the form and in the history.
    client.force_login(world.users["officer"])
    form = client.get(reverse("actions:update", kwargs={"pk": world.action.pk}))
    text = form.content.decode()
    assert "Returned" in text and "Add the numbers" in text
    detail = client.get(reverse("actions:detail", kwargs={"pk": world.action.pk}))
    text = detail.content.decode()
    assert "Submitted" in text and "Returned" in text and "Add the numbers" in text
    # A second update, approved through the page.
    world.action.refresh_from_db()
    second = _update(world, commentary="Four of six, two left in March")
    client.force_login(world.users["coordinator"])
    page = client.get(reverse("actions:review", kwargs={"pk": second.pk}))
    assert page.context["since"].last is None  # the returned one never counted
    assert (
        client.post(
            reverse("actions:review", kwargs={"pk": second.pk}), {"decision": "approve"}
        ).status_code
        == 302
    )
    assert UpdateReview.objects.filter(update=second, decision="approved").exists()
    again = client.post(reverse("actions:review", kwargs={"pk": second.pk}), {"decision": "return"})
    assert again.status_code == 200 and "This update was approved" in again.content.decode()


def test_query_counts_of_the_sign_off_pages(client, world, django_assert_max_num_queries):
    update = _update(world)
    client.force_login(world.users["coordinator"])
    url = reverse("actions:sign_off", kwargs={"slug": world.district.slug})
    with django_assert_max_num_queries(10):
        client.get(url)
    for n in range(5):
        action = factories.ActionFactory(
            priority=world.action.priority, plan=world.action.plan, reference=f"1.{n + 2}"
        )
        status_update_record(
            action=action, author=world.users["officer"], status="on_track", commentary="ok"
        )
    with django_assert_max_num_queries(10):
        assert len(client.get(url).context["updates"]) == 6
    with django_assert_max_num_queries(15):
        client.get(reverse("actions:review", kwargs={"pk": update.pk}))


def test_a_sign_off_step_is_history_too(world):
    from django.db import DatabaseError, transaction

    update = _update(world)
    step = update.reviews.get()
    with pytest.raises(DatabaseError, match="history"), transaction.atomic():
        UpdateReview.objects.filter(pk=step.pk).update(decision="approved")
    with pytest.raises(DatabaseError, match="history"), transaction.atomic():
        UpdateReview.objects.filter(pk=step.pk).delete()
