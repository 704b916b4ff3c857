"""The action list's filter offers what the person can choose without listing the world:
every heading only for a few plans, otherwise those of the chosen plan."""

from typing import Any

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions import selectors
from actions.filters import FULL_CHOICE_PLANS, ActionFilter
from actions.models import Action
from plans.models import Membership, Partnership, Plan
from priorities.models import Workstream
from tests import factories

pytestmark = pytest.mark.django_db


def _district_plans(county: Partnership, n: int) -> list[Plan]:
    plans = []
    for i in range(n):
        district = factories.DistrictFactory(parent=county, slug=f"{county.slug}-district-{i}")
        plan = factories.PlanFactory(partnership=district, title=f"Plan of district {i}")
        priority = factories.PriorityFactory(plan=plan, number=1, title=f"Priority of {i}")
        factories.ThemeFactory(plan=plan, number=1, title=f"Theme of {i}")
        agency = factories.AgencyFactory(
            short_name=f"AG-{county.slug}-{i}", name=f"Agency {county.slug} {i}"
        )
        factories.ActionFactory(plan=plan, priority=priority, lead_agencies=[agency])
        plans.append(plan)
    return plans


def _field(action_filter: ActionFilter, name: str) -> Any:
    """A field of the filter's form, as the page renders it (its choices, its queryset)."""
    return action_filter.form.fields[name]


def _filter(user: Any, query: str) -> ActionFilter:
    actions = selectors.action_list(user=user)
    return ActionFilter(
        QueryDict(query) if query else None,
        queryset=actions,
        plans=selectors.plan_list(user=user),
    )


@pytest.fixture
def county_admin_of_many(county: Partnership) -> tuple[Any, list[Plan]]:
    plans = _district_plans(county, FULL_CHOICE_PLANS + 3)
    admin = factories.MembershipFactory(partnership=county, role=Membership.Role.COUNTY_ADMIN)
    return admin.user, plans


def test_many_plans_offer_headings_only_once_a_plan_is_chosen(
    county_admin_of_many: tuple[Any, list[Plan]],
) -> None:
    admin, plans = county_admin_of_many
    unchosen = _filter(admin, "")
    assert list(_field(unchosen, "heading").choices) == [("", "All priorities and themes")]
    assert "Choose a plan" in _field(unchosen, "heading").help_text
    assert list(_field(unchosen, "workstream").choices) == [("", "All headings")]
    assert list(_field(unchosen, "lead").choices) == [("", "All lead agencies")]
    chosen = _filter(admin, f"plan={plans[2].pk}")
    labels = [label for _, label in _field(chosen, "heading").choices]
    assert labels == [
        "All priorities and themes",
        "Plan of district 2 – Priority 1: Priority of 2",
        "Plan of district 2 – Theme 1: Theme of 2",
    ]
    # The leads the page offers (the widget's options; the field's queryset only checks
    # a lead asked for).
    leads = [label for _, label in _field(chosen, "lead").widget.choices][1:]
    county = plans[2].partnership.parent
    assert county is not None
    assert leads == [f"AG-{county.slug}-2"]


def test_a_heading_of_another_plan_is_still_a_valid_filter(
    county_admin_of_many: tuple[Any, list[Plan]],
) -> None:
    admin, plans = county_admin_of_many
    priority = plans[5].priorities.get()
    theme = plans[4].themes.get()
    by_priority = _filter(admin, f"heading=p{priority.pk}")
    assert by_priority.is_valid()
    assert [a.plan_id for a in by_priority.qs] == [plans[5].pk]
    assert _filter(admin, f"heading=t{theme.pk}").is_valid()
    lead = Action.objects.get(plan=plans[3]).lead_agencies.get()
    by_lead = _filter(admin, f"lead={lead.pk}")
    assert by_lead.is_valid() and [a.plan_id for a in by_lead.qs] == [plans[3].pk]
    # Only the one asked for is listed besides "All".
    assert len(_field(by_priority, "heading").choices) == 2


def test_a_heading_or_lead_of_a_plan_not_seen_is_an_error(
    county_admin_of_many: tuple[Any, list[Plan]],
) -> None:
    admin, _ = county_admin_of_many
    elsewhere = _district_plans(factories.CountyFactory(slug="elsewhere"), 1)[0]
    priority = elsewhere.priorities.get()
    assert not _filter(admin, f"heading=p{priority.pk}").is_valid()
    lead = Action.objects.get(plan=elsewhere).lead_agencies.get()
    assert not _filter(admin, f"lead={lead.pk}").is_valid()


def test_a_few_plans_offer_every_heading(district: Partnership, county: Partnership) -> None:
    plans = _district_plans(county, 2)
    coordinator = factories.MembershipFactory(partnership=plans[0].partnership, role="coordinator")
    choices = _field(_filter(coordinator.user, ""), "heading").choices
    assert len(list(choices)) == 3


