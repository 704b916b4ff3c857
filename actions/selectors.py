"""Reads for actions. Every selector only returns what the user may see."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Protocol, TypedDict

from django.db.models import (
    Exists,
    Field,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)

from accounts.models import User
from accounts.types import AnyUser
from actions.models import Action, Milestone, StatusUpdate
from csp_tracker import clock
from csp_tracker.periods import Quarter
from plans.models import Agency, Partnership, Plan
from plans.rules import access_for


class Progress(TypedDict):
    """What ``annotate_progress`` adds to each action."""

    current_status: str | None
    last_update_at: datetime | None
    updated_this_quarter: bool
    has_overdue: bool
    has_due_soon: bool


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    # An action read with its progress: the stubs' type of an annotated model.
    ActionWithProgress = WithAnnotations[Action, Progress]
    ActionsWithProgress = QuerySet[ActionWithProgress]


def partnership_list(*, user: AnyUser) -> QuerySet[Partnership]:
    return Partnership.objects.filter(access_for(user).partnership_filter()).order_by("name")


def plan_list(*, user: AnyUser) -> QuerySet[Plan]:
    return (
        Plan.objects.filter(access_for(user).partnership_filter("partnership__"))
        .select_related("partnership")
        .order_by("partnership__name", "-start_year", "title")
    )


def _latest_update(field: str) -> Subquery:
    return Subquery(
        StatusUpdate.objects.filter(action=OuterRef("pk"))
        .order_by("-created_at", "-id")
        .values(field)[:1]
    )


def annotate_progress(
    qs: QuerySet[Action], *, quarter: Quarter, today: date
) -> "ActionsWithProgress":
    """Current status (the latest update), whether this quarter has an update, and
    milestones overdue (a due date passed, not done) or due by the quarter's end."""
    open_milestones = Milestone.objects.filter(action=OuterRef("pk"), done_date__isnull=True)
    return qs.annotate(
        current_status=_latest_update("status"),
        last_update_at=_latest_update("created_at"),
        updated_this_quarter=Exists(
            StatusUpdate.objects.filter(
                action=OuterRef("pk"),
                financial_year=quarter.financial_year,
                quarter=quarter.number,
            )
        ),
        has_overdue=Exists(open_milestones.filter(due_date__lt=today)),
        has_due_soon=Exists(open_milestones.filter(due_date__gte=today, due_date__lte=quarter.end)),
    )


def action_queryset(*, user: AnyUser) -> QuerySet[Action]:
    return Action.objects.filter(access_for(user).partnership_filter("plan__partnership__"))


def action_list(*, user: AnyUser, quarter: Quarter | None = None) -> "ActionsWithProgress":
    quarter = quarter or clock.update_quarter()
    qs = (
        action_queryset(user=user)
        .select_related("plan__partnership", "priority", "theme", "workstream")
        .prefetch_related("lead_agencies")
    )
    return annotate_progress(qs, quarter=quarter, today=clock.today()).order_by(
        "plan__partnership__name", "plan__title", "order", "id"
    )


def action_get(*, user: AnyUser, pk: int) -> "ActionWithProgress":
    """One visible action with everything its page shows; DoesNotExist otherwise."""
    quarter = clock.update_quarter()
    qs = (
        action_queryset(user=user)
        .select_related("plan__partnership", "priority", "theme", "workstream")
        .prefetch_related(
            "lead_agencies",
            "supports_themes",
            Prefetch("milestones", queryset=Milestone.objects.select_related("lead")),
        )
    )
    return annotate_progress(qs, quarter=quarter, today=clock.today()).get(pk=pk)


def milestone_get(*, user: AnyUser, pk: int) -> Milestone:
    return (
        Milestone.objects.filter(access_for(user).partnership_filter("action__plan__partnership__"))
        .select_related("action__plan__partnership", "lead")
        .get(pk=pk)
    )


def status_history(*, action: Action) -> QuerySet[StatusUpdate]:
    """Every update of the action and of the same action in earlier plans, newest first."""
    return (
        StatusUpdate.objects.filter(action__lineage=action.lineage)
        .select_related("author", "action__plan")
        .prefetch_related("milestones_completed")
        .order_by("-created_at", "-id")
    )


