"""The exception report's rules: the snapshot of a partnership's actions for a quarter.

The rules (``exception_report_snapshot``), for a partnership and a quarter. The ones the
pages, the reminders and the refresh share are defined once, where named, and used here:

* In scope: the actions of the partnership's plans in force in the quarter's financial
  year (``plans.selectors.plans_in_force``: covering the year, not superseded, and not a
  draft refresh while the plan it refreshes is still in force that year). A strategy's
  yearly action plan covers its own year only.
* As at: the quarter's last day. For a quarter still running (a coordinator's "Build
  now"), today: a milestone due next month is not overdue yet.
* An action's status this quarter is that of its latest update labelled with the quarter
  (financial_year and quarter), the latest by ``created_at``. Updates of the same action in
  an earlier plan (same ``lineage``) count as its history; updates labelled with a later
  quarter are ignored, so rebuilding an old quarter gives the same answer
  (``actions.selectors.with_current_status``, as of the quarter and as of the previous one).
* Summary: each action counts once, as its status this quarter; with no update this
  quarter it is "Completed" if it was completed before, otherwise "No update this quarter".
* Off track / at risk: the status this quarter is off track / at risk.
* Milestones overdue (``actions.selectors.milestones_overdue``; for many actions at once,
  ``overdue_by_action``): the due date has passed, and the milestone was not done by the
  as-at date (``done_date`` empty or after it). At a quarter's end the as-at day itself
  is over (``day_is_over``), so a milestone due on the quarter's last day and not done is
  overdue; in an interim report (as at today) a milestone due today is not overdue yet,
  as on the officers' pages. Milestones of completed actions and milestones with no due
  date ("Ongoing") are never overdue.
* No update this quarter: no update labelled with the quarter, unless already completed
  (``needs_update``).
* Got worse: the latest update of the quarter against the latest update of the previous
  quarter, both needed, on the scale on track < at risk < off track. "Not started" and
  "Completed" are not on the scale, so a move to or from them is not "worse".
* Completed this quarter: the status this quarter is completed and the latest status
  before the quarter (any earlier quarter) was not.
* Indicators moving the wrong way or off target, and funded projects not on track: the
  partnership's indicators and the projects of its grants for the year, by the rules in
  performance/snapshot.py (under "performance" in the snapshot).

The snapshot takes the same few queries for 5 actions or 500.
"""

import gc
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from uuid import UUID

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from actions.models import Action, Status, StatusUpdate
from actions.selectors import (
    Earlier,
    Overdue,
    Reported,
    awaiting_sign_off,
    overdue_by_action,
    set_current_status,
)
from csp_tracker import clock
from csp_tracker.periods import Quarter
from performance.snapshot import indicators_for_reports, projects_for_reports
from plans.models import Partnership, Plan
from plans.selectors import plans_in_force
from priorities.models import CrossCuttingTheme, Priority, Workstream
from reporting.snapshot_types import (
    ActionEntry,
    Change,
    Comparison,
    Completed,
    Group,
    NoUpdate,
    OverdueMilestone,
    PerformanceSection,
    ReportSnapshot,
    StatusException,
    Worse,
)

SNAPSHOT_SCHEMA = 1


class _Action:
    """An action as the report reads it: a row, not a model instance (the quarterly sweep
    reads thousands at once), with its plan, its place in the summary, and its status as
    of the quarter and (``previous_``) the one before, set by
    ``actions.selectors.set_current_status``."""

    __slots__ = (
        *("pk", "lineage", "reference", "title", "lead_text", "awaiting_sign_off"),
        *("plan", "group_key", "group_label"),
        *("current_status", "latest_update_id", "updated_this_quarter", "needs_update"),
        *("previous_current_status", "previous_latest_update_id"),
        *("previous_updated_this_quarter", "previous_needs_update"),
    )
    pk: int
    lineage: UUID
    reference: str
    title: str
    lead_text: str
    # The quarter's update is waiting for sign-off (counted, not used).
    awaiting_sign_off: bool
    plan: Plan
    group_key: tuple[int, ...]
    group_label: str
    current_status: str | None
    latest_update_id: int | None
    updated_this_quarter: bool
    needs_update: bool
    previous_current_status: str | None
    previous_latest_update_id: int | None
    previous_updated_this_quarter: bool
    previous_needs_update: bool

    def __init__(
        self,
        row: tuple[int, UUID, str, str, str, bool],
        plan: Plan,
        group: tuple[tuple[int, ...], str],
    ) -> None:
        self.pk, self.lineage, self.reference, self.title, self.lead_text = row[:5]
        self.awaiting_sign_off = row[5]
        self.plan = plan
        self.group_key, self.group_label = group


