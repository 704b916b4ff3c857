"""Writes for priorities, cross-cutting themes, categories and the PCC's priorities."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction

from plans.models import Agency, Partnership, Plan
from priorities.models import (
    CrossCuttingTheme,
    PccPriority,
    PoliceAndCrimePlan,
    Priority,
    PriorityCategory,
)


@dataclass
class HeadingData:
    number: int
    title: str
    summary: str = ""
    includes: str = ""
    outcomes: str = ""
    lead: str = ""
    lead_agencies: Sequence[Agency] = field(default_factory=list)
    category: PriorityCategory | None = None
    note: str = ""


def category_upsert(*, name: str, order: int, includes: str = "") -> PriorityCategory:
    category, _ = PriorityCategory.objects.update_or_create(
        name=name, defaults={"order": order, "includes": includes}
    )
    return category


@transaction.atomic
def priority_create(*, plan: Plan, data: HeadingData) -> Priority:
    priority = Priority(
        plan=plan,
        number=data.number,
        title=data.title,
        summary=data.summary,
        includes=data.includes,
        outcomes=data.outcomes,
        lead=data.lead,
        category=data.category,
    )
    priority.full_clean()
    priority.save()
    priority.lead_agencies.set(data.lead_agencies)
    return priority


@transaction.atomic
def theme_create(*, plan: Plan, data: HeadingData) -> CrossCuttingTheme:
    theme = CrossCuttingTheme(
        plan=plan,
        number=data.number,
        title=data.title,
        summary=data.summary,
        includes=data.includes,
        outcomes=data.outcomes,
        lead=data.lead,
        category=data.category,
        note=data.note,
    )
    theme.full_clean()
    theme.save()
    theme.lead_agencies.set(data.lead_agencies)
    return theme


@transaction.atomic
def pcc_plan_upsert(
    *, area: Partnership, title: str, period: str, author: str, priorities: Iterable[str]
) -> PoliceAndCrimePlan:
    pcc_plan, created = PoliceAndCrimePlan.objects.update_or_create(
        title=title, period=period, defaults={"author": author, "area": area}
    )
    if created:
        PccPriority.objects.bulk_create(
            PccPriority(pcc_plan=pcc_plan, number=n, title=t)
            for n, t in enumerate(priorities, start=1)
        )
    return pcc_plan
