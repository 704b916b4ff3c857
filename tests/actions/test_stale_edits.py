"""A stale edit saved twice cannot put the first editor's change back: after the conflict
the form keeps only what this editor changed, takes the rest as it is now, and names
what the other person changed."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from actions.models import StatusUpdate
from tests import factories
from tests.html_forms import form_data, html_forms
from tests.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _opened(client: Client, url: str) -> dict[str, object]:
    (form,) = html_forms(client.get(url).content.decode())
    return form_data(form)


def _as(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def _conflict(world, url: str, theirs: dict, mine: dict, *, second: str = "county_admin"):
    """The coordinator and ``second`` open ``url``; the coordinator saves ``theirs``, then
    ``second`` posts ``mine`` over the copy they opened. Gives second's client and the
    response."""
    first_client, second_client = _as(world, "coordinator"), _as(world, second)
    first_opened, second_opened = _opened(first_client, url), _opened(second_client, url)
    assert first_client.post(url, first_opened | theirs).status_code == 302
    return second_client, second_client.post(url, second_opened | mine)


def _save_as_shown(client: Client, url: str, page: str) -> None:
    """Post the form the page shows, unchanged: it saves."""
    (shown,) = html_forms(page)
    assert client.post(url, form_data(shown)).status_code == 302


def test_a_second_save_after_a_conflict_keeps_their_change_and_mine(world):
    url = reverse("actions:edit", kwargs={"pk": world.action.pk})
    second, response = _conflict(
        world,
        url,
        {"desired_outcome": "Fewer repeat victims"},
        {"lead_text": "Domestic Abuse Group\r\nCSP Executive"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Someone else changed this action after you opened it: they changed "
        "“Desired outcome”. The form now has their “Desired outcome”." in page
    )
    form = response.context["form"]
    assert form.data["desired_outcome"] == "Fewer repeat victims"  # theirs, not my stale copy
    assert form.data["lead_text"] == "Domestic Abuse Group\r\nCSP Executive"  # mine

    # The second click saves the form as shown: their change stays, mine goes in.
    _save_as_shown(second, url, page)
    world.action.refresh_from_db()
    assert world.action.desired_outcome == "Fewer repeat victims"
    assert world.action.lead_text == "Domestic Abuse Group\nCSP Executive"


def test_a_field_both_changed_keeps_mine_and_says_so(world):
    url = reverse("actions:edit", kwargs={"pk": world.action.pk})
    second, response = _conflict(
        world, url, {"title": "Their words", "linked_to": "CSP"}, {"title": "My words"}
    )
    page = response.content.decode()
    assert "You changed “Action” too: yours is kept." in page
    assert "theirs is shown above" in page and "Their words" in page
    form = response.context["form"]
    assert form.data["title"] == "My words" and form.data["linked_to"] == "CSP"
    _save_as_shown(second, url, page)
    world.action.refresh_from_db()
    assert (world.action.title, world.action.linked_to) == ("My words", "CSP")


def test_a_stale_milestone_edit_keeps_only_what_this_editor_changed(world):
    url = reverse("actions:milestone_edit", kwargs={"pk": world.milestone.pk})
    second, response = _conflict(
        world, url, {"timescale": "Sept 23"}, {"description": "First milestone, reworded"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else changed this milestone after you opened it: they changed" in page
    assert "“Timescale”" in page
    _save_as_shown(second, url, page)
    world.milestone.refresh_from_db()
    assert world.milestone.timescale == "Sept 23"
    assert world.milestone.description == "First milestone, reworded"


def test_a_done_date_they_entered_is_shown_in_the_three_date_boxes(world):
    """The GOV.UK date input posts three boxes: the other person's date goes back into
    them, so the second save keeps it."""
    url = reverse("actions:milestone_edit", kwargs={"pk": world.milestone.pk})
    done = {"done_date_0": "3", "done_date_1": "9", "done_date_2": "2023"}
    second, response = _conflict(world, url, done, {"description": "First milestone, reworded"})
    assert response.status_code == 200
    form = response.context["form"]
    assert [form.data[f"done_date_{i}"] for i in range(3)] == ["3", "9", "2023"]
    _save_as_shown(second, url, response.content.decode())
    world.milestone.refresh_from_db()
    assert world.milestone.done_date == date(2023, 9, 3)
    assert world.milestone.description == "First milestone, reworded"


def test_a_stale_status_update_is_held_to_the_status_now(world):
    extra = factories.MilestoneFactory(action=world.action, description="Second milestone")
    url = reverse("actions:update", kwargs={"pk": world.action.pk})
    # The officer, who opened the page before the coordinator saved off track, says on
    # track and ticks the milestone already completed: they are told, and what they typed
    # is kept.
    second, response = _conflict(
        world,
        url,
        {"status": "off_track", "commentary": "Slipping", "milestones_completed": [extra.pk]},
        {"status": "on_track", "commentary": "All fine", "milestones_completed": [extra.pk]},
        second="officer",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved an update to this action after you opened it" in page
    assert "Slipping" in page and "All fine" in page
    form = response.context["form"]
    assert "milestones_completed" not in form.errors
    assert StatusUpdate.objects.count() == 1
    (shown,) = html_forms(page)
    # Saving again unchanged is refused: a change from their status needs a reason, so
    # theirs cannot be silently undone.
    response = second.post(url, form_data(shown))
    assert response.status_code == 200 and StatusUpdate.objects.count() == 1
    assert response.context["form"].errors["reason"] == ["Enter the reason the status changed"]
    response = second.post(url, form_data(shown) | {"reason": "Back on track after review"})
    assert response.status_code == 302
    latest = StatusUpdate.objects.order_by("-id").first()
    assert latest is not None
    assert (latest.previous_status, latest.status) == ("off_track", "on_track")