NO_UPDATE = "no_update"


# The summary's columns, in the order people read them.
BUCKETS: list[tuple[str, str]] = [
    (Status.ON_TRACK.value, "On track"),
    (Status.AT_RISK.value, "At risk"),
    (Status.OFF_TRACK.value, "Off track"),
    (Status.COMPLETED.value, "Completed"),
    (Status.NOT_STARTED.value, "Not started"),
    (NO_UPDATE, "No update this quarter"),
]


BUCKET_LABELS = dict(BUCKETS)


# Worse is higher. Not started and completed are not on the scale.
RAG_RANK = {Status.ON_TRACK.value: 1, Status.AT_RISK.value: 2, Status.OFF_TRACK.value: 3}


def actions_in_scope(
    *, partnerships: Sequence[Partnership | int], quarter: Quarter
) -> QuerySet[Action]:
    """The actions of the partnerships' plans in force in the quarter's year."""
    plans = plans_in_force(financial_year=quarter.financial_year)
    return Action.objects.filter(plan__in=plans.filter(partnership__in=partnerships))


def partnerships_with_plans_for(*, quarter: Quarter) -> QuerySet[Partnership]:
    """Partnerships with at least one plan in force in the quarter's year."""
    plans = plans_in_force(financial_year=quarter.financial_year)
    return Partnership.objects.filter(pk__in=plans.values("partnership_id")).order_by("name")


def report_as_at(*, quarter: Quarter, today: date) -> date:
    return min(quarter.end, today) if quarter.start <= today else quarter.end


def _bucket(needs_update: bool, current_status: str | None) -> str:
    """The summary's column: the status as of the quarter, unless the action still
    waits for the quarter's update (actions.selectors.with_current_status)."""
    return NO_UPDATE if needs_update else str(current_status)


def _group_of(
    plan_id: int, heading: Priority | CrossCuttingTheme, workstream: Workstream | None
) -> tuple[tuple[int, ...], str]:
    """The summary's row: the priority or theme, and within it the heading (actions under
    no heading first, then each heading in its order)."""
    is_theme = 1 if isinstance(heading, CrossCuttingTheme) else 0
    key: tuple[int, ...] = (plan_id, is_theme, heading.number)
    if workstream is None:
        return (*key, 0, 0), heading.label
    return (*key, 1, workstream.order, workstream.pk), f"{heading.label} – {workstream.title}"


def _quarter_label(update: Earlier | None) -> str:
    if update is None:
        return ""
    return str(Quarter(update.financial_year, update.quarter))


def exception_report_snapshot(
    *, partnership: Partnership, quarter: Quarter, today: date | None = None
) -> ReportSnapshot:
    """Everything an exception report shows, as plain JSON, computed once at build."""
    return exception_report_snapshots(partnerships=[partnership], quarter=quarter, today=today)[
        partnership.pk
    ]


_HEADING = ("_id", "__number", "__title")
# What the report reads of an action, its plan, its priority or theme, and its heading.
_READ = (
    *("id", "lineage", "reference", "title", "lead_text", "awaiting_sign_off"),
    *("plan_id", "plan__title", "plan__partnership_id", "plan__start_year", "plan__end_year"),
    *(f"{heading}{field}" for heading in ("priority", "theme") for field in _HEADING),
    *(f"workstream{field}" for field in ("_id", "__order", "__title")),
)


def _read_actions(in_scope: QuerySet[Action], *, quarter: Quarter) -> list[_Action]:
    """The actions in scope, in the report's order, each with its plan and its place in the
    summary (the plans and headings made once each, not once per action)."""
    rows = (
        in_scope.annotate(
            # An update of the quarter still waiting for sign-off: not used, but counted.
            awaiting_sign_off=Exists(
                StatusUpdate.objects.filter(
                    action=OuterRef("pk"),
                    financial_year=quarter.financial_year,
                    quarter=quarter.number,
                ).filter(awaiting_sign_off())
            )
        )
        .order_by("plan__title", "plan_id", "order", "id")
        .values_list(*_READ)
    )
    plans: dict[int, Plan] = {}
    groups: dict[tuple[int, int | None, int | None, int | None], tuple[tuple[int, ...], str]] = {}
    actions = []
    for row in rows:
        plan_id, title, partnership_id, start_year, end_year = row[6:11]
        priority_id, theme_id, workstream_id = row[11], row[14], row[17]
        plan = plans.get(plan_id)
        if plan is None:
            plan = plans[plan_id] = Plan(
                pk=plan_id,
                title=title,
                partnership_id=partnership_id,
                start_year=start_year,
                end_year=end_year,
            )
        place = (plan_id, priority_id, theme_id, workstream_id)
        group = groups.get(place)
        if group is None:
            heading: Priority | CrossCuttingTheme
            if priority_id is not None:
                heading = Priority(pk=priority_id, number=row[12], title=row[13])
            elif theme_id is not None:
                heading = CrossCuttingTheme(pk=theme_id, number=row[15], title=row[16])
            else:
                raise ValueError(f"Action {row[0]} has neither a priority nor a theme")
            workstream = None
            if workstream_id is not None:
                workstream = Workstream(pk=workstream_id, order=row[18], title=row[19])
            group = groups[place] = _group_of(plan_id, heading, workstream)
        actions.append(_Action(row, plan, group))
    return actions


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector held off while the snapshots are built, and restored
    as it was. A build makes tens of thousands of short-lived rows, tuples and dicts (the
    references of which are counted, and freed as they go): at 10x Kent they set off about
    70 young passes and, every other build, a full pass over the whole process of about
    50 ms, a fifth of the build (issue 15). What little cyclic garbage a build leaves is
    collected at the next pass after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@_collector_paused()
