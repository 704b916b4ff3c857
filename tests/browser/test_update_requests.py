"""An update request in the browser: a coordinator sends a link to a lead's contact
without an account; they submit through it; the link then refuses a second use and
reaches nothing else; the update waits for sign-off and, approved, shows with the
contact's name."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from actions.models import StatusUpdate
from plans.services import partnership_sign_off_set
from tests.world import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTACT = "sam.lead@council.example"


@pytest.fixture
def world(transactional_db):
    world = build_world()
    partnership_sign_off_set(partnership=world.district, required=True)
    return world


def _link_path() -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == [CONTACT])
    found = re.search(r"https?://[^/\s]+(/actions/requests/\d+/\w+/)", str(message.body))
    assert found, message.body
    return found.group(1)


def test_a_lead_without_an_account_updates_through_a_link_once(site, another_site, world):
    coordinator = world.users["coordinator"]
    site.sign_in(coordinator.email, PASSWORD)
    site.goto(reverse("reporting:missing", kwargs={"slug": world.district.slug}))
    assert world.action.title in site.page.inner_text("[data-testid=missing]")
    site.click(site.page.get_by_role("link", name="Send an update request to Swale BC").first)
    # Nothing entered: the GOV.UK errors.
    site.click(site.page.get_by_role("button", name="Send the link").first)
    assert "Enter the name of the person to ask" in site.page.inner_text(".govuk-error-summary")
    site.page.get_by_label("Their name").fill("Sam Lead")
    site.page.get_by_label("Their email address").fill(CONTACT)
    site.click(site.page.get_by_role("button", name="Send the link").first)
    assert f"An update request was sent to {CONTACT}" in site.page.inner_text(
        ".govuk-notification-banner"
    )

    # The contact, signed out in a browser of their own, opens the link.
    path = _link_path()
    contact = another_site
    contact.goto(path)
    page = contact.page
    assert "Hello Sam Lead" in page.inner_text("main")
    # Nothing entered: the errors.
    contact.click(contact.page.get_by_role("button", name="Send the updates").first)
    assert "Enter a commentary" in page.inner_text(".govuk-error-summary")
    page.get_by_label("On track").check()
    page.get_by_label("Commentary").fill("Four of six sessions delivered to over 300 attendees")
    contact.click(contact.page.get_by_role("button", name="Send the updates").first)
    assert "Your updates were sent" in page.inner_text("h1")

    # Once only, and nothing else.
    contact.goto(path)
    assert "This link has already been used" in page.inner_text("h1")
    tampered = path[:-2] + ("0/" if path[-2] != "0" else "1/")
    contact.goto(tampered)
    assert "This link does not work" in page.inner_text("h1")
    page.goto(contact.base_url + reverse("actions:update", kwargs={"pk": world.other_action.pk}))
    assert page.url.startswith(contact.base_url + reverse("accounts:login"))
    assert StatusUpdate.objects.count() == 1

    # It waits for sign-off; the coordinator approves it.
    site.goto(reverse("reporting:partnership", kwargs={"slug": world.district.slug}))
    site.click(site.page.get_by_role("link", name="Updates awaiting sign-off").first)
    assert "Sam Lead" in site.page.inner_text("[data-testid=awaiting]")
    site.click(site.page.get_by_role("link", name="Sign off the update on action 1.1").first)
    # Nothing chosen: the error.
    site.click(site.page.get_by_role("button", name="Save the sign-off").first)
    assert "Select whether to approve" in site.page.inner_text(".govuk-error-summary")
    site.page.get_by_label("Approve it").check()
    site.click(site.page.get_by_role("button", name="Save the sign-off").first)
    assert "was approved" in site.page.inner_text(".govuk-notification-banner")
    assert "No update is waiting" in site.page.inner_text("main")

    # The update shows under the contact's name, with both steps.
    site.goto(reverse("actions:detail", kwargs={"pk": world.action.pk}))
    history = site.page.inner_text("[data-testid=update]")
    assert "Sam Lead" in history and CONTACT in history
    assert "Submitted" in history and "Approved" in history
    assert "On track" in site.page.inner_text("main p.govuk-body")
