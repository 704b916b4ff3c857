"""Reads of plans: what a user may author and a plan's overview. Only ever returns what the
user may see."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Exists, F, Model, OuterRef, Q, QuerySet, Value

from accounts.types import AnyUser
from csp_tracker.compiled import compiled_objects, compiled_rows, markers_like
from csp_tracker.periods import financial_year_label
from plans.models import (
    GeneratedTable,
    Partnership,
    Plan,
    PlanSection,
    PlanVersion,
    SectionImage,
)
from plans.rules import access_for, is_coordinator_or_county


def _covers(financial_year: int) -> Q:
    """The plan covers the financial year (2023 for 2023/24): its period includes the year,
    or, for a multi-year strategy with a yearly action plan, its action plan is the year's
    (last year's action plan of the same strategy is another plan, covering its own year
    only, so no action is in force twice)."""
    whole_period = Q(
        action_plan_year__isnull=True, start_year__lte=financial_year, end_year__gt=financial_year
    )
    return whole_period | Q(action_plan_year=financial_year)


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


@dataclass(frozen=True)
class NextPeriod:
    """What a plan's refresh starts: the same strategy's next action plan, or the next
    plan (a one-year plan's next year; a multi-year plan moved on a year)."""

    start_year: int
    end_year: int
    action_plan_year: int | None
    label: str


def plan_next_period(*, plan: Plan) -> NextPeriod:
    apy = plan.action_plan_year
    if apy is not None and apy + 1 < plan.end_year:
        label = f"{financial_year_label(apy + 1)} action plan"
        return NextPeriod(plan.start_year, plan.end_year, apy + 1, label)
    if apy is not None:  # the strategy's last year: the next strategy, as long
        length = plan.end_year - plan.start_year
        start, end = plan.end_year, plan.end_year + length
        label = f"{financial_year_label(start, end)} strategy"
        return NextPeriod(start, end, start, label)
    start, end = plan.start_year + 1, plan.end_year + 1
    return NextPeriod(start, end, None, f"{financial_year_label(start, end)} refresh")


def plan_authoring_list(*, user: AnyUser) -> QuerySet[Plan]:
    return (
        Plan.objects.filter(access_for(user).partnership_filter("partnership__"))
        .select_related("partnership__parent")
        .order_by("partnership__name", "-start_year", "title")
    )


def authorable_partnerships(*, user: AnyUser) -> list[Partnership]:
    visible = Partnership.objects.filter(access_for(user).partnership_filter()).order_by("name")
    return [p for p in visible if is_coordinator_or_county(user, p)]


def plan_get(*, user: AnyUser, pk: int) -> Plan:
    """One visible plan; DoesNotExist otherwise."""
    return plan_authoring_list(user=user).get(pk=pk)


class OverviewAction(NamedTuple):
    """What the overview shows of an action (its row in the action plan, under its
    heading): read as plain values, not as an action, whose other columns and making cost
    more than the row."""

    pk: int
    reference: str
    title: str
    lead_text: str
    priority_id: int | None
    theme_id: int | None
    workstream_id: int | None


@dataclass(frozen=True)
class PlanOverview:
    """A plan and everything its overview page shows. Priorities, themes, their headings
    (workstreams) and categories and the actions belong to apps above this one: their
    models are reached through the plan's relations, and they are typed loosely here (the
    actions are read as plain values, OverviewAction)."""

    plan: Plan
    sections: list[PlanSection]
    versions: list[PlanVersion]
    priorities: list[Any]
    themes: list[Any]
    actions: list[OverviewAction]
    # A heading's categories and workstreams by its relation from the plan ("priorities",
    # "themes") and its id, each in its model's order.
    categories: dict[tuple[str, int], list[Any]]
    workstreams: dict[tuple[str, int], list[Any]]
    # Whether the partnership's area has a police and crime plan (partnership_has_pcc_plans)
    # and whether a plan refreshes this one (plan_refreshed_by has any): asked with the plan.
    has_pcc_plans: bool
    is_refreshed: bool


def _related_model(model: type[Model], name: str) -> type[Model]:
    return cast("type[Model]", model._meta.get_field(name).related_model)


def _of_plan(model: type[Model]) -> Callable[[Sequence[int]], QuerySet[Any]]:
    """The rows of ``model`` of the plan of the key given, in the model's order."""

    def build(keys: Sequence[int]) -> QuerySet[Any]:
        return model._default_manager.filter(plan_id=keys[0])

    return build


def _categories_of(
    kinds: dict[str, type[Model]],
) -> tuple[Callable[[Sequence[int]], QuerySet[Any]], type[Model], list[str]]:
    """The plan's rows of the many-to-many tables of each of ``kinds``' categories, as one
    query (UNION ALL): each row its kind's number (its place in ``kinds``), the heading's
    key and the category's columns, in the category's order (as each relation reads
    them); the category's model and the names of its columns."""
    fields = [cast(Any, kinds[name])._meta.get_field("categories") for name in kinds]
    category = cast("type[Model]", fields[0].related_model)
    columns = [f.attname for f in category._meta.concrete_fields]

    def build(keys: Sequence[int]) -> QuerySet[Any]:
        parts = []
        for number, field in enumerate(fields):
            through = cast("type[Model]", field.remote_field.through)
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            parts.append(
                through._default_manager.filter(**{f"{source}__plan_id": keys[0]})
                .annotate(
                    overview_kind=Value(number),
                    overview_heading=F(f"{source}_id"),
                    overview_link=F("pk"),
                    **{f"overview_{c}": F(f"{target}__{c}") for c in columns},
                )
                .values_list(
                    "overview_kind",
                    "overview_heading",
                    "overview_link",
                    *[f"overview_{c}" for c in columns],
                )
            )
        # The category's own order (a descending field's name keeps its "-").
        ordering = [
            f"{'-' if name.startswith('-') else ''}overview_{name.lstrip('-')}"
            for name in cast("list[str]", category._meta.ordering)
        ]
        return parts[0].union(*parts[1:], all=True).order_by(*ordering, "overview_link")

    return build, category, columns


def plan_overview(*, user: AnyUser, pk: int) -> PlanOverview:
    """A visible plan with everything its overview page shows (DoesNotExist otherwise), in
    a fixed number of queries. Each of the plan's rows is read by a query compiled once
    for every plan (``compiled_objects``, by the plan's key), in the order the plan's
    relations give (their models' own or the one named here)."""
    keys = [int(pk)]
    # Read by its key, then held to what the person may see (Access.role_in: from the same
    # memberships as plan_authoring_list's filter), or it is not found: building and
    # compiling that filter's query cost the page more than all its other queries.
    # Whether its area has a police and crime plan and whether a plan refreshes it are
    # asked in the plan's query (EXISTS), not each by a query of its own.
    pcc_plan = _related_model(Partnership, "pcc_plans")
    found = compiled_objects(
        ("plan_overview", "plan"),
        lambda k: (
            Plan.objects.filter(pk__in=k)
            .select_related("partnership__parent", "previous")
            .annotate(
                overview_has_pcc_plans=Exists(
                    pcc_plan._default_manager.filter(area_id=OuterRef("partnership_id"))
                ),
                overview_is_refreshed=Exists(Plan.objects.filter(previous_id=OuterRef("pk"))),
            )
        ),
        keys,
        markers_like(keys),
    )
    if not found or access_for(user).role_in(found[0].partnership) is None:
        raise Plan.DoesNotExist(f"No plan {pk} that this person may see")
    plan = found[0]

    def read(name: str, build: Callable[[Sequence[int]], QuerySet[Any]]) -> list[Any]:
        return compiled_objects(("plan_overview", name), build, keys, markers_like(keys))

    kinds = {kind: _related_model(Plan, kind) for kind in ("priorities", "themes")}
    workstream = _related_model(kinds["priorities"], "workstreams")
    headings = {kind: read(kind, _of_plan(model)) for kind, model in kinds.items()}
    workstreams: dict[tuple[str, int], list[Any]] = {}
    for w in read(
        "workstreams",
        lambda k: workstream._default_manager.filter(
            Q(priority__plan_id=k[0]) | Q(theme__plan_id=k[0])
        ),
    ):
        kind, key = ("priorities", w.priority_id) if w.priority_id else ("themes", w.theme_id)
        workstreams.setdefault((kind, key), []).append(w)
    # Both kinds' categories by one query (UNION ALL), each made as the relation makes it.
    build, category, columns = _categories_of(kinds)
    names = list(kinds)
    categories: dict[tuple[str, int], list[Any]] = {}
    for kind, heading, _, *values in compiled_rows(
        ("plan_overview", "categories"), build, keys, markers_like(keys)
    ):
        categories.setdefault((names[kind], heading), []).append(
            category.from_db(DEFAULT_DB_ALIAS, columns, values)
        )
    return PlanOverview(
        plan=plan,
        sections=read(
            "sections", lambda k: PlanSection.objects.filter(plan_id=k[0]).order_by("order", "id")
        ),
        versions=read(
            "versions",
            lambda k: PlanVersion.objects.filter(plan_id=k[0]).order_by(
                "-effective_date", "-number"
            ),
        ),
        priorities=headings["priorities"],
        themes=headings["themes"],
        actions=[
            OverviewAction(*row)
            for row in compiled_rows(
                ("plan_overview", "actions"),
                lambda k: _of_plan(_related_model(Plan, "actions"))(k).values_list(
                    *OverviewAction._fields
                ),
                keys,
                markers_like(keys),
            )
        ],
        categories=categories,
        workstreams=workstreams,
        has_pcc_plans=cast(Any, plan).overview_has_pcc_plans,
        is_refreshed=cast(Any, plan).overview_is_refreshed,
    )


def plan_refreshed_by(*, plan: Plan) -> list[Plan]:
    """The plans refreshing ``plan`` (its ``refreshes``, in the plans' order), read by a
    query compiled once for every plan."""
    keys = [plan.pk]
    return compiled_objects(
        ("plan_refreshed_by",),
        lambda k: Plan.objects.filter(previous_id=k[0]),
        keys,
        markers_like(keys),
    )


def partnership_has_pcc_plans(*, partnership: Partnership) -> bool:
    """Whether the partnership's area has a police and crime plan (``pcc_plans``: an app
    above this one), by a query compiled once for every partnership."""
    pcc_plan = _related_model(Partnership, "pcc_plans")
    keys = [partnership.pk]
    found = compiled_rows(
        ("partnership_has_pcc_plans",),
        lambda k: pcc_plan._default_manager.filter(area_id=k[0]).values_list("pk")[:1],
        keys,
        markers_like(keys),
    )
    return bool(found)


def section_get(*, user: AnyUser, pk: int) -> PlanSection:
    return PlanSection.objects.select_related("plan__partnership").get(
        Q(plan__in=plan_authoring_list(user=user)), pk=pk
    )


@dataclass(frozen=True)
class BuiltInChapter:
    """A table the tool builds, and where the document shows it."""

    kind: str
    title: str
    in_section: str  # the section that shows it, or "" when added after the last section
    appended: bool  # added after the last section, as a chapter of its own


def plan_builtin_chapters(
    *,
    plan: Plan,
    sections: Sequence[PlanSection],
    has_headings: bool,
    has_actions: bool,
    has_pcc: bool,
) -> list[BuiltInChapter]:
    """Where each built-in table appears in the plan's document: in the section that
    chose it, or as a chapter of its own after the last section. Only what the plan has
    is added: no action plan chapter for a plan with no actions. The document
    (publishing/snapshot.py) and the authoring page both ask here."""
    placed = {s.generated: s.title for s in sections if s.generated and not s.is_restricted}
    if plan.kind == Plan.Kind.CSA:
        defaults = [GeneratedTable.COUNTY_PRIORITIES, GeneratedTable.LEADS]
        if has_actions:
            defaults.append(GeneratedTable.ACTION_PLAN)
        defaults.append(GeneratedTable.RESPONSIBLE_AUTHORITIES)
        if plan.partnership.kind == Partnership.Kind.COUNTY:
            defaults.append(GeneratedTable.ASSESSMENT_COUNTS)
        if has_pcc:
            defaults.append(GeneratedTable.PCC_PRIORITIES)
    else:
        defaults = []
        if has_headings:
            defaults.append(GeneratedTable.COUNTY_PRIORITIES)
        if has_actions:
            defaults.append(GeneratedTable.ACTION_PLAN)
    chapters = [
        BuiltInChapter(kind=kind, title=label, in_section=placed[kind], appended=False)
        for kind, label in GeneratedTable.choices
        if kind in placed
    ]
    chapters += [
        BuiltInChapter(kind=kind, title=GeneratedTable(kind).label, in_section="", appended=True)
        for kind in defaults
        if kind not in placed
    ]
    return chapters


def section_image_get(*, user: AnyUser, pk: int) -> SectionImage:
    return SectionImage.objects.select_related("section__plan__partnership").get(
        section__plan__in=plan_authoring_list(user=user), pk=pk
    )


def section_image_list(*, section: PlanSection) -> list[SectionImage]:
    return list(section.images.order_by("order", "id"))
