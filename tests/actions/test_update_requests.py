"""Update requests: a coordinator sends a lead's contact without an account a signed link
that works once, until the round's report is built, for just the listed actions."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from actions.models import StatusUpdate, UpdateRequest
from actions.request_links import update_request_token
from actions.services import (
    RequestedUpdate,
    update_request_create,
    update_request_submit,
)
from csp_tracker import clock
from csp_tracker.periods import Quarter
from reporting.models import EmailDelivery
from tests import factories
from tests.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def _send(client, world, django_capture_on_commit_callbacks, **data):
    client.force_login(world.users["coordinator"])
    lead = world.action.lead_agencies.get()
    url = reverse(
        "reporting:request_update", kwargs={"slug": world.district.slug, "agency": lead.pk}
    )
    body = {
        "contact_name": "Sam Lead",
        "contact_email": "sam.lead@council.example",
        "actions": [str(world.action.pk)],
    } | data
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(url, body)


def _link_in(message) -> str:
    found = re.search(r"https?://\S+/actions/requests/\d+/\w+/", str(message.body))
    assert found, message.body
    return found.group(0)


def _path(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def _answer(action, **data):
    prefix = f"action-{action.pk}"
    return {
        f"{prefix}-status": "on_track",
        f"{prefix}-commentary": "Four of six sessions delivered",
        f"{prefix}-updates_version": str(action.updates_version),
    } | data


def test_a_coordinator_sends_a_link_the_lead_submits_once(
    client, world, django_capture_on_commit_callbacks
):
    response = _send(client, world, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    request = UpdateRequest.objects.get()
    assert (request.financial_year, request.quarter) == (2023, 4)
    # Until the report of the round is built, 5 April 2024 (the default calendar).
    assert timezone.localtime(request.expires_at).isoformat().startswith("2024-04-05T00:00")
    delivery = EmailDelivery.objects.get(kind="update_request")
    # The table keeps no link that works: it is made when the email is sent.
    assert "{link}" in delivery.body and update_request_token(request) not in delivery.body
    assert [m.to for m in mail.outbox] == [["sam.lead@council.example"]]
    link = _link_in(mail.outbox[0])
    assert update_request_token(request) in link

    client.logout()
    page = client.get(_path(link))
    assert page.status_code == 200
    assert [f.action for f in page.context["forms"]] == [world.action]
    response = client.post(_path(link), _answer(world.action))
    assert response.status_code == 200
    assert "Your updates were sent" in response.content.decode()
    update = StatusUpdate.objects.get()
    assert update.author is None and update.request == request
    assert "Sam Lead" in update.author_name and "sam.lead@council.example" in update.author_name
    assert (update.financial_year, update.quarter) == (2023, 4)

    # Used: refused a second time, GET or POST.
    assert client.get(_path(link)).status_code == 410
    again = client.post(_path(link), _answer(world.action))
    assert again.status_code == 410 and "already been used" in again.content.decode()
    assert StatusUpdate.objects.count() == 1


def test_a_tampered_or_borrowed_token_does_not_work(client, world):
    request = _request(world)
    token = update_request_token(request)
    url = reverse("actions:request", kwargs={"pk": request.pk, "token": token[:-1] + "0"})
    if token.endswith("0"):
        url = reverse("actions:request", kwargs={"pk": request.pk, "token": token[:-1] + "1"})
    assert client.get(url).status_code == 404
    other = _request(world)
    borrowed = reverse("actions:request", kwargs={"pk": other.pk, "token": token})
    assert client.get(borrowed).status_code == 404
    assert client.post(borrowed, _answer(world.action)).status_code == 404
    assert not StatusUpdate.objects.exists()


def _request(world, **kwargs):
    values = {
        "partnership": world.district,
        "agency": world.action.lead_agencies.get(),
        "contact_name": "Sam Lead",
        "contact_email": "sam.lead@council.example",
        "actions": [world.action],
        "quarter": Quarter(2023, 4),
        "expires_at": clock.now() + timedelta(days=10),
        "sent_by": world.users["coordinator"],
    } | kwargs
    return update_request_create(**values)


def _url(request):
    return reverse(
        "actions:request", kwargs={"pk": request.pk, "token": update_request_token(request)}
    )


def test_an_expired_link_is_refused(client, world):
    request = _request(world, expires_at=clock.now() - timedelta(minutes=1))
    response = client.get(_url(request))
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert client.post(_url(request), _answer(world.action)).status_code == 410
    assert not StatusUpdate.objects.exists()


def test_the_link_reaches_no_other_action(client, world):
    request = _request(world)
    other = world.other_action
    # Fields for another action are ignored: only the request's action is recorded.
    data = _answer(world.action) | _answer(other)
    assert client.post(_url(request), data).status_code == 200
    assert list(StatusUpdate.objects.values_list("action_id", flat=True)) == [world.action.pk]
    # The service refuses any other action outright.
    second = _request(world)
    with pytest.raises(ValueError, match="own actions"):
        update_request_submit(
            update_request=second,
            updates=[RequestedUpdate(action=other, status="on_track", commentary="x")],
        )
    # And the signed-in pages stay closed to the link's holder.
    page = client.get(reverse("actions:update", kwargs={"pk": world.action.pk}))
    assert page.status_code == 302 and page["Location"].startswith(reverse("accounts:login"))


def test_a_request_cannot_name_another_partnerships_action_or_someone_with_an_account(world):
    with pytest.raises(ValidationError) as refused:
        _request(world, actions=[world.other_action])
    assert "actions" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _request(world, contact_email=world.users["officer"].email)
    assert "has an account" in refused.value.message_dict["contact_email"][0]
    not_lead = factories.AgencyFactory(short_name="Not the lead")
    with pytest.raises(ValidationError):
        _request(world, agency=not_lead)


def test_an_update_is_checked_like_any_other_and_nothing_kept_when_refused(client, world):
    from actions.services import status_update_record

    status_update_record(
        action=world.action,
        author=world.users["officer"],
        status="on_track",
        commentary="Q3",
        quarter=Quarter(2023, 3),
    )
    request = _request(world)
    world.action.refresh_from_db()
    prefix = f"action-{world.action.pk}"
    response = client.post(
        _url(request), _answer(world.action, **{f"{prefix}-status": "off_track"})
    )
    assert response.status_code == 200
    form = response.context["forms"][0]
    assert "Enter the reason the status changed" in form.errors["reason"]
    assert StatusUpdate.objects.count() == 1
    request.refresh_from_db()
    assert request.used_at is None
    blank = client.post(_url(request), {})
    assert blank.context["forms"][0].errors["commentary"] == ["Enter a commentary"]


def test_the_send_page_words_each_mistake(client, world, django_capture_on_commit_callbacks):
    response = _send(
        client,
        world,
        django_capture_on_commit_callbacks,
        contact_name="",
        contact_email="not an email",
        actions=[],
    )
    errors = response.context["form"].errors
    assert errors["contact_name"] == ["Enter the name of the person to ask"]
    assert errors["contact_email"] == [
        "Enter an email address in the correct format, like name@example.com"
    ]
    assert errors["actions"] == ["Select at least one action"]
    response = _send(
        client, world, django_capture_on_commit_callbacks, actions=[str(world.other_action.pk)]
    )
    assert response.context["form"].errors["actions"] == [
        "Select only actions of this lead that still need an update"
    ]
    response = _send(
        client,
        world,
        django_capture_on_commit_callbacks,
        contact_email=world.users["officer"].email,
    )
    assert "has an account" in response.context["form"].errors["contact_email"][0]
    assert not UpdateRequest.objects.exists()


def test_query_counts_of_the_link_and_the_send_page(client, world, django_assert_max_num_queries):
    request = _request(world)
    with django_assert_max_num_queries(8):
        assert client.get(_url(request)).status_code == 200
    client.force_login(world.users["coordinator"])
    lead = world.action.lead_agencies.get()
    url = reverse(
        "reporting:request_update", kwargs={"slug": world.district.slug, "agency": lead.pk}
    )
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200
