"""A coordinator's performance work in Chromium, every page checked with axe-core: the
pots at a glance, a bid refused because it would over-commit the tactical pot, and an
indicator's chart and values."""

from decimal import Decimal

import pytest
from django.urls import reverse

from performance import services
from performance.models import Bid, Pot
from tests import factories
from tests.performance.conftest import record_value
from tests.world import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    world = build_world()
    grant = factories.kent_grant(world.district, funder="Kent Police and Crime Commissioner (PCC)")
    services.project_create(
        grant=grant,
        data=services.ProjectData(
            title="Gaming Together 2023/2024", amount_approved=Decimal("13000"), pot=Pot.TACTICAL
        ),
        status="on_track",
        note="School dates confirmed.",
    )
    indicator = factories.asb_indicator(
        world.district,
        baseline_value=Decimal(1000),
        baseline_period="2022/23",
        target_value=Decimal(950),
    )
    record_value(indicator, "2023/24 Q1", 1046)
    record_value(indicator, "2023/24 Q3", 1114)
    world.grant = grant  # type: ignore[attr-defined]
    world.indicator = indicator  # type: ignore[attr-defined]
    return world


def test_a_coordinator_records_a_bid_the_pot_cannot_take_and_reads_an_indicator(site, world):
    site.sign_in(world.users["coordinator"].email, PASSWORD)
    site.goto(reverse("performance:partnership", kwargs={"slug": world.district.slug}))
    site.click(site.page.get_by_role("link", name="Crime Reduction Grant 2023/24"))
    assert "£39,661 for 2023/24" in site.page.inner_text("main")
    site.press("Record a bid")
    site.page.get_by_label("Title of the bid").fill("BCRP rural extension")
    site.page.get_by_label("Amount asked for").fill("3,186")
    site.press("Save bid")
    main = site.page.inner_text("main")
    assert "would over-commit the tactical pot by £2,966" in main  # the warning
    site.click(site.page.get_by_role("link", name="Record the decision"))
    site.page.get_by_label("Approved").check()
    site.press("Save decision")
    summary = site.page.locator(".govuk-error-summary").inner_text()
    assert "over-commit the tactical pot by £2,966: it has £220 left" in summary
    assert Bid.objects.get().status == "pending"

    site.goto(reverse("performance:indicator_detail", kwargs={"pk": world.indicator.pk}))
    main = site.page.inner_text("main")
    assert "up 11.4% on the baseline — worse" in main
    assert "No value recorded" in main  # 2023/24 Q2
    chart = site.page.get_by_role("img", name="Bar chart: ASB incidents reported to Kent Police")
    assert chart.count() == 1
