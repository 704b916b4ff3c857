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
