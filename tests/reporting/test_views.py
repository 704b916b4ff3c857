import pytest
from django.urls import reverse

from csp_tracker.periods import Quarter
from demo.loader import load_demo
from plans.models import Partnership
from reporting import services
from reporting.models import ExceptionReport
from tests import factories
from tests.reporting.conftest import Q2, Q3, record

pytestmark = pytest.mark.django_db


def _build(partnership, quarter=Q3):
    report = services.exception_report_request(partnership=partnership, quarter=quarter)
    return services.exception_report_build(report_id=report.pk, task_id=report.task_id)


def test_the_demo_data_gives_a_swale_q3_report_with_every_kind_of_exception(settings):
    settings.CSP_TODAY = "2024-01-05"
    load_demo()
    report = _build(Partnership.objects.get(slug="swale"))
    assert report.status == "ready"
    exceptions = report.snapshot["exceptions"]
    for kind in ["off_track", "at_risk", "overdue_milestones", "no_update", "worse", "completed"]:
        assert exceptions[kind], f"no {kind} in the demo's 2023/24 Q3 report"
    assert report.snapshot["partnership"]["short_name"] == "Swale CSP"


@pytest.mark.parametrize("count", [10, 500])
def test_the_report_page_query_count_does_not_grow_with_actions(
    client, district, make_action, author, executive, count, django_assert_max_num_queries
):
    actions = [make_action() for _ in range(count)]
    for index, action in enumerate(actions[:6]):
        record(action, Q2, "on_track", author)
        record(action, Q3, ["off_track", "at_risk", "completed"][index % 3], author)
    # The page reads only the snapshot: a real snapshot, with a stand-in PDF (faster).
    report = factories.ExceptionReportFactory(partnership=district, revision=1)
    client.force_login(executive)
    # session, user, memberships, the report, its revisions; the session save and the
    # savepoints of ATOMIC_REQUESTS: the same for 10 actions or 500.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("reporting:detail", kwargs={"pk": report.pk}))
    assert response.status_code == 200
    assert f"{count} actions" in response.content.decode()


def test_the_report_page_shows_the_exceptions_and_links_to_the_actions(
    client, district, make_action, author, executive
):
    action = make_action(title="Develop the youth drop in")
    record(action, Q2, "on_track", author)
    record(action, Q3, "off_track", author, commentary="Not opened", reason="No venue")
    report = _build(district)
    client.force_login(executive)
    page = client.get(reverse("reporting:detail", kwargs={"pk": report.pk})).content.decode()
    assert "Exception report 2023/24 Q3" in page
    assert reverse("actions:detail", kwargs={"pk": action.pk}) in page
    assert "No venue" in page and "Not opened" in page
    # Got worse: before → after, in words.
    arrow = '<span aria-hidden="true">→</span><span class="govuk-visually-hidden">to</span>'
    assert f"On track</strong> {arrow} <strong" in page
    assert "31 December 2023" in page
    assert "Build this quarter again" not in page  # executives read, do not build
    response = client.get(reverse("reporting:pdf", kwargs={"pk": report.pk}))
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response["ETag"] == f'"{report.pdf_sha256}"'


def test_build_now_queues_and_the_page_shows_progress_then_the_report(
    client, district, make_action, coordinator, django_capture_on_commit_callbacks
):
    make_action()
    client.force_login(coordinator)
    page = client.get(reverse("reporting:partnership", kwargs={"slug": district.slug}))
    assert "Build now" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("reporting:build", kwargs={"slug": district.slug}))
    report = ExceptionReport.objects.get()
    assert response["Location"] == reverse("reporting:detail", kwargs={"pk": report.pk})
    assert report.quarter_obj == Quarter(2023, 4)  # the current quarter (15 January 2024)
    page = client.get(response["Location"]).content.decode()
    assert "Waiting to start" in page and 'role="status"' in page and "Check again" in page
    # Without JavaScript the page reloads itself while the build runs (and only then).
    assert '<meta http-equiv="refresh" content="5">' in page
    progress = client.get(reverse("reporting:progress", kwargs={"pk": report.pk}))
    assert "data-poll-url" in progress.content.decode()
    for callback in callbacks:
        callback()
    progress = client.get(reverse("reporting:progress", kwargs={"pk": report.pk})).content
    assert b"The report is ready" in progress and b"data-poll-url" not in progress
    page = client.get(response["Location"]).content.decode()
    assert "Interim" in page and "15 January 2024" in page
    assert 'http-equiv="refresh"' not in page


