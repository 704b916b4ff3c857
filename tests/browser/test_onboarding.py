"""A unitary partnership from nothing to a published plan, in the browser: the service
administrator sets Medway up and invites its coordinator, who accepts, chooses a
password and two factors, adds its agencies and an officer, writes a plan and publishes
it."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from partnerships.models import Invitation
from plans.models import Membership, Partnership, PlanVersion
from tests import factories
from tests.browser.conftest import Checked
from tests.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COORDINATOR = "coordinator@medway.example"
OFFICER = "officer@medway.example"
COORDINATOR_PASSWORD = "Medway coordinator's own long password"
OFFICER_PASSWORD = "Medway officer's own long password"


@pytest.fixture
def service(transactional_db):
    """A service with Kent in it, an agency Kent and Medway share, and its administrator."""
    factories.CountyFactory(slug="kent", short_name="KCSP")
    factories.AgencyFactory(short_name="KFRS", name="Kent Fire and Rescue Service")
    return factories.UserFactory(
        email="service-admin@t.example", full_name="Sasha Service", is_superuser=True
    )


def _banner(site: Checked) -> str:
    return site.page.inner_text(".govuk-notification-banner")


def _invitation_path(email: str) -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == [email])
    found = re.search(r"https?://[^/\s]+(/partnerships/invitations/\S+/)", str(message.body))
    assert found, message.body
    return found.group(1)


def _accept(site: Checked, email: str, password: str, full_name: str = "") -> None:
    """Open the emailed link and choose a password; then sign in as usual (where a second
    factor, if any, comes: Checked.sign_in)."""
    site.goto(_invitation_path(email))
    if full_name:
        site.page.get_by_label("Your full name").fill(full_name)
    site.page.get_by_label("Choose a password").fill(password)
    site.page.get_by_label("Enter the password again").fill(password)
    site.press("Set password and accept")
    assert "Sign in to continue" in _banner(site)
    site.sign_in(email, password)


def test_a_service_administrator_onboards_medway_and_its_coordinator_publishes(
    site, another_site, service
):
    page = site.page
    site.sign_in(service.email, PASSWORD)

    # The service administrator sets Medway up: a unitary, in no county.
    site.goto(reverse("partnerships:list"))
    site.press("Set up a partnership")  # a link styled as a button
    site.press("Create the partnership")  # nothing entered: GOV.UK errors
    assert "Enter the partnership’s full name" in page.inner_text(".govuk-error-summary")
    page.get_by_label("Full name").fill("Medway Community Safety Partnership")
    page.get_by_label("Short name").fill("Medway CSP")
    page.get_by_label("Unitary").check()
    site.press("Create the partnership")
    assert "Medway CSP was set up. Now invite its first coordinator." in _banner(site)
    medway = Partnership.objects.get(slug="medway")
    assert medway.kind == "unitary" and medway.parent is None

    site.press("Invite someone")
    page.get_by_label("Email address").fill(COORDINATOR)
    page.get_by_label("Full name").fill("Morgan Medway")
    page.get_by_label("Coordinator").check()
    site.press("Send the invitation")
    assert f"An invitation is on its way to {COORDINATOR}" in _banner(site)
    assert COORDINATOR in page.get_by_test_id("invitations").inner_text()
    site.screenshot("onboarding-invited")
    site.sign_out()

    # The coordinator accepts, chooses a password, signs in and turns on two-factor
    # sign-in (a choice for a coordinator).
    _accept(site, COORDINATOR, COORDINATOR_PASSWORD)
    coordinator = User.objects.get(email=COORDINATOR)
    assert coordinator.full_name == "Morgan Medway"
    site.goto(reverse("accounts:two_factor_setup"))
    site.set_up_two_factor()
    assert TOTPDevice.objects.filter(user=coordinator, confirmed=True).exists()

    # Medway's agencies: one new to CSP Tracker, one it shares with Kent.
    site.follow("Partnerships")
    site.follow("Medway CSP")
    site.follow("Member agencies")
    site.follow("Add a new agency")
    page.get_by_label("Full name").fill("Medway Council")
    page.get_by_label("Short name").fill("Medway Council")
    page.get_by_label("An organisation").check()
    page.get_by_label("It is a responsible authority").check()
    site.press("Add the agency")
    site.follow("Add an agency already in CSP Tracker")
    page.get_by_label("Which agency?").select_option(label="KFRS (Kent Fire and Rescue Service)")
    site.press("Add the agency")
    agencies = page.get_by_test_id("agencies").inner_text()
    assert "Medway Council" in agencies and "Kent Fire and Rescue Service" in agencies

    # An officer of Medway Council, who accepts in a browser of their own.
    site.goto(reverse("partnerships:people", kwargs={"slug": "medway"}))
    site.press("Invite someone")
    page.get_by_label("Email address").fill(OFFICER)
    page.get_by_label("Officer").check()
    page.get_by_label("Which agency do they work for?").select_option(label="Medway Council")
    site.press("Send the invitation")
    _accept(another_site, OFFICER, OFFICER_PASSWORD, full_name="Oli Officer")
    assert another_site.page.url.endswith(reverse("actions:mine"))
    officer = Membership.objects.get(user__email=OFFICER)
    assert officer.agency is not None
    assert (officer.partnership, officer.role, officer.agency.short_name) == (
        medway,
        "officer",
        "Medway Council",
    )
    site.goto(reverse("partnerships:people", kwargs={"slug": "medway"}))
    assert OFFICER in page.get_by_test_id("people").inner_text()
    assert not Invitation.objects.filter(partnership=medway, accepted_at__isnull=True).exists()

    # The coordinator writes a plan and publishes it: Medway publishes its own plans.
    site.goto(reverse("plans:list"))
    site.press("Create a plan")
    site.create_plan("Medway CSP", "Medway Community Safety Plan 2024/25", "2024/25")
    site.follow("Add a section")
    page.get_by_label("Section heading").fill("Introduction")
    page.get_by_label("Text").fill("Medway’s plan for **2024/25**.")
    site.press("Save section")
    site.follow("Add a priority")
    page.get_by_label("Title").fill("Violence against women and girls")
    site.press("Save priority")
    site.follow("Add an action")
    page.get_by_label("Which priority or cross-cutting theme is it under?").select_option(
        label="Priority 1: Violence against women and girls"
    )
    page.get_by_label("Action", exact=True).fill("Run a street safety campaign")
    page.get_by_label("Desired outcome").fill("Women feel safer in the town centre")
    page.get_by_label("Medway Council").check()
    page.get_by_label("Milestone 1", exact=True).fill("Campaign launched")
    page.get_by_label("Timescale of milestone 1").fill("Sept 24")
    site.press("Save action")
    site.publish_version("1.0", "General – first published", effective=("1", "4", "2024"))
    version = PlanVersion.objects.get(plan__partnership=medway)
    assert version.status == PlanVersion.Status.PUBLISHED
    assert version.published_by is not None and version.published_by.email == COORDINATOR
    site.sign_out()

    site.goto(reverse("public:list"))
    listed = page.get_by_test_id("documents-medway").inner_text()
    assert "Medway Community Safety Plan 2024/25" in listed and "1.0" in listed
    assert "Medway" in page.locator("h2", has_text="Medway").first.inner_text()
    site.screenshot("onboarding-published")
