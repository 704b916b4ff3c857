"""The plan overview: its action plan groups each action under its priority or theme and
heading, and costs the same number of queries for a small plan or a big one."""

import pytest
from django.urls import reverse

from priorities.models import Workstream
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
        with django_assert_max_num_queries(16):
            page = client.get(url).content.decode()
    for action in plan.actions.all():
        assert f'href="/actions/{action.pk}/edit/"' in page
        assert page.count(f'action="/actions/{action.pk}/move/"') == 2
    # A heading's action comes after its heading row, a loose one before.
    for w in Workstream.objects.all():
        heading = page.index(f'data-testid="heading-row">{w.title}</th>')
        assert page.index(f">In {w.pk}<") > heading > page.index(f">Loose {w.priority_id}<")
    assert page.count("County category: ") == 6
