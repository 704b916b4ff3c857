"""The reporting calendar and the Missing updates page in the browser (axe-checked): a
coordinator enters the executive's meetings and sees the dates they give, then chases
the lead who has not updated."""

from typing import Any, cast

import pytest
from django.core import mail
from django.urls import reverse

from tests.browser.conftest import Checked
from tests.world import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    return build_world()


def _click(site: Checked, role: str, name: str) -> None:
    site.page.get_by_role(cast(Any, role), name=name).first.click()
    site.page.wait_for_load_state()
    site.axe()


def test_a_coordinator_sets_the_meetings_and_chases_the_missing(site, world):
    site.sign_in(world.users["coordinator"].email, PASSWORD)
    site.goto(reverse("reporting:partnership", kwargs={"slug": world.district.slug}))
    _click(site, "link", "reporting calendar")
    page = site.page
    page.get_by_label("A number of days before each executive meeting").check()
    page.get_by_label("Number of days", exact=True).fill("7")
    _click(site, "button", "Save the calendar")  # no meetings yet: the error
    assert "Enter at least one meeting date" in page.inner_text(".govuk-error-summary")
    page.get_by_label("Executive meeting dates (optional)").fill(
        "14 March 2024\n4 July 2024\n21 November 2024"
    )
    _click(site, "button", "Save the calendar")
    assert "was saved" in page.inner_text(".govuk-notification-banner")
    rounds = page.inner_text("[data-testid=rounds]")
    assert "7 March 2024" in rounds and "27 June 2024" in rounds and "14 November 2024" in rounds

    site.goto(reverse("reporting:missing", kwargs={"slug": world.district.slug}))
    assert world.action.title in page.inner_text("[data-testid=missing]")
    _click(site, "button", "Chase now Swale BC")
    assert "Chased 1 person" in page.inner_text(".govuk-notification-banner")
    assert [m.to for m in mail.outbox] == [[world.users["officer"].email]]
