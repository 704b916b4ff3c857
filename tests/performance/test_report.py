"""The exception report's performance rules (performance/snapshot.py, called by
reporting.snapshot): indicators moving the wrong way or off target, funded projects not
on track; in the snapshot, on the page and in the PDF; a constant number of queries."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from csp_tracker.periods import Quarter
from performance import services
from performance.models import Pot
from performance.services import BidData, GrantData
from reporting.snapshot import exception_report_snapshot
from tests import factories
from tests.performance.conftest import record_value

pytestmark = pytest.mark.django_db

Q2 = Quarter(2023, 2)
Q3 = Quarter(2023, 3)
AFTER_Q3 = date(2024, 1, 5)


def snap(district, quarter=Q3, today=AFTER_Q3):
    return exception_report_snapshot(partnership=district, quarter=quarter, today=today)


def listed_indicators(snapshot):
    return [item["name"] for item in snapshot["performance"]["indicators"]["listed"]]


def listed_projects(snapshot):
    return [item["title"] for item in snapshot["performance"]["funded_projects"]["listed"]]


def test_indicators_worse_than_their_baseline_or_off_target_are_listed(district, make_indicator):
    wrong_way = make_indicator(
        name="ASB incidents", baseline_value=Decimal(1000), baseline_period="2022/23"
    )
    off_target = make_indicator(
        name="TrueCall devices",
        direction="higher",
        baseline_value=Decimal(20),
        baseline_period="2018/19",
        target_value=Decimal(25),
    )
    fine = make_indicator(
        name="Grass fires",
        baseline_value=Decimal(40),
        baseline_period="2022/23",
        target_value=Decimal(40),
    )
    make_indicator(name="No values yet")
    record_value(wrong_way, "2023/24 Q3", 1114)
    record_value(off_target, "2023/24 Q3", 23)  # better than the baseline, short of the target
    record_value(fine, "2023/24 Q2", 38)
    s = snap(district)
    assert listed_indicators(s) == ["ASB incidents", "TrueCall devices"]
    first, second = s["performance"]["indicators"]["listed"]
    assert (first["trend"], first["wrong_way"], first["off_target"]) == (
        "up 11.4% on the baseline — worse",
        True,
        False,
    )
    assert (second["wrong_way"], second["off_target"], second["value"]) == (False, True, "23.00")
    assert (s["performance"]["indicators"]["count"], s["performance"]["indicators"]["judged"]) == (
        4,
        3,
    )


def test_a_value_for_a_later_period_is_ignored_so_an_old_quarter_rebuilds_the_same(
    district, make_indicator
):
    indicator = make_indicator(name="ASB", baseline_value=Decimal(100), baseline_period="2022/23")
    record_value(indicator, "2023/24 Q2", 90)
    record_value(indicator, "2023/24 Q3", 130)
    assert listed_indicators(snap(district, Q2, today=date(2023, 10, 5))) == []
    assert listed_indicators(snap(district)) == ["ASB"]


def test_a_correction_counts_in_the_report(district, make_indicator):
    indicator = make_indicator(name="ASB", baseline_value=Decimal(100), baseline_period="2022/23")
    record_value(indicator, "2023/24 Q3", 130, day=date(2024, 1, 2))
    record_value(indicator, "2023/24 Q3", 95, note="Counted twice", day=date(2024, 1, 3))
    assert listed_indicators(snap(district)) == []


def test_funded_projects_at_risk_off_track_or_late_to_start_are_listed(
    district, grant, make_project
):
    make_project("On track", status="on_track", quarter=Q3)
    make_project("At risk", status="at_risk", quarter=Q3)
    make_project("Off track", status="off_track", quarter=Q3)
    make_project("Delivered", status="delivered", quarter=Q3)
    make_project("Part delivered", status="part_delivered", quarter=Q3)
    make_project("Withdrawn", status="withdrawn", quarter=Q3)
    make_project("Not started, no date", status="not_started", quarter=Q3)
    make_project(
        "Not started, due in October",
        status="not_started",
        quarter=Q3,
        start_date=date(2023, 10, 1),
    )
    make_project(
        "Not started, due in April",
        status="not_started",
        quarter=Q3,
        start_date=date(2024, 4, 1),
    )
    s = snap(district)
    assert listed_projects(s) == ["At risk", "Off track", "Not started, due in October"]
    late = s["performance"]["funded_projects"]["listed"][2]
    assert (late["late_start"], late["status"], late["start_date"]) == (
        True,
        "not_started",
        "2023-10-01",
    )
    assert s["performance"]["funded_projects"]["count"] == 9


def test_a_project_s_status_is_the_latest_labelled_with_the_quarter_or_before(
    district, grant, make_project
):
    project = make_project("Videos", status="on_track", quarter=Q2)
    services.project_status_record(project=project, status="off_track", note="No venue", quarter=Q3)
    services.project_status_record(
        project=project, status="on_track", note="Venue found", quarter=Q3.next
    )
    assert listed_projects(snap(district, Q2, today=date(2023, 10, 5))) == []
    (item,) = snap(district)["performance"]["funded_projects"]["listed"]
    assert (item["title"], item["status"], item["note"]) == ("Videos", "off_track", "No venue")


def test_only_the_grants_of_the_quarter_s_year_and_amounts_with_their_top_ups(
    district, grant, make_project
):
    training = make_project("Victim blaming training", "1600", status="at_risk", quarter=Q3)
    bid = services.bid_submit(
        grant=grant, data=BidData(title="More", amount=Decimal("800"), top_up_of=training)
    )
    services.bid_decide(bid=bid, approve=True, user=None)
    last_year = services.grant_create(
        partnership=district,
        data=GrantData(
            name="Crime Reduction Grant", funder="PCC", financial_year=2022, amount=Decimal(100)
        ),
    )
    services.project_create(
        grant=last_year,
        data=services.ProjectData(title="Last year's", amount_approved=Decimal(10)),
        status="off_track",
        quarter=Quarter(2022, 4),
    )
    (item,) = snap(district)["performance"]["funded_projects"]["listed"]
    assert (item["title"], item["amount"], item["amount_text"]) == (
        "Victim blaming training",
        "2400.00",
        "£2,400",
    )


def _add(district, grant, first, last):
    """Indicators and projects number first..last-1, each listed in the Q3 report."""
    for i in range(first, last):
        indicator = services.indicator_create(
            partnership=district,
            data=services.IndicatorData(
                name=f"Indicator {i}",
                unit="incidents",
                source="Kent Police",
                direction="lower",
                baseline_value=Decimal(10),
                baseline_period="2022/23",
            ),
        )
        record_value(indicator, "2023/24 Q2", 12)
        record_value(indicator, "2023/24 Q3", 11)
        project = services.project_create(
            grant=grant,
            data=services.ProjectData(title=f"Project {i}", amount_approved=Decimal(10)),
            status="at_risk",
            quarter=Q3,
        )
        services.project_status_record(project=project, status="off_track", note="", quarter=Q3)


def _queries(district):
    with CaptureQueriesContext(connection) as queries:
        snap(district)
    return len(queries)


def test_the_report_s_query_count_does_not_grow_with_indicators_or_projects(district, grant):
    _add(district, grant, 0, 2)
    few = _queries(district)
    _add(district, grant, 2, 20)
    many = _queries(district)
    performance = snap(district)["performance"]
    assert len(performance["indicators"]["listed"]) == 20
    assert len(performance["funded_projects"]["listed"]) == 20
    assert many == few


@pytest.fixture
def built(district, grant, make_project, make_indicator, executive):
    indicator = make_indicator(
        name="ASB incidents reported to Kent Police",
        baseline_value=Decimal(1000),
        baseline_period="2022/23",
        target_value=Decimal(950),
    )
    record_value(indicator, "2023/24 Q3", 1114)
    project = make_project(
        "Gaming Together", "3450", pot=Pot.TACTICAL, status="at_risk", quarter=Q3
    )
    report = factories.ExceptionReportFactory(partnership=district, revision=1)
    return report, indicator, project


def test_the_report_page_shows_both_sections_with_links(client, built, executive):
    report, indicator, project = built
    client.force_login(executive)
    page = client.get(reverse("reporting:detail", kwargs={"pk": report.pk})).content.decode()
    assert "Indicators moving the wrong way or off target (1)" in page
    assert "Funded projects not on track (1)" in page
    assert reverse("performance:indicator_detail", kwargs={"pk": indicator.pk}) in page
    assert reverse("performance:project_detail", kwargs={"pk": project.pk}) in page
    assert "Up 11.4% on the baseline — worse" in page
    assert 'href="#funded-projects"' in page


def test_a_report_built_before_the_performance_sections_shows_neither(client, built, executive):
    report, _, _ = built
    report.snapshot.pop("performance")
    report.save()
    client.force_login(executive)
    page = client.get(reverse("reporting:detail", kwargs={"pk": report.pk})).content.decode()
    assert "Funded projects not on track" not in page


def test_the_report_pdf_has_both_sections_and_stays_accessible(built):
    from reporting.pdf import check_accessibility, render_pdf

    report, indicator, _ = built
    rendered = render_pdf(
        template_name="reporting/pdf/exception_report.html",
        context={
            "report": report,
            "snapshot": report.snapshot,
            "pdf": True,
            "site_url": settings.CSP_SITE_URL.rstrip("/"),
        },
    )
    assert "Indicators moving the wrong way or off target (1)" in rendered.html
    assert "Gaming Together" in rendered.html and "£3,450" in rendered.html
    assert settings.CSP_SITE_URL.rstrip("/") + f"/performance/indicators/{indicator.pk}/" in (
        rendered.html
    )
    result = check_accessibility(rendered.pdf)
    assert result.problems == []
