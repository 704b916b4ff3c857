"""The report list shows the latest revision of each report, a page at a time."""

import re
from collections.abc import Iterable, Mapping
from typing import cast

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from csp_tracker.pagination import page_get
from csp_tracker.periods import Quarter
from plans.models import Membership, Partnership
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


def _links(page: str, prefix: str) -> list[str]:
    return re.findall(rf'href="({re.escape(prefix)}[^"]*)"', page)


def test_the_partnership_list_is_bounded_and_found_by_name(
    client: Client,
    county: Partnership,
    county_admin: object,
    django_assert_max_num_queries: object,
) -> None:
    """A county admin reads every district's reports: the list names the first few, the
    rest are found by their name (or part of it, any case), as are their reports."""
    size = selectors.PARTNERSHIP_LIST_SIZE
    latest = _reports(county, size + 3)
    client.force_login(county_admin)  # type: ignore[arg-type]
    page = client.get(reverse("reporting:index")).content.decode()
    partnerships = _links(page, "/reports/partnerships/")
    assert len(partnerships) == size
    assert partnerships[0] == reverse("reporting:partnership", kwargs={"slug": county.slug})
    assert 'data-testid="more-partnerships"' in page
    # The county view is still offered for the county, which is listed first.
    assert reverse("reporting:county", kwargs={"slug": county.slug}) in page
    last = max(latest, key=lambda r: r.partnership.name).partnership
    assert reverse("reporting:partnership", kwargs={"slug": last.slug}) not in partnerships
    with django_assert_max_num_queries(7):  # type: ignore[operator]
        found = client.get(
            reverse("reporting:index"), {"partnership": last.name.upper()[3:]}
        ).content.decode()
    assert _links(found, "/reports/partnerships/") == [
        reverse("reporting:partnership", kwargs={"slug": last.slug})
    ]
    assert 'data-testid="more-partnerships"' not in found
    for report in latest:
        link = reverse("reporting:detail", kwargs={"pk": report.pk}) + '"'
        assert (link in found) == (report.partnership == last)
    # By short name too.
    by_short = client.get(reverse("reporting:index"), {"partnership": last.short_name})
    assert reverse("reporting:partnership", kwargs={"slug": last.slug}) in by_short.text
    nothing = client.get(reverse("reporting:index"), {"partnership": "No such place"}).text
    assert "No partnership is named like that." in nothing
    assert "No report matches" in nothing


