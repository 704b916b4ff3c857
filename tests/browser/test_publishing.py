import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from plans.models import Plan, PlanVersion
from tests.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACTIONS = [
    (
        "Priority 1: Domestic abuse",
        "Promote the services for victims",
        "Quarterly mapping",
        "Quarterly",
    ),
    (
        "Priority 1: Domestic abuse",
        "Train professionals on coercive control",
        "Two sessions",
        "Sept 24",
    ),
    (
        "Priority 2: Anti-social behaviour",
        "Run a summer diversion programme",
        "Programme delivered",
        "Summer 24",
    ),
]


def test_a_coordinator_builds_a_plan_and_the_county_admin_publishes_it(site, world):
    page = site.page
    # Swale leaves publishing to the county team: its coordinators are told so.
    world.district.coordinators_publish = False
    world.district.save(update_fields=["coordinators_publish"])
    site.sign_in(world.users["coordinator"].email, PASSWORD)
    site.goto(reverse("plans:list"))
    site.press("Create a plan")  # a link styled as a button
    site.press("Save and continue")  # nothing entered: GOV.UK errors
    assert "Select the partnership the plan is for" in page.inner_text(".govuk-error-summary")
    site.create_plan("Swale CSP", "Swale Community Safety Plan 2024/25", "2024/25")
    assert "was created" in page.inner_text(".govuk-notification-banner")
    overview = page.url
    for title, body in (
        ("Introduction", "The plan for **2024/25**."),
        ("Governance", "- Executive\n- Sub-groups"),
    ):
        site.follow("Add a section")
        page.get_by_label("Section heading").fill(title)
        page.get_by_label("Text").fill(body)
        site.press("Save section")
    for title in ("Domestic abuse", "Anti-social behaviour"):
        site.follow("Add a priority")
        page.get_by_label("Title").fill(title)
        page.get_by_label("Why it is a priority").fill(f"Why {title.lower()} matters.")
        site.press("Save priority")
    site.follow("Add a theme")
    page.get_by_label("Title").fill("Reducing reoffending")
    page.get_by_label("Note under the theme in the action plan").fill(
        "Actions sit under the priorities."
    )
    site.press("Save theme")
    for heading, title, milestone, timescale in ACTIONS:
        site.follow("Add an action")
        page.get_by_label("Which priority or cross-cutting theme is it under?").select_option(
            label=heading
        )
        page.get_by_label("Action", exact=True).fill(title)
        page.get_by_label("Desired outcome").fill("Fewer victims")
        page.get_by_label("Lead as written in the plan").fill("CSU")
        page.get_by_label("Milestone 1", exact=True).fill(milestone)
        page.get_by_label("Timescale of milestone 1").fill(timescale)
        site.press("Save action")
    table = page.get_by_test_id("action-plan").inner_text()
    for ref in ("1.1", "1.2", "2.1"):
        assert ref in table
    site.screenshot("authoring-plan-overview")
    plan = Plan.objects.get(title="Swale Community Safety Plan 2024/25")
    assert plan.actions.count() == 3 and plan.sections.count() == 2
    site.goto(reverse("publishing:preview", kwargs={"pk": plan.pk}))
    assert "DRAFT" in page.get_by_test_id("preview").inner_text()
    assert page.get_by_role("button", name="Publish a version").count() == 0
    assert page.get_by_test_id("who-publishes").inner_text() == (
        "Swale CSP’s plans are published by the county team of KCSP."
    )
    site.sign_out()

    site.sign_in(world.users["county_admin"].email, PASSWORD)
    page.goto(overview)
    site.axe()
    site.publish_version("1.0", "General – first published", effective=("1", "4", "2024"))
    version = PlanVersion.objects.get(plan=plan)
    assert version.status == PlanVersion.Status.PUBLISHED
    site.sign_out()

    site.goto(reverse("public:list"))
    listed = page.get_by_test_id("documents-swale").inner_text()
    assert "Swale Community Safety Plan 2024/25" in listed and "1.0" in listed
    assert version.sha256 in listed
    site.screenshot("public-documents")
    response = page.request.get(
        site.base_url + reverse("public:download", kwargs={"pk": version.pk})
    )
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = re.sub(
        r"\s+",
        " ",
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages),
    )
    for _, title, milestone, timescale in ACTIONS:
        assert title in text and milestone in text and timescale in text


def test_the_county_admin_confirms_the_editors_check_before_publishing(site, world):
    """The plan's draft wording is listed on the publish page; publishing without the
    confirmation is refused with its own error, then goes ahead with it ticked."""
    from tests import factories

    plan = world.plan
    plan.status = Plan.Status.DRAFT
    plan.save(update_fields=["status"])
    factories.SectionFactory(plan=plan, title="Foreword", body="This page will be updated.")
    page = site.page
    site.sign_in(world.users["county_admin"].email, PASSWORD)
    site.goto(reverse("publishing:publish", kwargs={"pk": plan.pk}))
    site.axe()
    assert "Foreword: draft wording: “This page will be updated.”" in (
        page.get_by_test_id("editor-check").inner_text()
    )
    page.get_by_label("Version number").fill("1.0")
    effective = page.get_by_role("group", name="Effective date")
    for box, value in (("Day", "1"), ("Month", "4"), ("Year", "2023")):
        effective.get_by_label(box).fill(value)
    site.press("Publish")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Confirm you have checked the warnings and want to publish" in summary
    assert not PlanVersion.objects.filter(plan=plan).exists()
    page.get_by_label("I have checked these and want to publish").check()
    site.press("Publish", timeout=90_000)
    assert "Published" in page.get_by_test_id("version-status").inner_text()
