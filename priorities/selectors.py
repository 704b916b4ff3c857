"""Reads for authoring priorities and themes. Only ever returns what the user may see."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from accounts.types import AnyUser
from csp_tracker import clock
from csp_tracker.periods import financial_year_label, financial_year_of
from plans.models import Partnership, Plan
from plans.rules import access_for
from plans.selectors import plan_authoring_list, plans_in_force
from priorities.models import (
    CrossCuttingTheme,
    Priority,
    PriorityCategory,
    StrategicAssessmentChoice,
    Workstream,
)


def heading_get(
    *, user: AnyUser, model: type[Priority] | type[CrossCuttingTheme], pk: int
) -> Priority | CrossCuttingTheme:
    return model.objects.select_related("plan__partnership").get(
        plan__in=plan_authoring_list(user=user), pk=pk
    )


def category_list() -> QuerySet[PriorityCategory]:
    return PriorityCategory.objects.order_by("order", "name")


def workstream_get(*, user: AnyUser, pk: int) -> Workstream:
    """One heading of a plan the user may author or read; DoesNotExist otherwise."""
    plans = plan_authoring_list(user=user)
    return Workstream.objects.select_related(
        "priority__plan__partnership", "theme__plan__partnership"
    ).get(Q(priority__plan__in=plans) | Q(theme__plan__in=plans), pk=pk)


def workstream_list(*, parent: Priority | CrossCuttingTheme) -> list[Workstream]:
    """A priority's (or theme's) headings in order, each with its number of actions."""
    return list(parent.workstreams.annotate(action_count=Count("actions")).order_by("order", "id"))


# --- strategic-assessment choices (CSA Appendix A) --------------------------------------


def assessment_partnership_get(*, user: AnyUser, slug: str) -> Partnership:
    """A partnership the user can see; DoesNotExist otherwise."""
    return Partnership.objects.filter(access_for(user).partnership_filter()).get(slug=slug)


@dataclass(frozen=True)
class AssessmentYear:
    financial_year: int
    categories: list[PriorityCategory]
    plan: Plan | None  # its plan in CSP Tracker, whose headings count instead

    @property
    def label(self) -> str:
        return financial_year_label(self.financial_year)


# The years the page offers around today's, besides any already recorded.
YEARS_BEFORE, YEARS_AFTER = 3, 1


def assessment_year_list(*, partnership: Partnership) -> list[AssessmentYear]:
    """Each year of the district's strategic assessments, newest first: what it recorded,
    or the plan of the year kept in CSP Tracker."""
    this_year = financial_year_of(clock.today())
    chosen: dict[int, list[PriorityCategory]] = {}
    for choice in (
        StrategicAssessmentChoice.objects.filter(partnership=partnership)
        .select_related("category")
        .order_by("financial_year", "category__order", "category__name")
    ):
        chosen.setdefault(choice.financial_year, []).append(choice.category)
    years = set(chosen) | set(range(this_year - YEARS_BEFORE, this_year + YEARS_AFTER + 1))
    return [
        AssessmentYear(
            year,
            chosen.get(year, []),
            assessment_plan(partnership=partnership, financial_year=year),
        )
        for year in sorted(years, reverse=True)
    ]


def assessment_plan(*, partnership: Partnership, financial_year: int) -> Plan | None:
    """The district's plan in force in the year, if it is kept here: its priorities' and
    themes' categories stand for its strategic assessment (CSA Appendix A), so it records
    no choices for that year."""
    return (
        plans_in_force(financial_year=financial_year, partnership=partnership)
        .order_by("start_year", "pk")
        .first()
    )


def assessment_choice_list(*, partnership: Partnership, financial_year: int) -> list[int]:
    """The ids of the categories the district chose for the year."""
    return list(
        StrategicAssessmentChoice.objects.filter(
            partnership=partnership, financial_year=financial_year
        ).values_list("category_id", flat=True)
    )
