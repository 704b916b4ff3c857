"""Reads for actions. Every selector only returns what the user may see."""

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)

from actions.models import Action, Milestone, StatusUpdate
from csp_tracker import clock
from csp_tracker.periods import Quarter
from plans.models import Agency, Partnership, Plan
from plans.rules import access_for


def partnership_list(*, user: object) -> QuerySet[Partnership]:
    return Partnership.objects.filter(access_for(user).partnership_filter()).order_by("name")


def plan_list(*, user: object) -> QuerySet[Plan]:
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


def annotate_progress(qs: QuerySet[Action], *, quarter: Quarter, today: date) -> QuerySet[Action]:
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


def action_queryset(*, user: object) -> QuerySet[Action]:
    return Action.objects.filter(access_for(user).partnership_filter("plan__partnership__"))


def action_list(*, user: object, quarter: Quarter | None = None) -> QuerySet[Action]:
    quarter = quarter or clock.update_quarter()
    qs = (
        action_queryset(user=user)
        .select_related("plan__partnership", "priority", "theme", "workstream")
        .prefetch_related("lead_agencies")
    )
    return annotate_progress(qs, quarter=quarter, today=clock.today()).order_by(
        "plan__partnership__name", "plan__title", "order", "id"
    )


def action_get(*, user: object, pk: int) -> Action:
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


def milestone_get(*, user: object, pk: int) -> Milestone:
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


def _field_label(model: type, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _lead_names(rows: object, names: dict[int, str]) -> str:
    ids = sorted(row["agency"] for row in rows or [])  # type: ignore[union-attr]
    return ", ".join(names.get(i, "?") for i in ids) or "none"


def change_history(*, action: Action) -> list[dict[str, object]]:
    """Changes to the action's text and leads and to its milestones: who, when, before and
    after. Saves that land together (the text, then each change of leads) are one entry."""
    names = dict(Agency.objects.values_list("pk", "short_name"))
    raw: list[tuple[object, object, str, str, object, object]] = []
    records = list(
        action.history.select_related("history_user").order_by("history_date", "history_id")
    )
    if not records:
        return []
    creation = records[0]

    def part_of_creation(record: object) -> bool:
        """What the action was made with is not a change: its leads and milestones are
        saved by the same person just after the action itself."""
        return (
            record.history_user_id == creation.history_user_id  # type: ignore[attr-defined]
            and record.history_date - creation.history_date < timedelta(seconds=5)  # type: ignore[attr-defined]
        )

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
    last_by_milestone: dict[int, object] = {}
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
    entries: list[dict[str, object]] = []
    for when, who, what, label, old, new in sorted(raw, key=lambda r: r[0]):  # type: ignore[arg-type, return-value]
        last = entries[-1] if entries else None
        if (
            last is not None
            and last["who"] == who
            and last["what"] == what
            and when - last["when"] < timedelta(seconds=5)  # type: ignore[operator]
        ):
            entry = last
        else:
            entry = {"when": when, "who": who, "what": what, "changes": {}}
            entries.append(entry)
        changes: dict[str, dict[str, object]] = entry["changes"]  # type: ignore[assignment]
        if label in changes:
            changes[label]["new"] = new
        else:
            changes[label] = {"field": label, "old": old, "new": new}
    for entry in entries:
        entry["changes"] = [
            c
            for c in entry["changes"].values()  # type: ignore[union-attr]
            if c["old"] != c["new"] or c["field"] == "added"
        ]
    entries = [e for e in entries if e["changes"]]
    entries.reverse()
    return entries


@dataclass(frozen=True)
class MyWork:
    actions: list[Action]
    milestones_overdue: list[Milestone]
    milestones_due: list[Milestone]
    quarter: Quarter


def my_actions(*, user: object) -> MyWork:
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
            "field": Action._meta.get_field(c.field).verbose_name,
            "old": c.old,
            "new": c.new,
            "who": latest.history_user,
            "when": latest.history_date,
        }
        for c in delta.changes
        if c.field != "lead_agencies"
    ]


def action_values_as_opened(*, action: Action, version: int) -> dict[str, object] | None:
    """The action's edit-form values as they were at ``version`` (the one an editor
    opened), from its history; None if the history does not go back that far."""
    record = (
        action.history.filter(lock_version__lte=version)
        .order_by("-lock_version", "-history_date", "-history_id")
        .first()
    )
    if record is None:
        return None
    return {
        "reference": record.reference,
        "heading": f"p{record.priority_id}" if record.priority_id else f"t{record.theme_id}",
        "title": record.title,
        "desired_outcome": record.desired_outcome,
        "lead_agencies": [row.agency_id for row in record.lead_agencies.all()],
        "lead_text": record.lead_text,
        "is_linked": record.is_linked,
        "linked_to": record.linked_to,
        "is_grant_funded": record.is_grant_funded,
    }


def milestone_values_as_opened(*, milestone: Milestone, version: int) -> dict[str, object] | None:
    """The milestone's edit-form values as they were at ``version``, from its history."""
    record = (
        milestone.history.filter(lock_version__lte=version)
        .order_by("-lock_version", "-history_date", "-history_id")
        .first()
    )
    if record is None:
        return None
    return {
        "description": record.description,
        "timescale": record.timescale,
        "lead": record.lead_id,
        "lead_text": record.lead_text,
        "done_date": record.done_date,
    }