def exception_report_snapshots(
    *, partnerships: Sequence[Partnership], quarter: Quarter, today: date | None = None
) -> dict[int, ReportSnapshot]:
    """The snapshots of many partnerships' reports, by partnership, in the same few
    queries as one (set-based: no query per partnership or per action)."""
    today = today or clock.today()
    as_at = report_as_at(quarter=quarter, today=today)
    ids = [p.pk for p in partnerships]
    in_scope = actions_in_scope(partnerships=ids, quarter=quarter)
    actions = _read_actions(in_scope, quarter=quarter)
    lineages = in_scope.values_list("lineage", flat=True)
    leads: dict[int, list[str]] = defaultdict(list)
    for action_id, short_name in (
        Action.lead_agencies.through.objects.filter(action__in=in_scope)
        .values_list("action_id", "agency__short_name")
        .order_by("agency__short_name", "agency_id")
    ):
        leads[action_id].append(short_name)
    # The latest update of each action as of this quarter and as of the previous one.
    of_quarter, earlier = set_current_status(actions, lineages=lineages, as_of=quarter)
    overdue_milestones = overdue_by_action(
        actions=in_scope,
        current_status={a.pk: a.current_status for a in actions},
        as_of=as_at,
        day_is_over=as_at >= quarter.end,
    )
    indicators = indicators_for_reports(partnership_ids=ids, quarter=quarter)
    projects = projects_for_reports(partnership_ids=ids, quarter=quarter, as_at=as_at)
    by_partnership: dict[int, list[_Action]] = {pk: [] for pk in ids}
    for action in actions:
        by_partnership[action.plan.partnership_id].append(action)
    return {
        partnership.pk: _snapshot(
            partnership,
            quarter=quarter,
            as_at=as_at,
            actions=by_partnership[partnership.pk],
            of_quarter=of_quarter,
            earlier=earlier,
            leads=leads,
            overdue_milestones=overdue_milestones,
            performance={
                "indicators": indicators[partnership.pk],
                "funded_projects": projects[partnership.pk],
            },
        )
        for partnership in partnerships
    }


