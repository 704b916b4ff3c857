"""The exception report's rules: the snapshot of a partnership's actions for a quarter.

The rules (``exception_report_snapshot``), for a partnership and a quarter:

* In scope: the actions of the partnership's plans whose period covers the quarter's
  financial year and that are not superseded.
* As at: the quarter's last day. For a quarter still running (a coordinator's "Build
  now"), today: a milestone due next month is not overdue yet.
* An action's status this quarter is that of its latest update labelled with the quarter
  (financial_year and quarter), the latest by ``created_at``. Updates of the same action in
  an earlier plan (same ``lineage``) count as its history; updates labelled with a later
  quarter are ignored, so rebuilding an old quarter gives the same answer.
* Summary: each action counts once, as its status this quarter; with no update this
  quarter it is "Completed" if it was completed before, otherwise "No update this quarter".
* Off track / at risk: the status this quarter is off track / at risk.
* Milestones overdue: the due date has passed, and the milestone was not done by the
  as-at date (``done_date`` empty or after it). At a quarter's end the as-at day itself
  is over, so a milestone due on the quarter's last day and not done is overdue; in an
  interim report (as at today) a milestone due today is not overdue yet, as on the
  officers' pages. Milestones of completed actions and milestones with no due date
  ("Ongoing") are never overdue.
* No update this quarter: no update labelled with the quarter, unless already completed.
* Got worse: the latest update of the quarter against the latest update of the previous
  quarter, both needed, on the scale on track < at risk < off track. "Not started" and
  "Completed" are not on the scale, so a move to or from them is not "worse".
* Completed this quarter: the status this quarter is completed and the latest status
  before the quarter (any earlier quarter) was not.
* Indicators moving the wrong way or off target, and funded projects not on track: the
  partnership's indicators and the projects of its grants for the year, by the rules in
  performance/snapshot.py (under "performance" in the snapshot).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from actions.models import Action, Status, StatusUpdate
from csp_tracker import clock
from csp_tracker.periods import Quarter
from performance.snapshot import indicators_for_report, projects_for_report
from plans.models import Partnership, Plan

SNAPSHOT_SCHEMA = 1


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


def actions_in_scope(*, partnership: Partnership, quarter: Quarter) -> QuerySet[Action]:
    return Action.objects.filter(
        plan__partnership=partnership,
        plan__start_year__lte=quarter.financial_year,
        plan__end_year__gte=quarter.financial_year + 1,
    ).exclude(plan__status=Plan.Status.SUPERSEDED)


def partnerships_with_plans_for(*, quarter: Quarter) -> QuerySet[Partnership]:
    """Partnerships with at least one plan in scope for the quarter."""
    plans = Plan.objects.filter(
        start_year__lte=quarter.financial_year, end_year__gte=quarter.financial_year + 1
    ).exclude(status=Plan.Status.SUPERSEDED)
    return Partnership.objects.filter(pk__in=plans.values("partnership_id")).order_by("name")


def report_as_at(*, quarter: Quarter, today: date) -> date:
    return min(quarter.end, today) if quarter.start <= today else quarter.end


@dataclass
class _History:
    """An action's updates up to the report's quarter, oldest first."""

    updates: list[StatusUpdate]

    def latest_in(self, quarter: Quarter) -> StatusUpdate | None:
        found = None
        for update in self.updates:
            if (update.financial_year, update.quarter) == (quarter.financial_year, quarter.number):
                found = update
        return found

    def latest_before(self, quarter: Quarter) -> StatusUpdate | None:
        found = None
        for update in self.updates:
            if (update.financial_year, update.quarter) < (quarter.financial_year, quarter.number):
                found = update
        return found

    def bucket(self, quarter: Quarter) -> str:
        this = self.latest_in(quarter)
        if this is not None:
            return this.status
        before = self.latest_before(quarter)
        if before is not None and before.status == Status.COMPLETED:
            return Status.COMPLETED.value
        return NO_UPDATE


def _update_key(update: StatusUpdate) -> tuple[int, int, object, int]:
    return (update.financial_year, update.quarter, update.created_at, update.pk)


def _histories(actions: list[Action], quarter: Quarter) -> dict[int, _History]:
    """One query: the updates of the actions and of their earlier plans' versions."""
    ids = {a.pk for a in actions}
    by_lineage: dict[object, list[int]] = defaultdict(list)
    for action in actions:
        by_lineage[action.lineage].append(action.pk)
    updates = StatusUpdate.objects.filter(
        Q(financial_year__lt=quarter.financial_year)
        | Q(financial_year=quarter.financial_year, quarter__lte=quarter.number),
        action__lineage__in=list(by_lineage),
    ).values_list(
        "pk",
        "action_id",
        "action__lineage",
        "financial_year",
        "quarter",
        "status",
        "commentary",
        "reason",
        "created_at",
    )
    histories = {a.pk: _History([]) for a in actions}
    for pk, action_id, lineage, fy, q, status, commentary, reason, created_at in updates:
        update = StatusUpdate(
            pk=pk,
            action_id=action_id,
            financial_year=fy,
            quarter=q,
            status=status,
            commentary=commentary,
            reason=reason,
            created_at=created_at,
        )
        # An in-scope action's own updates are its own; an earlier plan's version of it
        # lends its updates to every in-scope action of the same lineage.
        owners = [action_id] if action_id in ids else by_lineage[lineage]
        for owner in owners:
            histories[owner].updates.append(update)
    for history in histories.values():
        history.updates.sort(key=_update_key)
    return histories


