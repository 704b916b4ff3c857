"""Reads for authoring priorities and themes. Only ever returns what the user may see."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.models import User
from csp_tracker import clock
from csp_tracker.periods import financial_year_label, financial_year_of
from plans.models import Partnership, Plan
from plans.rules import access_for
from plans.selectors import plan_authoring_list
from priorities.models import (
    CrossCuttingTheme,
    Priority,
    PriorityCategory,
    StrategicAssessmentChoice,
)


def heading_get(
    *, user: object, model: type[Priority] | type[CrossCuttingTheme], pk: int
) -> Priority | CrossCuttingTheme:
    return model.objects.select_related("plan__partnership", "category").get(
        plan__in=plan_authoring_list(user=user), pk=pk
    )


def category_list() -> QuerySet[PriorityCategory]:
    return PriorityCategory.objects.order_by("order", "name")


# --- strategic-assessment choices (CSA Appendix A) --------------------------------------


def assessment_plans(*, financial_year: int) -> QuerySet[Plan]:
    """The plans whose priorities and themes stand for their partnership's strategic
    assessment of the year: kept in CSP Tracker, covering the year, not superseded. A
    district with none records its choices instead (StrategicAssessmentChoice)."""
    return Plan.objects.filter(start_year__lte=financial_year, end_year__gt=financial_year).exclude(
        status=Plan.Status.SUPERSEDED
    )


def assessment_partnership_get(*, user: User | AnonymousUser, slug: str) -> Partnership:
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
    plans = list(
        Plan.objects.filter(partnership=partnership)
        .exclude(status=Plan.Status.SUPERSEDED)
        .order_by("start_year", "pk")
    )
    years = set(chosen) | set(range(this_year - YEARS_BEFORE, this_year + YEARS_AFTER + 1))
    return [
        AssessmentYear(
            year,
            chosen.get(year, []),
            next((p for p in plans if p.start_year <= year < p.end_year), None),
        )
        for year in sorted(years, reverse=True)
    ]


def assessment_choice_list(*, partnership: Partnership, financial_year: int) -> list[int]:
    """The ids of the categories the district chose for the year."""
    return list(
        StrategicAssessmentChoice.objects.filter(
            partnership=partnership, financial_year=financial_year
        ).values_list("category_id", flat=True)
    )
