"""The reporting calendar and the Missing updates page in the browser (axe-checked): a
coordinator enters the executive's meetings and sees the dates they give, then chases
the lead who has not updated."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_sets_the_meetings_and_chases_the_missing(site, world):
    site.sign_in(world.users["coordinator"].email, PASSWORD)
    site.goto(reverse("reporting:partnership", kwargs={"slug": world.district.slug}))
    site.click(site.page.get_by_role("link", name="reporting calendar").first)
    page = site.page
    page.get_by_label("A number of days before each executive meeting").check()
    page.get_by_label("Number of days", exact=True).fill("7")
    # No meetings yet: the error.
    site.click(site.page.get_by_role("button", name="Save the calendar").first)
    assert "Enter at least one meeting date" in page.inner_text(".govuk-error-summary")
    page.get_by_label("Executive meeting dates (optional)").fill(
        "14 March 2024\n4 July 2024\n21 November 2024"
    )
    site.click(site.page.get_by_role("button", name="Save the calendar").first)
    assert "was saved" in page.inner_text(".govuk-notification-banner")
    rounds = page.inner_text("[data-testid=rounds]")
    assert "7 March 2024" in rounds and "27 June 2024" in rounds and "14 November 2024" in rounds

    site.goto(reverse("reporting:missing", kwargs={"slug": world.district.slug}))
    assert world.action.title in page.inner_text("[data-testid=missing]")
    site.click(site.page.get_by_role("button", name="Chase now Swale BC").first)
    assert "Chased 1 person" in page.inner_text(".govuk-notification-banner")
    assert [m.to for m in mail.outbox] == [[world.users["officer"].email]]
