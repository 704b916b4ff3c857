"""Writes for priorities, cross-cutting themes, categories and the PCC's priorities."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import pluralize

from csp_tracker.data import ModelData
from csp_tracker.db import checked_save
from csp_tracker.ordering import renumber, swap_with_neighbour
from plans.models import Agency, Partnership, Plan
from plans.services import plan_open_guard
from priorities.lists import ListItem
from priorities.models import (
    CrossCuttingTheme,
    PccPriority,
    PoliceAndCrimePlan,
    Priority,
    PriorityCategory,
    StrategicAssessmentChoice,
    Workstream,
)
from priorities.selectors import assessment_plan


@dataclass
class HeadingData(ModelData):
    """A priority's or theme's parts: why it is a priority (text), key facts, what it
    includes and the outcomes sought (lists, priorities/lists.py), its leads and the
    county categories it counts under."""

    many = ("lead_agencies", "categories")

    number: int
    title: str
    summary: str = ""
    facts: list[ListItem] = field(default_factory=list)
    includes: list[ListItem] = field(default_factory=list)
    outcomes: list[ListItem] = field(default_factory=list)
    lead: str = ""
    lead_agencies: Sequence[Agency] = field(default_factory=list)
    categories: Sequence[PriorityCategory] = field(default_factory=list)
    note: str = ""


def category_upsert(*, name: str, order: int, includes: str = "") -> PriorityCategory:
    category, _ = PriorityCategory.objects.update_or_create(
        name=name, defaults={"order": order, "includes": includes}
    )
    return category


def _heading_save(heading: Priority | CrossCuttingTheme, data: HeadingData) -> None:
    checked_save(heading)
    data.set_many(heading)


Heading = TypeVar("Heading", Priority, CrossCuttingTheme)


def _heading_create(model: type[Heading], *, plan: Plan, data: HeadingData) -> Heading:
    plan_open_guard(obj=plan)
    heading = model(plan=plan)
    data.apply(heading)
    _heading_save(heading, data)
    return heading


@transaction.atomic
def priority_create(*, plan: Plan, data: HeadingData) -> Priority:
    return _heading_create(Priority, plan=plan, data=data)


@transaction.atomic
def theme_create(*, plan: Plan, data: HeadingData) -> CrossCuttingTheme:
    return _heading_create(CrossCuttingTheme, plan=plan, data=data)


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


class AssessmentFromPlan(Exception):
    """The district's plan for the year is kept here: its headings' categories count."""


@transaction.atomic
def assessment_choices_set(
    *, partnership: Partnership, financial_year: int, categories: Iterable[PriorityCategory]
) -> None:
    """The county categories a district's strategic assessment chose for a year, for a
    district whose plan of that year is not kept in CSP Tracker (CSA Appendix A)."""
    if partnership.kind != Partnership.Kind.DISTRICT:
        raise ValueError("Only districts record strategic-assessment choices")
    plan = assessment_plan(partnership=partnership, financial_year=financial_year)
    if plan is not None:
        raise AssessmentFromPlan(
            f"{plan.title} is in CSP Tracker: the county categories of its priorities and "
            "themes are counted"
        )
    wanted = {c.pk for c in categories}
    recorded = StrategicAssessmentChoice.objects.filter(
        partnership=partnership, financial_year=financial_year
    )
    recorded.exclude(category_id__in=wanted).delete()
    have = set(recorded.values_list("category_id", flat=True))
    StrategicAssessmentChoice.objects.bulk_create(
        StrategicAssessmentChoice(
            partnership=partnership, financial_year=financial_year, category_id=pk
        )
        for pk in sorted(wanted - have)
    )


def assessment_choice_record(
    *, partnership: Partnership, financial_year: int, category: PriorityCategory
) -> bool:
    """Record a district's strategic-assessment choice; False if it was recorded already."""
    _, created = StrategicAssessmentChoice.objects.get_or_create(
        partnership=partnership, financial_year=financial_year, category=category
    )
    return created


class HeadingKind:
    PRIORITY = "priority"
    THEME = "theme"


def _heading_model(kind: str) -> type[Priority] | type[CrossCuttingTheme]:
    return Priority if kind == HeadingKind.PRIORITY else CrossCuttingTheme