@pytest.mark.parametrize("n", [FULL_CHOICE_PLANS + 1, FULL_CHOICE_PLANS + 20])
def test_the_filter_reads_the_same_few_queries_whatever_the_plans(
    county: Partnership, n: int
) -> None:
    _district_plans(county, n)
    admin = factories.MembershipFactory(partnership=county, role=Membership.Role.COUNTY_ADMIN)
    with CaptureQueriesContext(connection) as queries:
        action_filter = _filter(admin.user, "")
        "".join(str(field) for field in action_filter.form)
    sql = [q["sql"] for q in queries.captured_queries]
    # The person's memberships and the plans (for the choices and for the field); no
    # heading or lead agency is read before a plan is chosen.
    assert len(sql) <= 3, sql
    assert not any("DISTINCT" in s for s in sql)


def test_the_action_list_page_still_filters_by_a_heading_link(
    client: Client, county_admin_of_many: tuple[Any, list[Plan]]
) -> None:
    admin, plans = county_admin_of_many
    client.force_login(admin)
    priority = plans[1].priorities.get()
    response = client.get(reverse("actions:list"), {"heading": f"p{priority.pk}"})
    assert [a.plan_id for a in response.context["page"].object_list] == [plans[1].pk]
    assert "Choose a plan and apply the filters" in response.content.decode()


def test_a_few_plans_offer_their_headings_in_the_plan_selects_order(
    district: Partnership, officer: Any
) -> None:
    """Someone who sees a few plans is offered every heading of them: each plan's
    priorities, then its themes, plans in the order of the plan select; the headings
    within them (Pursue, Prevent) a priority's first, by plan, number and their order."""
    older = factories.PlanFactory(
        partnership=district, title="Strategy 2020-24", start_year=2020, end_year=2025
    )
    newer = factories.PlanFactory(partnership=district, title="Plan 2023/24", start_year=2023)
    for plan in (older, newer):
        for number in (2, 1):
            priority = factories.PriorityFactory(plan=plan, number=number, title=f"P{number}")
            Workstream.objects.create(priority=priority, title="Prevent", order=2)
            Workstream.objects.create(priority=priority, title="Pursue", order=1)
        theme = factories.ThemeFactory(plan=plan, number=1, title="T1")
        Workstream.objects.create(theme=theme, title="Protect", order=1)
    action_filter = _filter(officer, "")
    plans = [label for _, label in _field(action_filter, "plan").choices][1:]
    assert plans[0].startswith("Plan 2023/24") and plans[1].startswith("Strategy 2020-24")
    assert plans == [str(newer), str(older)]  # each plan's label (read as values) is its own
    headings = [label for _, label in _field(action_filter, "heading").choices][1:]
    assert headings == [
        "Plan 2023/24 – Priority 1: P1",
        "Plan 2023/24 – Priority 2: P2",
        "Strategy 2020-24 – Priority 1: P1",
        "Strategy 2020-24 – Priority 2: P2",
        "Plan 2023/24 – Theme 1: T1",
        "Strategy 2020-24 – Theme 1: T1",
    ]
    workstreams = [label for _, label in _field(action_filter, "workstream").choices][1:]
    assert workstreams == [
        "Plan 2023/24 – Priority 1: P1: Pursue",
        "Plan 2023/24 – Priority 1: P1: Prevent",
        "Plan 2023/24 – Priority 2: P2: Pursue",
        "Plan 2023/24 – Priority 2: P2: Prevent",
        "Strategy 2020-24 – Priority 1: P1: Pursue",
        "Strategy 2020-24 – Priority 1: P1: Prevent",
        "Strategy 2020-24 – Priority 2: P2: Pursue",
        "Strategy 2020-24 – Priority 2: P2: Prevent",
        "Plan 2023/24 – Cross-cutting theme 1: T1: Protect",
        "Strategy 2020-24 – Cross-cutting theme 1: T1: Protect",
    ]


def test_the_choices_read_by_kept_queries_are_the_orms(
    county_admin_of_many: tuple[Any, list[Plan]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The headings, their headings and the leads offered (their queries compiled once,
    ``csp_tracker.compiled``) are the same when the queries are built every time: for a
    plan chosen, and for a heading, a heading's heading and a lead asked for without one."""
    from csp_tracker import compiled

    admin, plans = county_admin_of_many
    priority = plans[5].priorities.get()
    Workstream.objects.create(priority=priority, title="Pursue")
    lead = Action.objects.get(plan=plans[3]).lead_agencies.get()
    workstream = Workstream.objects.create(theme=plans[4].themes.get(), title="Prevent")
    queries = [
        f"plan={plans[5].pk}",
        f"heading=p{priority.pk}&lead={lead.pk}&workstream={workstream.pk}",
    ]

    def offered() -> list[Any]:
        seen = []
        for query in queries:
            action_filter = _filter(admin, query)
            seen.append(
                (
                    action_filter.is_valid(),
                    [
                        list(_field(action_filter, name).widget.choices)
                        for name in ("heading", "workstream", "lead")
                    ],
                )
            )
        return seen

    kept = offered()
    assert [valid for valid, _ in kept] == [True, True]
    assert [len(choices) for choices in kept[0][1]] == [3, 2, 2]
    assert [len(choices) for choices in kept[1][1]] == [2, 2, 2]
    monkeypatch.setattr(compiled, "_compiled", {})
    monkeypatch.setattr(compiled, "_compile", lambda queryset, markers: None)
    assert offered() == kept
