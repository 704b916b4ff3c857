"""Reads of plans: what a user may author and a plan's overview. Only ever returns what the
user may see."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from plans.models import (
    Partnership,
    Plan,
    PlanSection,
    PlanVersion,
)
from plans.rules import access_for, is_coordinator_or_county


def _covers(financial_year: int) -> Q:
    """The plan's period includes the financial year (2023 for 2023/24)."""
    return Q(start_year__lte=financial_year, end_year__gt=financial_year)


def plans_in_force(
    *, financial_year: int, partnership: Partnership | None = None
) -> QuerySet[Plan]:
    """The plans in force in a financial year (2023 for 2023/24): the ones whose actions
    are updated, reported on, reminded about and listed in "Your actions" that year.

    A plan is in force in a year when its period covers the year, it is not superseded,
    and it is not a draft refresh of a plan that is itself still in force that year.
    A refresh ("Start the next refresh") is a draft until it is published: for the years
    it shares with the plan it refreshes (a multi-year strategy moved on a year), the
    published plan stays in force until the refresh is published and supersedes it; for a
    year only the refresh covers (next year's plan, still being written when that year
    begins), the draft is in force, so its carried actions are the ones updated. A first
    plan written in the tool is in force while still a draft.

    A partnership can have more than one plan in force (a strategy and its annual plan).
    """
    still_in_force = Plan.objects.filter(
        _covers(financial_year), pk=OuterRef("previous_id")
    ).exclude(status=Plan.Status.SUPERSEDED)
    plans = (
        Plan.objects.filter(_covers(financial_year))
        .exclude(status=Plan.Status.SUPERSEDED)
        .exclude(Q(status=Plan.Status.DRAFT) & Exists(still_in_force))
    )
    if partnership is not None:
        plans = plans.filter(partnership=partnership)
    return plans


def plan_authoring_list(*, user: object) -> QuerySet[Plan]:
    return (
        Plan.objects.filter(access_for(user).partnership_filter("partnership__"))
        .select_related("partnership")
        .order_by("partnership__name", "-start_year", "title")
    )


def authorable_partnerships(*, user: object) -> list[Partnership]:
    visible = Partnership.objects.filter(access_for(user).partnership_filter()).order_by("name")
    return [p for p in visible if is_coordinator_or_county(user, p)]


def plan_get(*, user: object, pk: int) -> Plan:
    """One visible plan; DoesNotExist otherwise."""
    return plan_authoring_list(user=user).get(pk=pk)


def plan_overview(*, user: object, pk: int) -> Plan:
    """A plan with everything its overview page shows, in a fixed number of queries."""
    return (
        plan_authoring_list(user=user)
        .select_related("previous")
        .prefetch_related(
            Prefetch("sections", queryset=PlanSection.objects.order_by("order", "id")),
            # Priorities, themes and actions belong to higher apps: their reverse relations
            # (in their models' default order: by number) are enough here.
            "priorities__category",
            "themes__category",
            Prefetch(
                "versions",
                queryset=PlanVersion.objects.order_by("-effective_date", "-number"),
            ),
            "priorities__actions",
            "themes__actions",
            "refreshes",
        )
        .get(pk=pk)
    )


def section_get(*, user: object, pk: int) -> PlanSection:
    return PlanSection.objects.select_related("plan__partnership").get(
        Q(plan__in=plan_authoring_list(user=user)), pk=pk
    )
