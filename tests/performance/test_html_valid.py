"""The performance pages are valid HTML (the Nu Html Checker, as tests/test_html_valid.py)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from performance import services
from performance.models import Pot
from tests import factories
from tests.performance.conftest import record_value
from tests.test_html_valid import _vnu_available, vnu_problems
from tests.world import build_world

pytestmark = pytest.mark.django_db


def test_performance_pages_are_valid_html(client, tmp_path):
    _vnu_available()
    world = build_world()
    grant = factories.kent_grant(world.district, funder="PCC")
    project = services.project_create(
        grant=grant,
        data=services.ProjectData(title="Videos", amount_approved=Decimal(13000), pot=Pot.TACTICAL),
        status="at_risk",
        note="Late",
    )
    bid = services.bid_submit(
        grant=grant, data=services.BidData(title="More", amount=Decimal(800), top_up_of=project)
    )
    indicator = factories.asb_indicator(
        world.district,
        name="ASB",
        baseline_value=Decimal(10),
        baseline_period="2022/23",
        target_value=Decimal(9),
        actions=[world.action],
    )
    record_value(indicator, "2023/24 Q1", 12)
    record_value(indicator, "2023/24 Q1", 11, note="Corrected", hour=11)
    client.force_login(world.users["coordinator"])
    slug, g, p, i = world.district.slug, grant.pk, project.pk, indicator.pk
    pages = {
        "index": reverse("performance:index"),
        "partnership": reverse("performance:partnership", kwargs={"slug": slug}),
        "grant": reverse("performance:grant_detail", kwargs={"pk": g}),
        "grant-edit": reverse("performance:grant_edit", kwargs={"pk": g}),
        "grant-return": reverse("performance:grant_return", kwargs={"pk": g}),
        "update-table": reverse("performance:grant_update_table", kwargs={"pk": g}),
        "project": reverse("performance:project_detail", kwargs={"pk": p}),
        "project-add": reverse("performance:project_add", kwargs={"pk": g}),
        "project-status": reverse("performance:project_status", kwargs={"pk": p}),
        "bid-add": reverse("performance:bid_add", kwargs={"pk": g}),
        "bid-decide": reverse("performance:bid_decide", kwargs={"pk": bid.pk}),
        "indicator": reverse("performance:indicator_detail", kwargs={"pk": i}),
        "indicator-edit": reverse("performance:indicator_edit", kwargs={"pk": i}),
        "value-add": reverse("performance:value_add", kwargs={"pk": i}),
    }
    files = []
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    response = client.post(reverse("performance:grant_add", kwargs={"slug": slug}), {})
    (tmp_path / "grant-errors.html").write_bytes(response.content)
    files.append(str(tmp_path / "grant-errors.html"))
    assert vnu_problems(files, timeout=180) == []
