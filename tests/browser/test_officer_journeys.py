import re

import pytest
from django.urls import reverse

from actions.models import StatusUpdate
from tests.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_updates_an_action_and_sees_it_in_history_and_your_actions(site, world):
    officer = world.users["officer"]
    site.sign_in(officer.email, PASSWORD)
    assert site.page.url.endswith(reverse("actions:mine"))
    row = site.page.get_by_test_id("my-actions")
    assert "1.1" in row.inner_text()
    site.page.get_by_role("link", name=re.compile("Update")).first.click()
    site.axe()
    # Bad input first: nothing chosen gives GOV.UK errors, not a 500.
    site.page.get_by_role("button", name="Save update").click()
    site.axe()
    assert "There is a problem" in site.page.inner_text(".govuk-error-summary")
    assert "Select a status" in site.page.inner_text(".govuk-error-summary")
    assert site.page.title().startswith("Error: ")
    site.page.get_by_label("On track").check()
    site.page.get_by_label("Commentary").fill("Four of six sessions delivered.")
    site.page.get_by_label("First milestone").check()
    site.page.get_by_label("What is counted (number 1)").fill("attendees")
    site.page.get_by_label("Number 1", exact=True).fill("300")
    site.press("Save update")
    assert "was saved" in site.page.inner_text(".govuk-notification-banner")
    history = site.page.locator("[data-testid=update]").first.inner_text()
    assert "Four of six sessions delivered." in history
    assert "attendees: 300" in history
    assert "First milestone" in history
    site.goto(reverse("actions:mine"))
    assert "Updated" in site.page.get_by_test_id("my-actions").inner_text()
    site.screenshot("officer-your-actions")
    assert StatusUpdate.objects.filter(action=world.action).count() == 1


def test_coordinator_edits_an_action_and_the_change_is_in_its_history(site, world):
    site.sign_in(world.users["coordinator"].email, PASSWORD)
    site.goto(reverse("actions:edit", kwargs={"pk": world.action.pk}))
    site.page.get_by_label("Desired outcome").fill("Fewer victims of repeat abuse")
    site.press("Save changes")
    text = site.page.inner_text("main")
    assert "Fewer victims of repeat abuse" in text
    assert "Changes to this action" in text
    site.goto(reverse("actions:milestone_add", kwargs={"pk": world.action.pk}))
    site.page.get_by_label("Milestone").fill("Annual event")
    site.page.get_by_label("Timescale").fill("Sept 23")
    site.press("Save milestone")
    assert "Due 30 September 2023" in site.page.inner_text("main")


def test_executive_reads_and_filters_but_cannot_update(site, world):
    site.sign_in(world.users["executive"].email, PASSWORD)
    site.goto(reverse("actions:list") + "?no_update=true")
    assert "1.1" in site.page.get_by_test_id("action-list").inner_text()
    site.click(site.page.get_by_role("link", name=world.action.title))
    assert site.page.get_by_role("link", name=re.compile("Record the")).count() == 0
    site.goto(reverse("pages:accessibility"))


def test_county_admin_sees_the_partnership_actions(site, world):
    site.sign_in(world.users["county_admin"].email, PASSWORD)
    site.goto(reverse("actions:list"))
    assert "1.1" in site.page.get_by_test_id("action-list").inner_text()
    site.goto(reverse("actions:detail", kwargs={"pk": world.action.pk}))
    site.screenshot("county-admin-action")


def test_the_demo_officer_signs_in_with_the_printed_password(site, transactional_db):
    from demo.loader import DEMO_USERS, demo_password, load_demo

    load_demo()
    officer = DEMO_USERS[0]
    site.sign_in(officer.email, demo_password(officer.email))
    table = site.page.get_by_test_id("my-actions").inner_text()
    for reference in ["4.1", "4.2", "4.3"]:  # what Swale Borough Council leads
        assert reference in table
    assert "Seek extra funding to extend pilot" in site.page.inner_text("main")  # overdue
    site.screenshot("demo-officer-your-actions")