def test_a_failed_report_says_why_and_offers_try_again(client, district, coordinator, executive):
    report = factories.ExceptionReportFactory(
        partnership=district, status="failed", failure_reason="Timed out", pdf=""
    )
    client.force_login(coordinator)
    page = client.get(reverse("reporting:detail", kwargs={"pk": report.pk})).content.decode()
    assert "The report could not be built" in page and "Timed out" in page
    assert "Try again" in page
    response = client.post(reverse("reporting:rebuild", kwargs={"pk": report.pk}))
    new = ExceptionReport.objects.exclude(pk=report.pk).get()
    assert new.revision == report.revision + 1
    assert response["Location"] == reverse("reporting:detail", kwargs={"pk": new.pk})
    client.force_login(executive)
    page = client.get(reverse("reporting:detail", kwargs={"pk": report.pk})).content.decode()
    assert "Ask a coordinator to try again" in page


def test_the_county_view_shows_every_partnership_side_by_side(
    client, county, district, other_district, make_action, county_admin, author
):
    action = make_action()
    record(action, Q3, "off_track", author)
    _build(district)
    client.force_login(county_admin)
    page = client.get(reverse("reporting:county", kwargs={"slug": county.slug})).content
    page = page.decode()
    assert "Partnerships side by side, 2023/24 Q3" in page
    assert district.short_name in page and other_district.short_name in page
    assert "No report" in page
    index = client.get(reverse("reporting:index")).content.decode()
    assert reverse("reporting:county", kwargs={"slug": county.slug}) in index
    # Only a county has a county view: none is offered of its districts.
    assert reverse("reporting:county", kwargs={"slug": district.slug}) not in index


def _count(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


def test_report_list_pages_do_not_grow_with_partnerships_or_reports(
    client, county, district, county_admin, django_assert_max_num_queries
):
    def add_districts(n: int, start: int) -> None:
        for i in range(start, start + n):
            other = factories.DistrictFactory(parent=county, slug=f"d{i}")
            for quarter in (1, 2, 3):
                factories.ExceptionReportFactory(partnership=other, quarter=quarter)

    client.force_login(county_admin)
    urls = [
        reverse("reporting:index"),
        reverse("reporting:county", kwargs={"slug": county.slug}),
        reverse("reporting:partnership", kwargs={"slug": district.slug}),
    ]
    add_districts(1, 0)
    few = [_count(client, url) for url in urls]
    add_districts(11, 1)
    many = [_count(client, url) for url in urls]
    assert few == many
    # The partnership page also lists the emails that could not be sent (one query).
    for url, limit in zip(urls, (10, 12, 11), strict=True):
        with django_assert_max_num_queries(limit):
            client.get(url)


def test_the_pdf_downloads_with_a_name_that_says_what_it_is(
    client, district, make_action, executive
):
    make_action()
    report = _build(district)
    client.force_login(executive)
    response = client.get(reverse("reporting:pdf", kwargs={"pk": report.pk}))
    assert response["Content-Type"] == "application/pdf"
    assert (
        f'filename="{district.slug}-exception-report-2023-24-q3-revision-1.pdf"'
        in response["Content-Disposition"]
    )
    assert response["ETag"] == f'"{report.pdf_sha256}"'


def test_a_report_whose_pdf_the_storage_lost_still_shows_and_its_download_is_a_404(
    client, district, coordinator
):
    """The page shows the size kept at build without asking the storage; the download of
    a file the storage no longer has is a 404 (it was a server error)."""
    report = factories.ExceptionReportFactory(partnership=district)
    report.pdf.storage.delete(str(report.pdf.name))
    client.force_login(coordinator)
    page = client.get(reverse("reporting:detail", kwargs={"pk": report.pk}))
    assert page.status_code == 200
    assert "Download the PDF" in page.content.decode()
    from django.template.defaultfilters import filesizeformat

    assert f"({filesizeformat(report.pdf_size or 0)})" in page.content.decode()
    download = client.get(reverse("reporting:pdf", kwargs={"pk": report.pk}))
    assert download.status_code == 404


def test_a_ready_reports_body_is_rendered_once_and_each_revision_shows_its_own(
    client, district, make_action, author, executive
):
    """The body of a ready report is rendered from its snapshot once and kept (the snapshot
    never changes); a later revision, with its own snapshot, is rendered for itself."""
    action = make_action(title="Develop the youth drop in")
    record(action, Q3, "off_track", author, commentary="Not opened", reason="No venue")
    first = _build(district)
    client.force_login(executive)
    url = reverse("reporting:detail", kwargs={"pk": first.pk})
    body = "reporting/includes/report_body.html"
    response = client.get(url)
    assert body in [t.name for t in response.templates] and "No venue" in response.text
    again = client.get(url)
    assert body not in [t.name for t in again.templates]

    def report(page: str) -> str:
        return page.split('id="summary"')[1].split("</main>")[0]

    assert report(again.text) == report(response.text)

    record(action, Q3, "on_track", author, commentary="Opened in December")
    second = _build(district)
    assert second.revision == first.revision + 1
    newer = client.get(reverse("reporting:detail", kwargs={"pk": second.pk}))
    assert body in [t.name for t in newer.templates]
    assert "No venue" not in newer.text.split('id="summary"')[1]
    assert "No venue" in client.get(url).text