def test_the_report_list_is_found_by_quarter_and_its_pages_keep_the_search(
    client: Client, county: Partnership, county_admin: object
) -> None:
    latest = _reports(county, 4 * (selectors.REPORT_PAGE_SIZE // 4 + 2))
    in_q2 = [r for r in latest if r.quarter == 2]
    assert len(in_q2) > selectors.REPORT_PAGE_SIZE // 4
    client.force_login(county_admin)  # type: ignore[arg-type]
    page = client.get(reverse("reporting:index"), {"quarter": "2023-q2"}).text
    assert '<option value="2023-q2" selected>' in page
    shown = {int(pk) for pk in re.findall(r'href="/reports/(\d+)/"', page)}
    assert shown == {r.pk for r in in_q2}
    assert "Page" not in page
    # A name and a quarter: the page links keep both.
    district_word = "district"
    many = client.get(reverse("reporting:index"), {"partnership": district_word}).text
    assert 'href="?partnership=district&amp;page=2"' in many
    second = client.get(
        reverse("reporting:index"), {"partnership": district_word, "page": "2"}
    ).text
    assert "Page 2 of 2" in second
    wrong = client.get(reverse("reporting:index"), {"quarter": "next year"}, follow=True).text
    assert "Choose a quarter from the list" in wrong
    assert len(re.findall(r'href="/reports/(\d+)/"', wrong)) == selectors.REPORT_PAGE_SIZE


def test_a_search_finds_only_partnerships_the_person_may_read(
    client: Client, county: Partnership, district: Partnership, other_district: Partnership
) -> None:
    ours = factories.ExceptionReportFactory(partnership=district)
    theirs = factories.ExceptionReportFactory(partnership=other_district)
    coordinator = factories.MembershipFactory(
        partnership=district, role=Membership.Role.COORDINATOR
    ).user
    client.force_login(coordinator)
    page = client.get(reverse("reporting:index"), {"partnership": "CSP"}).text
    assert reverse("reporting:detail", kwargs={"pk": ours.pk}) in page
    assert reverse("reporting:detail", kwargs={"pk": theirs.pk}) not in page
    assert reverse("reporting:partnership", kwargs={"slug": other_district.slug}) not in page
    found = client.get(reverse("reporting:index"), {"partnership": "Gravesham"}).text
    assert reverse("reporting:detail", kwargs={"pk": theirs.pk}) not in found
    assert "No partnership is named like that." in found
    # An officer reads no reports, whatever they search for.
    officer = factories.MembershipFactory(partnership=district, role=Membership.Role.OFFICER).user
    client.force_login(officer)
    for query in ({}, {"partnership": "Swale"}):
        page = client.get(reverse("reporting:index"), query).text
        assert "Exception reports are for executive members" in page
        assert "/reports/" + str(ours.pk) not in page
    # A service administrator finds any partnership's reports, and is offered the county
    # view of every partnership listed (the permission grants them all).
    admin = factories.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    page = client.get(reverse("reporting:index"), {"partnership": "Gravesham"}).text
    assert reverse("reporting:detail", kwargs={"pk": theirs.pk}) in page
    assert reverse("reporting:county", kwargs={"slug": other_district.slug}) in page


def _plain(rows: Iterable[Mapping[str, object]], fields: list[str]) -> list[dict[str, object]]:
    """The rows' fields (page_get's rows also hold the total)."""
    return [{f: row[f] for f in fields} for row in rows]


@pytest.mark.parametrize("who", ["county_admin", "coordinator", "superuser", "nobody"])
def test_the_compiled_reads_of_the_report_list_agree_with_the_orm(
    who: str, county: Partnership, district: Partnership, other_district: Partnership
) -> None:
    """The list's partnerships and pages, read by queries compiled once, are the ORM's own
    (pages, quarters, every kind of person; twice, the second from the kept SQL)."""
    _reports(county, selectors.REPORT_PAGE_SIZE + 5)
    factories.ExceptionReportFactory(partnership=district, quarter=2)
    factories.ExceptionReportFactory(partnership=county, quarter=1)
    if who == "superuser":
        user = factories.UserFactory(is_superuser=True)
    elif who == "nobody":
        user = factories.UserFactory()
    else:
        role = (
            Membership.Role.COUNTY_ADMIN if who == "county_admin" else Membership.Role.COORDINATOR
        )
        partnership = county if who == "county_admin" else district
        user = factories.MembershipFactory(partnership=partnership, role=role).user
        factories.MembershipFactory(
            user=user, partnership=other_district, role=Membership.Role.EXECUTIVE
        )
    for _ in range(2):
        for limit in (3, 100):
            assert selectors.report_partnership_first(user=user, limit=limit) == list(
                selectors.report_partnership_list(user=user)[:limit]
            )
        for quarter in (None, Quarter(2023, 2), Quarter(2023, 3)):
            orm = selectors.exception_report_latest_list(user=user, quarter=quarter)
            fields = list(selectors.ReportRow.__annotations__)
            for number in (1, 2, 9):
                page = selectors.exception_report_latest_page(
                    user=user, number=number, quarter=quarter
                )
                expected = page_get(orm.values(*fields), number=number, per_page=50)
                assert _plain(page.object_list, fields) == _plain(expected.object_list, fields)
                assert (page.number, page.paginator.count) == (
                    expected.number,
                    expected.paginator.count,
                )
