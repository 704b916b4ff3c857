"""The report list shows the latest revision of each report, a page at a time."""

from typing import cast

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from plans.models import Partnership
from reporting import selectors
from reporting.models import ExceptionReport
from tests import factories

pytestmark = pytest.mark.django_db


def _reports(county: Partnership, n: int) -> list[ExceptionReport]:
    """n reports (a partnership's quarter each), each built twice: revisions 1 and 2."""
    latest = []
    for i in range(n):
        district = factories.DistrictFactory(parent=county, slug=f"d{i}")
        quarter = 1 + i % 4
        for revision in (1, 2):
            report = factories.ExceptionReportFactory(
                partnership=district, quarter=quarter, revision=revision
            )
        latest.append(report)
    return latest


@pytest.mark.parametrize("n", [2, 40])
def test_the_report_list_shows_only_latest_revisions_in_flat_queries(
    n: int,
    client: Client,
    county: Partnership,
    county_admin: object,
    django_assert_max_num_queries: object,
) -> None:
    latest = _reports(county, n)
    client.force_login(county_admin)  # type: ignore[arg-type]
    # The savepoint and its release, the session, the person, their memberships, the
    # partnerships and the page's reports with their total: 7, whatever their number.
    with django_assert_max_num_queries(7):  # type: ignore[operator]
        page = client.get(reverse("reporting:index")).content.decode()
    for report in latest:
        assert reverse("reporting:detail", kwargs={"pk": report.pk}) in page
        earlier = ExceptionReport.objects.get(
            partnership=report.partnership, quarter=report.quarter, revision=1
        )
        assert reverse("reporting:detail", kwargs={"pk": earlier.pk}) + '"' not in page
    listed = list(selectors.exception_report_latest_list(user=cast(User, county_admin)))
    assert sorted(r.pk for r in listed) == sorted(r.pk for r in latest)


def test_the_report_list_is_paginated(
    client: Client, county: Partnership, county_admin: object
) -> None:
    latest = _reports(county, selectors.REPORT_PAGE_SIZE + 3)
    client.force_login(county_admin)  # type: ignore[arg-type]
    first = client.get(reverse("reporting:index")).content.decode()
    second = client.get(reverse("reporting:index") + "?page=2").content.decode()
    assert "Page 1 of 2" in first and 'rel="next"' in first and "Page 2 of 2" in second
    on_first = [
        r for r in latest if reverse("reporting:detail", kwargs={"pk": r.pk}) + '"' in first
    ]
    on_second = [
        r for r in latest if reverse("reporting:detail", kwargs={"pk": r.pk}) + '"' in second
    ]
    assert len(on_first) == selectors.REPORT_PAGE_SIZE and len(on_second) == 3


def test_a_partnerships_reports_page_holds_two_years_of_quarters_in_flat_queries(
    client: Client, district: Partnership, coordinator: object
) -> None:
    """Every revision of the page's quarters, latest quarter first; older quarters on the
    next page; the same queries for 3 quarters or 12."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    built = {}

    def build(quarters: range) -> None:
        for n in quarters:
            year, quarter = 2021 + n // 4, 1 + n % 4
            for revision in (1, 2):
                built[(year, quarter, revision)] = factories.ExceptionReportFactory(
                    partnership=district, financial_year=year, quarter=quarter, revision=revision
                )

    client.force_login(coordinator)  # type: ignore[arg-type]
    url = reverse("reporting:partnership", kwargs={"slug": district.slug})
    counts = []
    for quarters in (range(3), range(3, 12)):
        build(quarters)
        with CaptureQueriesContext(connection) as queries:
            first = client.get(url).content.decode()
        counts.append(len(queries))
    # The session, the person, their memberships, the partnership, the emails' trouble,
    # the page of quarters (and their count) and their reports.
    assert counts[0] == counts[1] <= 10, counts
    second = client.get(url, {"page": 2}).content.decode()
    page_size = selectors.QUARTERS_PAGE_SIZE
    newest = sorted({(y, q) for y, q, _ in built}, reverse=True)[:page_size]
    for (year, quarter, revision), report in built.items():
        link = reverse("reporting:detail", kwargs={"pk": report.pk}) + '"'
        on_first = (year, quarter) in newest
        assert (link in first) == on_first, (year, quarter, revision)
        assert (link in second) != on_first, (year, quarter, revision)
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
