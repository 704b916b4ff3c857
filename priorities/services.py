"""Writes for priorities, cross-cutting themes, categories and the PCC's priorities."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

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


@dataclass
class HeadingData:
    """A priority's or theme's parts: why it is a priority (text), key facts, what it
    includes and the outcomes sought (lists, priorities/lists.py), its leads and the
    county categories it counts under."""

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


def _heading_create(
    model: type[Priority] | type[CrossCuttingTheme],
    *,
    plan: Plan,
    data: HeadingData,
    **extra: object,
) -> Priority | CrossCuttingTheme:
    plan_open_guard(obj=plan)
    heading = model(
        plan=plan,
        number=data.number,
        title=data.title,
        summary=data.summary,
        facts=data.facts,
        includes=data.includes,
        outcomes=data.outcomes,
        lead=data.lead,
        **extra,
    )
    heading.full_clean()
    heading.save()
    heading.lead_agencies.set(data.lead_agencies)
    heading.categories.set(data.categories)
    return heading


@transaction.atomic
def priority_create(*, plan: Plan, data: HeadingData) -> Priority:
    return _heading_create(Priority, plan=plan, data=data)  # type: ignore[return-value]


@transaction.atomic
def theme_create(*, plan: Plan, data: HeadingData) -> CrossCuttingTheme:
    return _heading_create(  # type: ignore[return-value]
        CrossCuttingTheme, plan=plan, data=data, note=data.note
    )


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
    heading.title = data.title
    heading.summary = data.summary
    heading.facts = data.facts
    heading.includes = data.includes
    heading.outcomes = data.outcomes
    heading.lead = data.lead
    if isinstance(heading, CrossCuttingTheme):
        heading.note = data.note
    heading.full_clean()
    heading.save()
    heading.lead_agencies.set(data.lead_agencies)
    heading.categories.set(data.categories)
    return heading


@transaction.atomic
def heading_move(*, heading: Priority | CrossCuttingTheme, up: bool) -> None:
    """Move a priority (or theme) one place; all of them are numbered 1, 2, 3… again.

    Numbers are unique in a plan, so they are first moved out of the way.
    """
    plan_open_guard(obj=heading)
    model = type(heading)
    items = list(model.objects.filter(plan=heading.plan).order_by("number", "id"))
    index = next(i for i, h in enumerate(items) if h.pk == heading.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
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
        raise HeadingInUse(f"Move or remove its {count} action{'s' if count != 1 else ''} first")
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
    is_priority = isinstance(parent, Priority)
    workstream = Workstream(
        priority=parent if is_priority else None,
        theme=None if is_priority else parent,
        title=title,
        order=parent.workstreams.count() + 1,
    )
    _title_guard(workstream)
    workstream.full_clean()
    workstream.save()
    return workstream


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
    index = next(i for i, w in enumerate(items) if w.pk == workstream.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    for position, item in enumerate(items, start=1):
        if item.order != position:
            item.order = position
            item.save(update_fields=["order"])


@transaction.atomic
def workstream_delete(*, workstream: Workstream) -> None:
    """Remove a heading that has no actions under it."""
    plan_open_guard(obj=workstream.parent)
    count = workstream.actions.count()
    if count:
        raise WorkstreamInUse(
            f"Move its {count} action{'s' if count != 1 else ''} to another heading first"
        )
    rest = [w for w in _siblings(workstream) if w.pk != workstream.pk]
    workstream.delete()
    for position, item in enumerate(rest, start=1):
        if item.order != position:
            item.order = position
            item.save(update_fields=["order"])
