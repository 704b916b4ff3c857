"""A plan's document can place the grants and funded projects and the indicator set as
tables the tool builds (GeneratedTable), frozen in the snapshot, in the preview and the
checked PDF."""

from decimal import Decimal

import pytest
from django.urls import reverse

from performance import services
from performance.models import Pot
from performance.services import BidData
from plans.models import GeneratedTable, Plan
from publishing import services as publishing
from publishing.snapshot import document_snapshot
from reporting.pdf import check_accessibility
from tests import factories
from tests.performance.conftest import record_value

pytestmark = pytest.mark.django_db


@pytest.fixture
def csa(county):
    """The CSA April 2024 (2024/25) of the county, which reports on 2023/24."""
    plan = factories.PlanFactory(
        partnership=county,
        kind=Plan.Kind.CSA,
        title="Kent Community Safety Agreement",
        start_year=2024,
        end_year=2025,
        status=Plan.Status.DRAFT,
    )
    factories.PriorityFactory(plan=plan, number=1, title="Domestic Abuse")
    return plan


@pytest.fixture
def performance_data(county, make_indicator):
    grant = factories.kent_grant(county, funder="Kent Police and Crime Commissioner (PCC)")
    training = services.project_create(
        grant=grant,
        data=services.ProjectData(
            title="Tackling Victim Blaming Language Training",
            amount_approved=Decimal("1600"),
            lead_text="KCST",
        ),
        status="part_delivered",
    )
    bid = services.bid_submit(
        grant=grant, data=BidData(title="More", amount=Decimal("800"), top_up_of=training)
    )
    services.bid_decide(bid=bid, approve=True, user=None)
    services.project_create(
        grant=grant,
        data=services.ProjectData(
            title="Gaming Together 2023/2024", amount_approved=Decimal("3450"), pot=Pot.TACTICAL
        ),
        status="on_track",
    )
    indicator = make_indicator(
        partnership=county,
        name="TrueCall devices installed",
        unit="devices",
        direction="higher",
        baseline_value=Decimal(20),
        baseline_period="2018/19",
        target_value=Decimal(25),
    )
    record_value(indicator, "2023/24 Q3", 23)
    return grant


def test_nothing_is_read_or_shown_unless_a_section_places_the_tables(csa, performance_data):
    snapshot = document_snapshot(plan=csa)
    assert snapshot["grants"] == [] and snapshot["indicators"] == []
    kinds = {c["generated"] for c in snapshot["appended"]}
    assert not kinds & {GeneratedTable.FUNDED_PROJECTS, GeneratedTable.INDICATORS}


def test_the_csa_places_its_funded_projects_and_indicator_set(
    csa, performance_data, county_admin, client
):
    factories.SectionFactory(
        plan=csa, title="5. Key Achievements", body="Project funding.", generated="funded_projects"
    )
    factories.SectionFactory(
        plan=csa, title="Appendix F: Proxy indicators", body="", generated="indicators"
    )
    snapshot = document_snapshot(plan=csa, number="8.0")
    (grant,) = snapshot["grants"]
    assert (grant["amount"], grant["up_front"], grant["tactical"]) == (
        "£39,661",
        "£26,440",
        "£13,220",
    )
    assert (grant["approved"], grant["left"], grant["project_count"]) == ("£5,850", "£33,811", 2)
    assert [(p["title"], p["amount"], p["status"]) for p in grant["projects"]] == [
        ("Tackling Victim Blaming Language Training", "£2,400", "Part delivered"),
        ("Gaming Together 2023/2024", "£3,450", "On track"),
    ]
    (indicator,) = snapshot["indicators"]
    assert indicator["trend"] == "up 15.0% on the baseline — better"
    client.force_login(county_admin)
    preview = client.get(reverse("publishing:preview", kwargs={"pk": csa.pk})).content.decode()
    assert "Crime Reduction Grant 2023/24: funded projects" in preview
    assert "Up 15.0% on the baseline — better" in preview
    rendered = publishing.document_render(snapshot=snapshot)
    assert "Gaming Together 2023/2024" in rendered.html and "£2,400" in rendered.html
    assert "TrueCall devices installed" in rendered.html
    assert check_accessibility(rendered.pdf).problems == []


def test_the_section_form_offers_the_new_tables(csa, county_admin, client):
    client.force_login(county_admin)
    page = client.get(reverse("plans:section_add", kwargs={"pk": csa.pk})).content.decode()
    assert "Grants and the projects they fund" in page and "Performance indicators" in page
