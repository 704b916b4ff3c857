"""Reads of plans: what a user may author and a plan's overview. Only ever returns what the
user may see."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from accounts.types import AnyUser
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


def plan_overview(*, user: AnyUser, pk: int) -> Plan:
    """A plan with everything its overview page shows, in a fixed number of queries."""
    return (
        plan_authoring_list(user=user)
        .select_related("previous")
        .prefetch_related(
            Prefetch("sections", queryset=PlanSection.objects.order_by("order", "id")),
            # Priorities, themes and actions belong to higher apps: their reverse relations
            # (in their models' default order: by number) are enough here.
            "priorities__categories",
            "themes__categories",
            "priorities__workstreams",
            "themes__workstreams",
            Prefetch(
                "versions",
                queryset=PlanVersion.objects.order_by("-effective_date", "-number"),
            ),
            # The plan's actions once, grouped under their priorities and themes by the
            # page (plan_overview_headings), rather than read for each kind of heading.
            "actions",
        )
        .get(pk=pk)
    )


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
