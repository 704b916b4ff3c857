"""The performance pages: GOV.UK forms and their messages, refusals shown on the page,
stale edits, the exports (formula injection neutralised) and pinned query counts."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from performance import services
from performance.exports import neutralise
from performance.models import Bid, Grant, Indicator, IndicatorValue, Pot
from performance.services import BidData
from tests.performance.conftest import figures_update, record_value

pytestmark = pytest.mark.django_db


def post(client: Client, name: str, data: dict, **kwargs):
    return client.post(reverse(name, kwargs=kwargs), data)


def test_a_grant_is_recorded_with_the_usual_split_when_the_pots_are_blank(
    client, district, coordinator
):
    client.force_login(coordinator)
    response = post(
        client,
        "performance:grant_add",
        {
            "name": "Crime Reduction Grant",
            "funder": "PCC",
            "year": "2023/24",
            "amount": "£39,661",
            "tactical_closes_on_0": "29",
            "tactical_closes_on_1": "2",
            "tactical_closes_on_2": "2024",
        },
        slug=district.slug,
    )
    grant = Grant.objects.get()
    assert response.status_code == 302
    assert (grant.amount, grant.up_front_amount, grant.tactical_amount) == (
        Decimal("39661"),
        Decimal("26440"),
        Decimal("13220"),
    )
    assert str(grant.tactical_closes_on) == "2024-02-29"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Enter the name of the grant"),
        ({}, "Enter the financial year, like 2023/24"),
        ({"amount": "lots"}, "Enter the amount of the grant in pounds, like 3,450 or 1,234.50"),
        ({"amount": "-5"}, "Enter the amount of the grant of £0 or more"),
        ({"amount": "10.555"}, "Enter the amount of the grant in pounds and pence, like 1,234.50"),
        ({"year": "2023-2026"}, "Enter one financial year, like 2023/24"),
        ({"amount": "100", "up_front_amount": "50"}, "Enter both pots, or leave both blank"),
        (
            {"amount": "100", "up_front_amount": "60", "tactical_amount": "41"},
            "The up-front amount and the tactical pot must add up to no more than the grant",
        ),
        (
            {
                "tactical_closes_on_0": "31",
                "tactical_closes_on_1": "2",
                "tactical_closes_on_2": "2024",
            },
            "Date the tactical pot closes must be a real date",
        ),
    ],
)
def test_the_grant_form_says_what_is_wrong(client, district, coordinator, data, message):
    client.force_login(coordinator)
    response = post(client, "performance:grant_add", data, slug=district.slug)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "<title>Error: " in page and "There is a problem" in page
    assert not Grant.objects.exists()


def test_approving_a_bid_that_over_commits_the_pot_is_refused_on_the_page(
    client, grant, make_project, coordinator
):
    make_project("Big", "13000", pot=Pot.TACTICAL)
    bid = services.bid_submit(grant=grant, data=BidData(title="Gaming bus", amount=Decimal("3450")))
    client.force_login(coordinator)
    detail = client.get(
        reverse("performance:grant_detail", kwargs={"pk": grant.pk})
    ).content.decode()
    assert "would over-commit the tactical pot by £3,230" in detail  # the warning first
    response = post(
        client,
        "performance:bid_decide",
        {"decision": "approve", "decided_on_0": "10", "decided_on_1": "1", "decided_on_2": "2024"},
        pk=bid.pk,
    )
    assert response.status_code == 200
    assert (
        "Approving this bid would over-commit the tactical pot by £3,230: it has £220 left "
        "and this is £3,450"
    ) in response.content.decode()
    bid.refresh_from_db()
    assert bid.status == Bid.Decision.PENDING
    response = post(
        client,
        "performance:bid_decide",
        {"decision": "decline", "decided_on_0": "10", "decided_on_1": "1", "decided_on_2": "2024"},
        pk=bid.pk,
    )
    assert response.status_code == 302
    bid.refresh_from_db()
    assert bid.status == Bid.Decision.DECLINED


def test_a_bid_after_the_pot_closed_is_refused_on_its_date(client, grant, coordinator):
    grant.tactical_closes_on = "2023-12-31"
    grant.save()
    client.force_login(coordinator)
    response = post(
        client,
        "performance:bid_add",
        {
            "title": "Late bid",
            "amount": "100",
            "submitted_on_0": "2",
            "submitted_on_1": "1",
            "submitted_on_2": "2024",
        },
        pk=grant.pk,
    )
    assert "The tactical pot closed on 31 December 2023" in response.content.decode()
    assert not Bid.objects.exists()


def test_a_stale_edit_of_a_project_is_refused_and_shows_what_is_saved(
    client, grant, make_project, coordinator
):
    project = make_project("Videos", "5440")
    client.force_login(coordinator)
    data = {"title": "Videos", "pot": "up_front", "amount_approved": "5440", "lock_version": "1"}
    assert (
        post(
            client, "performance:project_edit", data | {"title": "Bitesize videos"}, pk=project.pk
        ).status_code
        == 302
    )
    response = post(
        client, "performance:project_edit", data | {"amount_approved": "6000"}, pk=project.pk
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this after you opened it" in page
    assert 'data-testid="conflict"' in page and "Bitesize videos: £5,440 approved" in page
    project.refresh_from_db()
    assert (project.title, project.amount_approved) == ("Bitesize videos", Decimal("5440"))


def test_a_status_change_is_added_to_the_project_s_history(client, make_project, coordinator):
    project = make_project("Videos", status="on_track")
    client.force_login(coordinator)
    response = post(
        client,
        "performance:project_status",
        {
            "status": "delivered",
            "note": "Five videos launched",
            "lock_version": project.lock_version,
        },
        pk=project.pk,
    )
    assert response.status_code == 302
    page = client.get(
        reverse("performance:project_detail", kwargs={"pk": project.pk})
    ).content.decode()
    assert page.count("govuk-tag--blue") >= 2  # now delivered, in the tag and the history
    assert "Five videos launched" in page
    assert list(
        project.statuses.order_by("recorded_at", "id").values_list("status", flat=True)
    ) == [
        "on_track",
        "delivered",
    ]
    response = post(client, "performance:project_status", {"lock_version": "0"}, pk=project.pk)
    assert "Select the project&#x27;s status" in response.content.decode()
    assert "Enter an update" in response.content.decode()


def test_an_indicator_is_defined_and_a_correction_needs_its_reason(client, district, coordinator):
    client.force_login(coordinator)
    response = post(
        client,
        "performance:indicator_add",
        {
            "name": "ASB incidents reported to Kent Police",
            "unit": "incidents",
            "source": "Kent Police",
            "direction": "lower",
            "frequency": "quarterly",
            "baseline_value": "1,000",
            "baseline_period": "2022/23",
            "target_value": "950",
        },
        slug=district.slug,
    )
    indicator = Indicator.objects.get()
    assert response.status_code == 302
    assert (indicator.baseline_value, indicator.baseline_period) == (Decimal(1000), "2022/23")
    assert (
        post(
            client, "performance:value_add", {"period": "2023-3", "value": "1,114"}, pk=indicator.pk
        ).status_code
        == 302
    )
    response = post(
        client, "performance:value_add", {"period": "2023-3", "value": "1100"}, pk=indicator.pk
    )
    assert "Enter why the value for 2023/24 Q3 is corrected: it has a value already" in (
        response.content.decode()
    )
    post(
        client,
        "performance:value_add",
        {"period": "2023-3", "value": "1100", "note": "Duplicates removed"},
        pk=indicator.pk,
    )
    assert IndicatorValue.objects.filter(indicator=indicator).count() == 2
    page = client.get(
        reverse("performance:indicator_detail", kwargs={"pk": indicator.pk})
    ).content.decode()
    assert "up 10.0% on the baseline — worse" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"baseline_value": "5"}, "Enter the period of the baseline"),
        ({"baseline_period": "last year"}, "Enter the period like"),
        (
            {"baseline_value": "a lot", "baseline_period": "2022/23"},
            "Enter the baseline as a number",
        ),
        ({}, "Select which way is good"),
        ({"direction": "sideways"}, "Select which way is good"),
    ],
)
def test_the_indicator_form_says_what_is_wrong(client, district, coordinator, data, message):
    client.force_login(coordinator)
    response = post(client, "performance:indicator_add", {"name": "X"} | data, slug=district.slug)
    assert message in response.content.decode()
    assert not Indicator.objects.exists()


def test_the_coordinator_picks_a_reported_figure_on_the_indicator_page(
    client, make_indicator, swale_plan, agency, officer, coordinator
):
    from actions.services import Figure
    from tests import factories

    action = factories.ActionFactory(
        priority=factories.PriorityFactory(plan=swale_plan, number=3),
        plan=swale_plan,
        reference="3.3",
        lead_agencies=[agency],
    )
    update = figures_update(action, officer, Figure("deliberate grass and rubbish fires", 38))
    indicator = make_indicator(actions=[action], figure_label="Deliberate grass and rubbish fires")
    client.force_login(coordinator)
    page = client.get(
        reverse("performance:indicator_detail", kwargs={"pk": indicator.pk})
    ).content.decode()
    assert f'value="{update.pk}:0"' in page
    # The button names the quarter and the action to a screen reader.
    assert re.search(
        r'Use as the value<span class="govuk-visually-hidden"> for \w[^<]* from action 3\.3</span>',
        page,
    )
    response = post(
        client, "performance:value_from_update", {"figure": f"{update.pk}:0"}, pk=indicator.pk
    )
    assert response.status_code == 302
    value = IndicatorValue.objects.get()
    assert (value.value, value.source_update_id, value.period) == (Decimal(38), update.pk, 2)
    page = client.get(
        reverse("performance:indicator_detail", kwargs={"pk": indicator.pk})
    ).content.decode()
    assert "Recorded as the value" in page
    assert "Reported in the update of action 3.3" in page
    # Someone else's update, or nonsense, records nothing.
    post(client, "performance:value_from_update", {"figure": "999999:0"}, pk=indicator.pk)
    post(client, "performance:value_from_update", {"figure": "drop table"}, pk=indicator.pk)
    assert IndicatorValue.objects.count() == 1


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1", "-1+2", "@SUM(A1)", "\tTab"])
def test_text_that_a_spreadsheet_would_run_is_neutralised(text):
    assert neutralise(text) == "'" + text
    assert neutralise("Gaming Together") == "Gaming Together"
    assert neutralise(Decimal("-5")) == Decimal("-5")  # numbers stay numbers


def test_the_projects_export_as_csv_and_xlsx(client, grant, make_project, executive):
    make_project('=HYPERLINK("http://evil.example","Click")', "1234.50", lead_text="@KCST")
    make_project("Videos", "5440", amount_spent=Decimal("5000"))
    client.force_login(executive)
    response = client.get(
        reverse("performance:projects_export", kwargs={"pk": grant.pk, "fmt": "csv"})
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="' in response["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0][:5] == ["Grant", "Project", "Lead", "Pot", "Amount approved (£)"]
    assert table[1][1] == '\'=HYPERLINK("http://evil.example","Click")'
    assert table[1][2] == "'@KCST"
    assert table[1][4] == "1234.50"
    assert table[2][6] == "5000.00"

    from openpyxl import load_workbook

    response = client.get(
        reverse("performance:projects_export", kwargs={"pk": grant.pk, "fmt": "xlsx"})
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet["B2"].value == '\'=HYPERLINK("http://evil.example","Click")'
    assert sheet["B2"].data_type == "s"
    assert sheet["E2"].value == pytest.approx(1234.5)
    assert "£" in sheet["E2"].number_format
    assert (
        client.get(
            reverse("performance:projects_export", kwargs={"pk": grant.pk, "fmt": "pdf"})
        ).status_code
        == 404
    )


def test_the_values_export_lists_corrections_too(client, district, make_indicator, executive):
    indicator = make_indicator(name="ASB")
    record_value(indicator, "2023/24 Q1", 10, note="first", hour=9)
    record_value(indicator, "2023/24 Q1", 12, note="-corrected", hour=10)
    client.force_login(executive)
    response = client.get(
        reverse("performance:values_export", kwargs={"slug": district.slug, "fmt": "csv"})
    )
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r[3], r[4], r[5], r[6]) for r in table[1:]] == [
        ("2023/24 Q1", "12.00", "Current", "'-corrected"),
        ("2023/24 Q1", "10.00", "Corrected", "first"),
    ]


# --- query counts: the same for 2 rows or 20 ---------------------------------------------


def _projects(grant, make_project, n):
    for i in range(n):
        project = make_project(f"Project {i}", "100", pot=Pot.TACTICAL if i % 2 else Pot.UP_FRONT)
        services.project_status_record(project=project, status="at_risk", note="Late")
        if i % 3 == 0:
            bid = services.bid_submit(
                grant=grant,
                data=BidData(title=f"Top-up {i}", amount=Decimal(10), top_up_of=project),
            )
            services.bid_decide(bid=bid, approve=True, user=None)


@pytest.mark.parametrize("n", [2, 20])
@pytest.mark.parametrize(
    ("name", "limit"),
    [
        # session, user, memberships, the grant, its projects, its bids, and the
        # savepoints of ATOMIC_REQUESTS: the same for 2 projects or 20.
        ("performance:grant_detail", 11),
        ("performance:grant_update_table", 11),
        ("performance:projects_export", 11),
    ],
)
def test_grant_pages_query_counts_do_not_grow_with_projects(
    client, grant, make_project, coordinator, django_assert_max_num_queries, n, name, limit
):
    _projects(grant, make_project, n)
    client.force_login(coordinator)
    kwargs = {"pk": grant.pk} | ({"fmt": "xlsx"} if name.endswith("export") else {})
    with django_assert_max_num_queries(limit):
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 200


def _indicators(district, make_indicator, n, values):
    made = []
    for i in range(n):
        indicator = make_indicator(
            name=f"Indicator {i}", baseline_value=Decimal(5), baseline_period="2022/23"
        )
        for q in range(values):
            record_value(indicator, f"2023/24 Q{q % 4 + 1}", q)
        made.append(indicator)
    return made


@pytest.mark.parametrize("n", [2, 20])
def test_the_partnership_page_query_count_does_not_grow_with_indicators_or_grants(
    client,
    district,
    grant,
    make_project,
    make_indicator,
    coordinator,
    django_assert_max_num_queries,
    n,
):
    _projects(grant, make_project, n)
    _indicators(district, make_indicator, n, 3)
    client.force_login(coordinator)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("performance:partnership", kwargs={"slug": district.slug}))
    assert response.status_code == 200
    assert response.content.decode().count("/performance/indicators/") == n


@pytest.mark.parametrize("n", [2, 20])
@pytest.mark.parametrize(
    ("name", "limit"),
    [("performance:indicator_detail", 12), ("performance:value_add", 12)],
)
def test_indicator_pages_query_counts_do_not_grow_with_values(
    client, district, make_indicator, coordinator, django_assert_max_num_queries, n, name, limit
):
    (indicator,) = _indicators(district, make_indicator, 1, n)
    client.force_login(coordinator)
    with django_assert_max_num_queries(limit):
        assert client.get(reverse(name, kwargs={"pk": indicator.pk})).status_code == 200


@pytest.mark.parametrize("n", [2, 20])
def test_the_values_export_query_count_does_not_grow(
    client, district, make_indicator, executive, django_assert_max_num_queries, n
):
    _indicators(district, make_indicator, n, n)
    client.force_login(executive)
    with django_assert_max_num_queries(11):
        response = client.get(
            reverse("performance:values_export", kwargs={"slug": district.slug, "fmt": "xlsx"})
        )
    assert response.status_code == 200
