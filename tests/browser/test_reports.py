import re

import pytest
from django.urls import reverse

from reporting import services
from reporting.models import ExceptionReport
from tests import factories
from tests.reporting.conftest import Q2, Q3, record
from tests.world import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db, settings):
    settings.CSP_TODAY = "2024-01-05"
    world = build_world()
    officer = world.users["officer"]
    record(world.action, Q2, "on_track", officer)
    record(
        world.action,
        Q3,
        "off_track",
        officer,
        commentary="The venue fell through.",
        reason="Funding withdrawn",
    )
    report = services.exception_report_request(partnership=world.district, quarter=Q3)
    services.exception_report_build(report_id=report.pk, task_id=report.task_id)
    return world


def test_executive_opens_the_report_follows_an_exception_and_downloads_the_pdf(site, world):
    site.sign_in(world.users["executive"].email, PASSWORD)
    site.goto(reverse("reporting:index"))
    site.click(site.page.get_by_role("link", name="Swale CSP 2023/24 Q3"))
    main = site.page.inner_text("main")
    assert "Exception report 2023/24 Q3" in main
    assert "The venue fell through." in main
    assert site.page.get_by_role("img", name=re.compile("Bar chart")).count() == 1
    site.screenshot("executive-exception-report")
    with site.page.expect_download() as download_info:
        site.page.get_by_role("link", name=re.compile("Download the PDF")).click()
    download = download_info.value
    assert download.suggested_filename.endswith("-2023-24-q3-revision-1.pdf")
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    card = site.page.get_by_test_id("exception-off_track")
    card.get_by_role("link", name=re.compile(world.action.title)).click()
    site.page.wait_for_load_state()
    site.axe()
    assert site.page.url.endswith(reverse("actions:detail", kwargs={"pk": world.action.pk}))


def test_coordinator_builds_now_and_sees_the_report(site, world):
    site.sign_in(world.users["coordinator"].email, PASSWORD)
    site.goto(reverse("reporting:partnership", kwargs={"slug": world.district.slug}))
    site.click(site.page.get_by_role("button", name=re.compile("Build now")))
    report = ExceptionReport.objects.latest("pk")
    assert str(report.quarter_obj) == "2023/24 Q4"
    # Tasks run in-process in the tests, so the page shows the finished interim report.
    assert "Interim" in site.page.inner_text("main")
    site.screenshot("coordinator-build-now")


def test_a_build_in_progress_shows_its_progress(site, world):
    # Queued without its task (which would run at once in-process), as a busy worker would.
    report = factories.ExceptionReportFactory(
        partnership=world.district, quarter=4, revision=1, status="queued", pdf="", task_id="t1"
    )
    site.sign_in(world.users["coordinator"].email, PASSWORD)
    site.goto(reverse("reporting:detail", kwargs={"pk": report.pk}))
    assert "Waiting to start" in site.page.get_by_test_id("progress").inner_text()
    services.exception_report_build(report_id=report.pk, task_id=report.task_id)
    site.page.get_by_text("The report is ready").wait_for(timeout=10_000)
    site.axe()


def test_county_admin_sees_the_partnerships_side_by_side(site, world):
    site.sign_in(world.users["county_admin"].email, PASSWORD)
    site.goto(reverse("reporting:index"))
    site.click(site.page.get_by_role("link", name=re.compile("side by side")))
    assert "Swale CSP" in site.page.get_by_test_id("county-table").inner_text()
    site.screenshot("county-side-by-side")
