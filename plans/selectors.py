"""Reads of plans: what a user may author and a plan's overview. Only ever returns what the
user may see."""

from django.db.models import Prefetch, Q, QuerySet

from accounts.types import AnyUser
from plans.models import (
    Partnership,
    Plan,
    PlanSection,
    PlanVersion,
)
from plans.rules import access_for, is_coordinator_or_county


def plan_authoring_list(*, user: AnyUser) -> QuerySet[Plan]:
    return (
        Plan.objects.filter(access_for(user).partnership_filter("partnership__"))
        .select_related("partnership")
        .order_by("partnership__name", "-start_year", "title")
    )


def authorable_partnerships(*, user: AnyUser) -> list[Partnership]:
    visible = Partnership.objects.filter(access_for(user).partnership_filter()).order_by("name")
    return [p for p in visible if is_coordinator_or_county(user, p)]


def plan_get(*, user: AnyUser, pk: int) -> Plan:
    """One visible plan; DoesNotExist otherwise."""
    return plan_authoring_list(user=user).get(pk=pk)


def plan_overview(*, user: AnyUser, pk: int) -> Plan:
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


def section_get(*, user: AnyUser, pk: int) -> PlanSection:
    return PlanSection.objects.select_related("plan__partnership").get(
        Q(plan__in=plan_authoring_list(user=user)), pk=pk
    )