def _snapshot(
    partnership: Partnership,
    *,
    quarter: Quarter,
    as_at: date,
    actions: list[_Action],
    of_quarter: dict[int, Reported],
    earlier: dict[int, Earlier],
    leads: dict[int, list[str]],
    overdue_milestones: dict[int, list[Overdue]],
    performance: PerformanceSection,
) -> ReportSnapshot:
    """One partnership's snapshot from the rows read for all (``exception_report_snapshots``)."""
    previous = quarter.previous
    zone = timezone.get_current_timezone()  # once, not once per update
    several_plans = len({a.plan.id for a in actions}) > 1

    groups: dict[tuple[int, ...], Group] = {}
    group_counts: dict[tuple[int, ...], dict[str, int]] = defaultdict(
        lambda: {k: 0 for k, _ in BUCKETS}
    )
    totals = {key: 0 for key, _ in BUCKETS}
    previous_totals = {key: 0 for key, _ in BUCKETS}
    off_track: list[StatusException] = []
    at_risk: list[StatusException] = []
    overdue: list[OverdueMilestone] = []
    no_update: list[NoUpdate] = []
    worse: list[Worse] = []
    completed: list[Completed] = []
    changes: list[Change] = []

    for action in actions:
        # This quarter's latest update, the previous quarter's, and the latest before this
        # quarter (any earlier quarter).
        before = earlier.get(action.previous_latest_update_id or 0)
        this = of_quarter.get(action.latest_update_id or 0) if action.updated_this_quarter else None
        last = before if action.previous_updated_this_quarter else None
        bucket = _bucket(action.needs_update, action.current_status)
        bucket_before = _bucket(action.previous_needs_update, action.previous_current_status)
        key = action.group_key
        group = groups.get(key)
        if group is None:
            label = action.group_label
            if several_plans:
                label = f"{action.plan.title}: {label}"
            group = groups[key] = {"label": label, "counts": [], "total": 0}
        label = group["label"]
        group_counts[key][bucket] += 1
        group["total"] += 1
        totals[bucket] += 1
        previous_totals[bucket_before] += 1
        entry: ActionEntry = {
            "id": action.pk,
            "reference": action.reference,
            "title": action.title,
            "group": label,
            "leads": ", ".join(leads[action.pk]) or action.lead_text,
        }
        if bucket in (Status.OFF_TRACK, Status.AT_RISK) and this is not None:
            item = StatusException(
                **entry,
                status=bucket,
                commentary=this.commentary,
                reason=this.reason,
                updated_on=timezone.localdate(this.created_at, zone).isoformat(),
                status_before=last.status if last else "",
            )
            (off_track if bucket == Status.OFF_TRACK else at_risk).append(item)
        for milestone in overdue_milestones.get(action.pk, ()):
            due = milestone.due_date
            overdue.append(
                OverdueMilestone(
                    **entry,
                    milestone=milestone.description,
                    timescale=milestone.timescale,
                    due_date=due.isoformat(),
                    days_overdue=(as_at - due).days,
                    status=bucket,
                )
            )
        if bucket == NO_UPDATE:
            no_update.append(
                NoUpdate(
                    **entry,
                    last_status=before.status if before else "",
                    last_quarter=_quarter_label(before),
                )
            )
        if (
            this is not None
            and last is not None
            and this.status in RAG_RANK
            and last.status in RAG_RANK
            and RAG_RANK[this.status] > RAG_RANK[last.status]
        ):
            worse.append(
                Worse(
                    **entry,
                    status_before=last.status,
                    status=this.status,
                    commentary=this.commentary,
                    reason=this.reason,
                )
            )
        if (
            this is not None
            and this.status == Status.COMPLETED
            and (before is None or before.status != Status.COMPLETED)
        ):
            completed.append(Completed(**entry, commentary=this.commentary))
        if bucket != bucket_before:
            changes.append(Change(**entry, before=bucket_before, after=bucket))

    overdue.sort(key=lambda m: (m["due_date"], m["reference"]))
    comparison: list[Comparison] = [
        {
            "key": key,
            "label": label,
            "previous": previous_totals[key],
            "current": totals[key],
            "change": totals[key] - previous_totals[key],
        }
        for key, label in BUCKETS
    ]
    plans = {a.plan.id: a.plan for a in actions}
    # Lists, not dicts, wherever order matters: PostgreSQL's jsonb does not keep key order.
    for key, group in groups.items():
        group["counts"] = [group_counts[key][k] for k, _ in BUCKETS]
    # Plans in the actions' order (by title), then priorities, themes and headings in theirs.
    plan_rank = {
        plan_id: rank for rank, plan_id in enumerate(dict.fromkeys(a.plan.id for a in actions))
    }
    ordered_groups = [
        groups[key] for key in sorted(groups, key=lambda k: (plan_rank[k[0]], *k[1:]))
    ]
    return {
        "schema": SNAPSHOT_SCHEMA,
        "partnership": {
            "id": partnership.pk,
            "name": partnership.name,
            "short_name": partnership.short_name,
        },
        "quarter": {
            "financial_year": quarter.financial_year,
            "number": quarter.number,
            "label": str(quarter),
            "months": quarter.months_label,
            "start": quarter.start.isoformat(),
            "end": quarter.end.isoformat(),
        },
        "previous_quarter": str(previous),
        "as_at": as_at.isoformat(),
        "interim": as_at < quarter.end,
        "plans": [{"id": p.pk, "title": p.title, "period": p.period_label} for p in plans.values()],
        "action_count": len(actions),
        # Where updates are signed off, the report uses approved ones: how many of the
        # quarter's were still waiting when it was built.
        "awaiting_sign_off": sum(1 for a in actions if a.awaiting_sign_off),
        "buckets": [{"key": k, "label": label} for k, label in BUCKETS],
        "summary": {
            "groups": ordered_groups,
            "totals": [{"key": k, "label": label, "count": totals[k]} for k, label in BUCKETS],
        },
        "comparison": comparison,
        "changes": changes,
        "exceptions": {
            "off_track": off_track,
            "at_risk": at_risk,
            "overdue_milestones": overdue,
            "no_update": no_update,
            "worse": worse,
            "completed": completed,
        },
        "performance": performance,
    }