def _field_label(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    return str(field.verbose_name if isinstance(field, Field) else name)


def _lead_names(rows: list[dict[str, int]] | None, names: dict[int, str]) -> str:
    """A change of leads, as django-simple-history lists the through rows."""
    ids = sorted(row["agency"] for row in rows or [])
    return ", ".join(names.get(i, "?") for i in ids) or "none"


class _HistoryRecord(Protocol):
    """What is read of a django-simple-history record (it ships no types)."""

    history_user_id: int | None
    history_date: datetime


class FieldChange(TypedDict):
    field: str
    old: object
    new: object


class ChangeEntry(TypedDict):
    when: datetime
    who: User | None
    what: str
    changes: list[FieldChange]


def change_history(*, action: Action) -> list[ChangeEntry]:
    """Changes to the action's text and leads and to its milestones: who, when, before and
    after. Saves that land together (the text, then each change of leads) are one entry."""
    names = dict(Agency.objects.values_list("pk", "short_name"))
    raw: list[tuple[datetime, User | None, str, str, object, object]] = []
    records = list(
        action.history.select_related("history_user").order_by("history_date", "history_id")
    )
    if not records:
        return []
    creation = records[0]

    def part_of_creation(record: _HistoryRecord) -> bool:
        """What the action was made with is not a change: its leads and milestones are
        saved by the same person just after the action itself."""
        return (
            record.history_user_id == creation.history_user_id
            and record.history_date - creation.history_date < timedelta(seconds=5)
        )

    old: object
    new: object
    for before, record in pairwise(records):
        if part_of_creation(record):
            continue
        delta = record.diff_against(before, excluded_fields=["lock_version", "updated_at"])
        for c in delta.changes:
            if c.field == "lead_agencies":
                old, new = _lead_names(c.old, names), _lead_names(c.new, names)
                label = "lead agencies"
            else:
                old, new, label = c.old, c.new, _field_label(Action, c.field)
            raw.append((record.history_date, record.history_user, "Action", label, old, new))
    last_by_milestone: dict[int, Any] = {}
    milestone_records = (
        Milestone.history.filter(action_id=action.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    for record in milestone_records:
        before = last_by_milestone.get(record.id)
        last_by_milestone[record.id] = record
        what = f"Milestone: {record.description[:60]}"
        if before is None:
            if record.history_type == "+" and not part_of_creation(record):
                raw.append((record.history_date, record.history_user, what, "added", "", ""))
            continue
        delta = record.diff_against(
            before, excluded_fields=["lock_version", "timescale_kind", "due_date"]
        )
        for c in delta.changes:
            raw.append(
                (
                    record.history_date,
                    record.history_user,
                    what,
                    _field_label(Milestone, c.field),
                    c.old,
                    c.new,
                )
            )
    # One entry per person, thing and moment (saves within a few seconds are one change).
    entries: list[ChangeEntry] = []
    by_label: list[dict[str, FieldChange]] = []  # each entry's changes, by field
    for when, who, what, label, old, new in sorted(raw, key=lambda r: r[0]):
        last = entries[-1] if entries else None
        if (
            last is not None
            and last["who"] == who
            and last["what"] == what
            and when - last["when"] < timedelta(seconds=5)
        ):
            changes = by_label[-1]
        else:
            entries.append({"when": when, "who": who, "what": what, "changes": []})
            changes = {}
            by_label.append(changes)
        if label in changes:
            changes[label]["new"] = new
        else:
            changes[label] = {"field": label, "old": old, "new": new}
    for entry, changed in zip(entries, by_label, strict=True):
        entry["changes"] = [
            c for c in changed.values() if c["old"] != c["new"] or c["field"] == "added"
        ]
    entries = [e for e in entries if e["changes"]]
    entries.reverse()
    return entries


@dataclass(frozen=True)
class MyWork:
    actions: "list[ActionWithProgress]"
    milestones_overdue: list[Milestone]
    milestones_due: list[Milestone]
    quarter: Quarter


def my_actions(*, user: AnyUser) -> MyWork:
    """What an officer's agency leads (actions, or milestones of them), or for a
    coordinator everything in their partnerships, with what needs doing this quarter."""
    access = access_for(user)
    quarter = clock.update_quarter()
    today = clock.today()
    led = Q(pk__in=[])
    for partnership_id, agency_id in access.officer_agencies().items():
        led |= Q(plan__partnership_id=partnership_id) & (
            Q(lead_agencies=agency_id) | Q(milestones__lead_id=agency_id)
        )
    coordinated = [m.partnership_id for m in access.memberships if m.role == "coordinator"]
    if coordinated:
        led |= Q(plan__partnership_id__in=coordinated)
    ids = Action.objects.filter(led).exclude(plan__status=Plan.Status.SUPERSEDED).values("pk")
    qs = (
        Action.objects.filter(pk__in=ids)
        .select_related("plan__partnership", "priority", "theme")
        .prefetch_related("lead_agencies")
    )
    actions = list(
        annotate_progress(qs, quarter=quarter, today=today).order_by(
            "updated_this_quarter", "plan__title", "order", "id"
        )
    )
    open_milestones = (
        Milestone.objects.filter(action__in=ids, done_date__isnull=True, due_date__isnull=False)
        .select_related("action", "lead")
        .order_by("due_date", "action__order")
    )
    overdue, due = [], []
    for milestone in open_milestones:
        if milestone.due_date is None:  # the query leaves these out; said for the type checker
            continue
        if milestone.due_date < today:
            overdue.append(milestone)
        elif milestone.due_date <= quarter.end:
            due.append(milestone)
    return MyWork(actions=actions, milestones_overdue=overdue, milestones_due=due, quarter=quarter)


def changes_since(*, action: Action, version: int) -> list[dict[str, object]]:
    """What others changed on the action since the version an editor opened."""
    history = action.history.select_related("history_user").order_by("-history_date", "-history_id")
    base = history.filter(lock_version__lte=version).first()
    latest = history.first()
    if base is None or latest is None or base.history_id == latest.history_id:
        return []
    delta = latest.diff_against(base, excluded_fields=["lock_version", "updated_at"])
    return [
        {
            "field": _field_label(Action, c.field),
            "old": c.old,
            "new": c.new,
            "who": latest.history_user,
            "when": latest.history_date,
        }
        for c in delta.changes
        if c.field != "lead_agencies"
    ]