def heading_next_number(*, plan: Plan, kind: str) -> int:
    last = _heading_model(kind).objects.filter(plan=plan).order_by("-number").first()
    return (last.number + 1) if last else 1


@transaction.atomic
def heading_update(
    *, heading: Priority | CrossCuttingTheme, data: HeadingData
) -> Priority | CrossCuttingTheme:
    """Change a priority's or theme's words, lists, lead and county categories (not its
    number: heading_move renumbers)."""
    plan_open_guard(obj=heading)
    data.apply(heading, exclude=("number",))
    _heading_save(heading, data)
    return heading


@transaction.atomic
def heading_move(*, heading: Priority | CrossCuttingTheme, up: bool) -> None:
    """Move a priority (or theme) one place; all of them are numbered 1, 2, 3… again.

    Numbers are unique in a plan, so they are first moved out of the way.
    """
    plan_open_guard(obj=heading)
    model = type(heading)
    items = list(model.objects.filter(plan=heading.plan).order_by("number", "id"))
    swap_with_neighbour(items, heading, up=up)
    offset = 1000 + max(h.number for h in items)
    for item in items:
        model.objects.filter(pk=item.pk).update(number=item.number + offset)
    for position, item in enumerate(items, start=1):
        item.number = position
        item.save(update_fields=["number"])


class HeadingInUse(Exception):
    """A priority or theme with actions under it cannot be removed."""


@transaction.atomic
def heading_delete(*, heading: Priority | CrossCuttingTheme) -> None:
    """Remove a priority (or theme) that has no actions; the rest are numbered again."""
    plan_open_guard(obj=heading)
    count = heading.actions.count()
    if count:
        raise HeadingInUse(f"Move or remove its {count} action{pluralize(count)} first")
    model, plan, number = type(heading), heading.plan, heading.number
    heading.delete()
    # Numbers are unique in a plan: going up the list, each moves into the free slot below.
    for later in model.objects.filter(plan=plan, number__gt=number).order_by("number"):
        later.number -= 1
        later.save(update_fields=["number"])


# Headings within a priority or theme (workstreams: "Pursue", "Prevent", …).


class WorkstreamInUse(Exception):
    """A heading with actions under it cannot be removed."""


def _title_guard(workstream: Workstream) -> None:
    """Headings are told apart by their words, whatever their capitals (the import
    matches them so)."""
    parent = {"priority_id": workstream.priority_id, "theme_id": workstream.theme_id}
    clash = Workstream.objects.filter(**parent, title__iexact=workstream.title)
    if clash.exclude(pk=workstream.pk).exists():
        raise ValidationError({"title": "There is already a heading with these words"})


def _siblings(workstream: Workstream) -> list[Workstream]:
    parent = {"priority_id": workstream.priority_id, "theme_id": workstream.theme_id}
    return list(Workstream.objects.filter(**parent).order_by("order", "id"))


@transaction.atomic
def workstream_create(*, parent: Priority | CrossCuttingTheme, title: str) -> Workstream:
    """A new heading, last under its priority or theme."""
    plan_open_guard(obj=parent)
    workstream = Workstream(
        priority=parent if isinstance(parent, Priority) else None,
        theme=parent if isinstance(parent, CrossCuttingTheme) else None,
        title=title,
        order=parent.workstreams.count() + 1,
    )
    _title_guard(workstream)
    return checked_save(workstream)


def workstream_rename(*, workstream: Workstream, title: str) -> Workstream:
    plan_open_guard(obj=workstream.parent)
    workstream.title = title
    _title_guard(workstream)
    workstream.full_clean()
    workstream.save(update_fields=["title"])
    return workstream


@transaction.atomic
def workstream_move(*, workstream: Workstream, up: bool) -> None:
    """Move a heading one place up or down; its priority's headings are numbered again."""
    plan_open_guard(obj=workstream.parent)
    items = _siblings(workstream)
    swap_with_neighbour(items, workstream, up=up)
    renumber(items)


@transaction.atomic
def workstream_delete(*, workstream: Workstream) -> None:
    """Remove a heading that has no actions under it."""
    plan_open_guard(obj=workstream.parent)
    count = workstream.actions.count()
    if count:
        raise WorkstreamInUse(f"Move its {count} action{pluralize(count)} to another heading first")
    rest = [w for w in _siblings(workstream) if w.pk != workstream.pk]
    workstream.delete()
    renumber(rest)