def _group_of(action: Action) -> tuple[tuple[object, ...], str]:
    if action.priority_id:
        return (action.plan_id, 0, action.priority.number), action.priority.label
    return (action.plan_id, 1, action.theme.number), action.theme.label


def _quarter_label(update: StatusUpdate | None) -> str:
    if update is None:
        return ""
    return str(Quarter(update.financial_year, update.quarter))


def exception_report_snapshot(
    *, partnership: Partnership, quarter: Quarter, today: date | None = None
) -> dict[str, object]:
    """Everything an exception report shows, as plain JSON, computed once at build."""
    today = today or clock.today()
    as_at = report_as_at(quarter=quarter, today=today)
    # A due date before this day has passed (see "Milestones overdue" above).
    passed = as_at + timedelta(days=1) if as_at >= quarter.end else as_at
    previous = quarter.previous
    actions = list(
        actions_in_scope(partnership=partnership, quarter=quarter)
        .select_related("plan", "priority", "theme")
        .prefetch_related("lead_agencies", "milestones")
        .order_by("plan__title", "plan_id", "order", "id")
    )
    histories = _histories(actions, quarter)
    several_plans = len({a.plan_id for a in actions}) > 1

    groups: dict[tuple[object, ...], dict[str, object]] = {}
    totals = {key: 0 for key, _ in BUCKETS}
    previous_totals = {key: 0 for key, _ in BUCKETS}
    off_track: list[dict[str, object]] = []
    at_risk: list[dict[str, object]] = []
    overdue: list[dict[str, object]] = []
    no_update: list[dict[str, object]] = []
    worse: list[dict[str, object]] = []
    completed: list[dict[str, object]] = []
    changes: list[dict[str, object]] = []

    for action in actions:
        history = histories[action.pk]
        this = history.latest_in(quarter)
        last = history.latest_in(previous)
        before = history.latest_before(quarter)
        bucket = history.bucket(quarter)
        bucket_before = history.bucket(previous)
        key, label = _group_of(action)
        if several_plans:
            label = f"{action.plan.title}: {label}"
        group = groups.setdefault(
            key, {"label": label, "counts": {k: 0 for k, _ in BUCKETS}, "total": 0}
        )
        group["counts"][bucket] += 1  # type: ignore[index]
        group["total"] += 1  # type: ignore[operator]
        totals[bucket] += 1
        previous_totals[bucket_before] += 1
        entry = {
            "id": action.pk,
            "reference": action.reference,
            "title": action.title,
            "group": label,
            "leads": ", ".join(a.short_name for a in action.lead_agencies.all())
            or action.lead_text,
        }
        if bucket in (Status.OFF_TRACK, Status.AT_RISK) and this is not None:
            item = entry | {
                "status": bucket,
                "commentary": this.commentary,
                "reason": this.reason,
                "updated_on": timezone.localdate(this.created_at).isoformat(),
                "status_before": last.status if last else "",
            }
            (off_track if bucket == Status.OFF_TRACK else at_risk).append(item)
        if bucket != Status.COMPLETED:
            for milestone in action.milestones.all():
                due, done = milestone.due_date, milestone.done_date
                if due is not None and due < passed and (done is None or done > as_at):
                    overdue.append(
                        entry
                        | {
                            "milestone": milestone.description,
                            "timescale": milestone.timescale,
                            "due_date": due.isoformat(),
                            "days_overdue": (as_at - due).days,
                            "status": bucket,
                        }
                    )
        if bucket == NO_UPDATE:
            no_update.append(
                entry
                | {
                    "last_status": before.status if before else "",
                    "last_quarter": _quarter_label(before),
                }
            )
        if (
            this is not None
            and last is not None
            and this.status in RAG_RANK
            and last.status in RAG_RANK
            and RAG_RANK[this.status] > RAG_RANK[last.status]
        ):
            worse.append(
                entry
                | {
                    "status_before": last.status,
                    "status": this.status,
                    "commentary": this.commentary,
                    "reason": this.reason,
                }
            )
        if (
            this is not None
            and this.status == Status.COMPLETED
            and (before is None or before.status != Status.COMPLETED)
        ):
            completed.append(entry | {"commentary": this.commentary})
        if bucket != bucket_before:
            changes.append(entry | {"before": bucket_before, "after": bucket})

    overdue.sort(key=lambda m: (m["due_date"], m["reference"]))
    comparison = [
        {
            "key": key,
            "label": label,
            "previous": previous_totals[key],
            "current": totals[key],
            "change": totals[key] - previous_totals[key],
        }
        for key, label in BUCKETS
    ]
    plans = {a.plan_id: a.plan for a in actions}
    # Lists, not dicts, wherever order matters: PostgreSQL's jsonb does not keep key order.
    for group in groups.values():
        group["counts"] = [group["counts"][k] for k, _ in BUCKETS]  # type: ignore[index]
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
        "buckets": [{"key": k, "label": label} for k, label in BUCKETS],
        "summary": {
            "groups": list(groups.values()),
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
        "performance": {
            "indicators": indicators_for_report(partnership=partnership, quarter=quarter),
            "funded_projects": projects_for_report(
                partnership=partnership, quarter=quarter, as_at=as_at
            ),
        },
    }
