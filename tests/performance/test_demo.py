"""The demo's 2023/24 Crime Reduction Grant, from the Working Group update of March 2024,
asserted from the pages as people read them; and the demo indicators."""

import html
import re

import pytest
from django.urls import reverse

from demo.loader import load_demo
from performance.models import (
    Bid,
    FundedProject,
    FundedProjectStatus,
    Grant,
    Indicator,
    IndicatorValue,
)

pytestmark = pytest.mark.django_db

# The eight projects as the paper lists them: title, amount, status.
PAPER = [
    ("Reducing Abusive Behaviour Policy and Training", "£4,200", "On track"),
    ("Domestic Abuse Bitesize Training Videos", "£5,440", "Delivered"),
    ("Tackling Victim Blaming Language Training", "£2,400", "Part delivered"),
    ("Hateful Extremism CPD event", "£3,500", "Delivered"),
    ("KCSP Anti-Social Behaviour Event", "£5,000", "On track"),
    ("Community Safety Information Sessions", "£1,500", "On track"),
    (
        "Business Crime Reduction Partnership (BCRP) extension to rural locations",
        "£3,186",
        "On track",
    ),
    ("Gaming Together 2023/2024", "£3,450", "On track"),
]


def words(response) -> str:
    page = response.content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", main)))


def rows(response, testid: str) -> list[list[str]]:
    page = response.content.decode()
    table = page[page.index(f'data-testid="{testid}"') :]
    table = table[: table.index("</table>")]
    out = []
    for row in re.findall(r"<tr.*?</tr>", table, flags=re.S)[1:]:
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        out.append(
            [re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", c))).strip() for c in cells]
        )
    return out


@pytest.fixture
def demo(client):
    load_demo()
    from accounts.models import User

    client.force_login(User.objects.get(email="admin@kcst.example"))
    return Grant.objects.get(partnership__slug="kent", financial_year=2023)


def test_the_grant_page_gives_the_paper_s_arithmetic(client, demo):
    response = client.get(reverse("performance:grant_detail", kwargs={"pk": demo.pk}))
    text = words(response)
    assert "£39,661 for 2023/24" in text
    assert "£26,440 up front for projects, £13,220 in a tactical pot" in text
    pots = {r[0]: r[1:] for r in rows(response, "pots")}
    #               holds,     approved,  pending, committed, spent, left
    assert pots["Up front"] == ["£26,440", "£21,240", "£0", "£21,240", "£0", "£5,200"]
    assert pots["Tactical pot"] == ["£13,220", "£7,436", "£0", "£7,436", "£0", "£5,784"]
    assert pots["The whole grant"] == ["£39,661", "£28,676", "£0", "£28,676", "£0", "£10,985"]
    # The paper's split is £1 short of the grant: the page says where the £1 is.
    assert "The pots add up to £39,660, £1 less than the grant" in text
    assert "£10,985 of the grant is not approved for any project" in text
    projects = rows(response, "projects")
    assert [
        (r[0].split(" Supports action")[0], r[3].split(" ")[0], r[5]) for r in projects[:-1]
    ] == [(title, amount, status) for title, amount, status in PAPER]
    assert projects[0][0].endswith("Supports action 1.6")
    assert projects[-1][:2] == ["8 projects approved", "£28,676"]
    assert "£1,600 and a £800 top-up" in projects[2][3]


def test_the_working_group_update_table_reproduces_the_paper(client, demo):
    response = client.get(reverse("performance:grant_update_table", kwargs={"pk": demo.pk}))
    text = words(response)
    assert (
        "The Kent Police and Crime Commissioner (PCC) granted the Kent Community Safety "
        "Partnership £39,661 from the Crime Reduction Grant for 2023/24." in text
    )
    assert "£26,440 was made available for up-front project spending and £13,220 allocated" in text
    # The tool's own sum of the paper's eight amounts: £28,676 (the paper says £28,675).
    assert "8 projects received approval, totalling £28,676" in text
    table = rows(response, "update-table")
    assert [(r[0], r[1].split(" ")[0], r[2]) for r in table[:-1]] == PAPER
    assert table[2][1] == "£2,400 £1,600 + £800 top-up"
    assert table[3][3].startswith("The event took place on the 27th February 2024")
    assert table[-1][:2] == ["Total approved", "£28,676"]
    assert "The tactical pot closes on 29 February 2024." in text
    assert "£10,985 of the grant is not approved for any project and goes back" in text


def test_each_project_supports_the_csa_action_that_carries_it(demo):
    supports = {
        p.title: (p.action.reference if p.action else None)
        for p in FundedProject.objects.filter(grant=demo).select_related("action__plan")
    }
    assert supports["Domestic Abuse Bitesize Training Videos"] == "1.5"
    assert supports["Reducing Abusive Behaviour Policy and Training"] == "1.6"
    assert supports["Gaming Together 2023/2024"] == "6.2"  # through its approved bid
    assert supports["Community Safety Information Sessions"] is None
    project = FundedProject.objects.get(title="Gaming Together 2023/2024")
    assert project.action is not None and project.action.plan.kind == "csa"


def test_the_tactical_pot_bids_and_the_top_up_are_bids(demo):
    bids = {b.title: b for b in Bid.objects.filter(grant=demo)}
    assert {b.status for b in bids.values()} == {"approved"}
    gaming = bids["Gaming Together 2023/2024"].project
    assert gaming is not None and gaming.pot == "tactical"
    top_up = bids["Tackling Victim Blaming Language Training: two more sessions"]
    assert top_up.is_top_up and top_up.project is not None
    assert top_up.project.title == "Tackling Victim Blaming Language Training"
    assert top_up.amount == 800


def test_the_demo_indicators_hold_sample_data_with_a_correction_and_a_fed_value(client, demo):
    names = set(Indicator.objects.values_list("name", flat=True))
    assert names == {
        "ASB incidents reported to Kent Police",
        "Deliberate grass fires",
        "TrueCall devices installed",
        "People trained",
    }
    assert all(v.note.startswith("Sample data:") for v in IndicatorValue.objects.all())
    fed = IndicatorValue.objects.filter(source_update__isnull=False)
    assert sorted(v.value for v in fed) == [21, 38]
    asb = Indicator.objects.get(name="ASB incidents reported to Kent Police")
    text = words(client.get(reverse("performance:indicator_detail", kwargs={"pk": asb.pk})))
    assert "2023/24 Q3: 1,114 incidents, up 11.4% on the baseline — worse." in text
    assert "Corrected: 1,125" in text


def test_loading_the_demo_again_adds_nothing(demo):
    def counts() -> list[int]:
        return [
            Grant.objects.count(),
            FundedProject.objects.count(),
            FundedProjectStatus.objects.count(),
            Bid.objects.count(),
            Indicator.objects.count(),
            IndicatorValue.objects.count(),
        ]

    before = counts()
    load_demo()
    assert counts() == before
