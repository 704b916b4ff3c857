"""The plan overview: its action plan groups each action under its priority or theme and
heading, and costs the same number of queries for a small plan or a big one."""

from datetime import date

import pytest
from django.urls import reverse

from plans import selectors
from plans.models import Plan, PlanVersion
from priorities.models import PoliceAndCrimePlan, Workstream
from tests import factories

pytestmark = pytest.mark.django_db


def _grow(plan, n: int) -> None:
    for _ in range(n):
        priority = factories.PriorityFactory(plan=plan)
        priority.categories.add(factories.CategoryFactory())
        theme = factories.ThemeFactory(plan=plan)
        prevent = Workstream.objects.create(priority=priority, title=f"Prevent {priority.pk}")
        factories.ActionFactory(priority=priority, title=f"Loose {priority.pk}")
        factories.ActionFactory(priority=priority, workstream=prevent, title=f"In {prevent.pk}")
        factories.ActionFactory(priority=None, theme=theme, title=f"Theme {theme.pk}")


def test_the_overview_groups_the_actions_and_costs_the_same_for_any_size(
    client, district, coordinator, django_assert_max_num_queries
):
    plan = factories.PlanFactory(partnership=district, status="draft")
    client.force_login(coordinator)
    url = reverse("plans:overview", kwargs={"pk": plan.pk})
    for size in (1, 5):
        _grow(plan, size)
        with django_assert_max_num_queries(13):
            page = client.get(url).content.decode()
    for action in plan.actions.all():
        assert f'href="/actions/{action.pk}/edit/"' in page
        assert page.count(f'action="/actions/{action.pk}/move/"') == 2
    # A heading's action comes after its heading row, a loose one before.
    for w in Workstream.objects.all():
        heading = page.index(f'data-testid="heading-row">{w.title}</th>')
        assert page.index(f">In {w.pk}<") > heading > page.index(f">Loose {w.priority_id}<")
    assert page.count("County category: ") == 6


def test_the_overview_reads_what_the_plans_relations_hold(district, other_district, coordinator):
    """The overview's rows, each read by a query kept compiled for every plan, are the
    plan's relations' own, in their order: for two plans (the second read from the kept
    SQL), and a plan the person cannot see is not found."""
    plans = [
        factories.PlanFactory(
            partnership=district, status="draft", start_year=2023 + n, end_year=2024 + n
        )
        for n in range(2)
    ]
    for n, plan in enumerate(plans):
        _grow(plan, 2 + n)
        for order in (3, 1):
            factories.SectionFactory(plan=plan, order=order)
        for number, day in (("1.0", date(2023, 4, 1)), ("2.0", date(2024, 1, 1))):
            PlanVersion.objects.create(plan=plan, number=number, effective_date=day)
        priority = plan.priorities.all()[0]
        # Categories added out of their order; a theme's heading.
        priority.categories.add(
            factories.CategoryFactory(name="Zeta", order=9), factories.CategoryFactory(order=0)
        )
        theme = plan.themes.all()[0]
        theme.categories.add(factories.CategoryFactory(name="Theme category", order=5))
        Workstream.objects.create(theme=theme, title="Under the theme", order=2)
        Workstream.objects.create(theme=theme, title="First under the theme", order=1)
    for plan in plans:
        overview = selectors.plan_overview(user=coordinator, pk=plan.pk)
        assert overview.plan == plan
        assert overview.sections == list(plan.sections.order_by("order", "id"))
        assert overview.versions == list(plan.versions.order_by("-effective_date", "-number"))
        assert [a.pk for a in overview.actions] == [a.pk for a in plan.actions.all()]
        assert overview.actions == [
            selectors.OverviewAction(*row)
            for row in plan.actions.values_list(*selectors.OverviewAction._fields)
        ]
        for relation in ("priorities", "themes"):
            headings = list(getattr(plan, relation).all())
            assert getattr(overview, relation) == headings
            for heading in headings:
                key = (relation, heading.pk)
                assert overview.categories.get(key, []) == list(heading.categories.all())
                assert overview.workstreams.get(key, []) == list(heading.workstreams.all())
        assert sum(map(len, overview.categories.values())) == 2 + len(plan.priorities.all()) + 1
    theirs = factories.PlanFactory(partnership=other_district)
    with pytest.raises(Plan.DoesNotExist):
        selectors.plan_overview(user=coordinator, pk=theirs.pk)


def test_the_plans_refreshing_a_plan_and_its_areas_pcc_plans_are_the_relations_own(
    district, other_district
):
    plan = factories.PlanFactory(partnership=district)
    later = [
        factories.PlanFactory(
            partnership=district, previous=plan, start_year=year, end_year=year + 1
        )
        for year in (2025, 2024)
    ]
    factories.PlanFactory(partnership=other_district, previous=None)
    for _ in range(2):  # the second from the kept SQL
        assert selectors.plan_refreshed_by(plan=plan) == list(plan.refreshes.all())
        assert sorted(p.pk for p in selectors.plan_refreshed_by(plan=plan)) == sorted(
            p.pk for p in later
        )
        assert selectors.plan_refreshed_by(plan=later[0]) == []
    PoliceAndCrimePlan.objects.create(area=district, title="Kent PCC plan", period="2021-2025")
    for _ in range(2):
        assert selectors.partnership_has_pcc_plans(partnership=district) is True
        assert selectors.partnership_has_pcc_plans(partnership=other_district) is False
