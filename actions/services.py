"""Writes for actions, milestones and status updates."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.db.models import F

from accounts.models import User
from actions.models import Action, Milestone, Status, StatusUpdate, StatusUpdateMilestone
from actions.timescales import parse_timescale
from csp_tracker import clock
from csp_tracker.periods import Quarter
from plans.models import Agency, Plan
from priorities.models import CrossCuttingTheme, Priority, Workstream


class StaleEdit(Exception):
    """Someone else saved the object after this person opened it."""

    def __init__(self, current: Action | Milestone) -> None:
        super().__init__("Someone else saved this after you opened it")
        self.current = current


@dataclass
class MilestoneData:
    description: str
    timescale: str = ""
    lead_text: str = ""
    lead: Agency | None = None
    done_date: date | None = None
    id: int | None = None


@dataclass
class Figure:
    label: str
    value: float | int

    def as_json(self) -> dict[str, object]:
        value = int(self.value) if float(self.value).is_integer() else self.value
        return {"label": self.label, "value": value}


@dataclass
class ActionData:
    reference: str
    title: str
    priority: Priority | None = None
    theme: CrossCuttingTheme | None = None
    workstream: Workstream | None = None
    desired_outcome: str = ""
    lead_text: str = ""
    lead_agencies: Sequence[Agency] = field(default_factory=list)
    supports_themes: Sequence[CrossCuttingTheme] = field(default_factory=list)
    is_linked: bool = False
    linked_to: str = ""
    is_grant_funded: bool = False


def _plan_period(plan: Plan) -> tuple[date, date]:
    return date(plan.start_year, 4, 1), date(plan.end_year, 3, 31)


def _apply_timescale(milestone: Milestone, plan: Plan) -> None:
    start, end = _plan_period(plan)
    parsed = parse_timescale(milestone.timescale, period_start=start, period_end=end)
    milestone.timescale = parsed.text
    milestone.timescale_kind = parsed.kind.value
    milestone.due_date = parsed.due_date


@transaction.atomic
def action_create(
    *,
    plan: Plan,
    data: ActionData,
    milestones: Iterable[MilestoneData] = (),
    order: int | None = None,
) -> Action:
    if order is None:
        order = plan.actions.count() + 1
    action = Action(
        plan=plan,
        reference=data.reference,
        priority=data.priority,
        theme=data.theme,
        workstream=data.workstream,
        order=order,
        title=data.title,
        desired_outcome=data.desired_outcome,
        lead_text=data.lead_text,
        is_linked=data.is_linked,
        linked_to=data.linked_to,
        is_grant_funded=data.is_grant_funded,
    )
    action.full_clean()
    action.save()
    action.lead_agencies.set(data.lead_agencies)
    action.supports_themes.set(data.supports_themes)
    for position, item in enumerate(milestones, start=1):
        milestone_create(action=action, data=item, order=position)
    return action


def milestone_create(*, action: Action, data: MilestoneData, order: int | None = None) -> Milestone:
    if order is None:
        order = action.milestones.count() + 1
    milestone = Milestone(
        action=action,
        order=order,
        description=data.description,
        lead_text=data.lead_text,
        lead=data.lead,
        timescale=data.timescale,
        done_date=data.done_date,
    )
    _apply_timescale(milestone, action.plan)
    milestone.full_clean()
    milestone.save()
    return milestone


def _claim_version(model: type[Action] | type[Milestone], pk: int, expected: int) -> None:
    """Raise the version only if it is still the one the editor saw.

    The check is in the UPDATE itself, so of two concurrent saves exactly one matches;
    the other waits for the row lock, then matches nothing.
    """
    claimed = model.objects.filter(pk=pk, lock_version=expected).update(
        lock_version=F("lock_version") + 1
    )
    if not claimed:
        raise StaleEdit(model.objects.get(pk=pk))


@transaction.atomic
def action_update(
    *, action: Action, data: ActionData, expected_version: int, user: User | None = None
) -> Action:
    """Change an action's text and leads; refused if someone saved it in the meantime."""
    _claim_version(Action, action.pk, expected_version)
    action.refresh_from_db(fields=["lock_version"])
    action.reference = data.reference
    action.title = data.title
    action.priority = data.priority
    action.theme = data.theme
    action.workstream = data.workstream
    action.desired_outcome = data.desired_outcome
    action.lead_text = data.lead_text
    action.is_linked = data.is_linked
    action.linked_to = data.linked_to
    action.is_grant_funded = data.is_grant_funded
    if user is not None:
        action._history_user = user  # type: ignore[attr-defined]
    action.full_clean()
    action.save()
    action.lead_agencies.set(data.lead_agencies)
    action.supports_themes.set(data.supports_themes)
    return action


@transaction.atomic
def milestone_update(
    *, milestone: Milestone, data: MilestoneData, expected_version: int, user: User | None = None
) -> Milestone:
    _claim_version(Milestone, milestone.pk, expected_version)
    milestone.refresh_from_db(fields=["lock_version"])
    milestone.description = data.description
    milestone.timescale = data.timescale
    milestone.lead_text = data.lead_text
    milestone.lead = data.lead
    milestone.done_date = data.done_date
    _apply_timescale(milestone, milestone.action.plan)
    if user is not None:
        milestone._history_user = user  # type: ignore[attr-defined]
    milestone.full_clean()
    milestone.save()
    return milestone


def _latest_status(action: Action) -> str:
    latest = action.updates.order_by("-created_at", "-id").values_list("status", flat=True).first()
    return latest or ""


@transaction.atomic
def status_update_record(
    *,
    action: Action,
    author: User,
    status: str,
    commentary: str,
    quarter: Quarter | None = None,
    reason: str = "",
    figures: Sequence[Figure] = (),
    milestones_completed: Iterable[Milestone] = (),
    expected_version: int | None = None,
    created_at: datetime | None = None,
) -> StatusUpdate:
    """Append this quarter's update to the action's history.

    ``expected_version`` is the action's version when the officer opened the page; a save
    by someone else since then refuses this one (StaleEdit) rather than silently
    recording on top of what they have not seen.
    """
    if status not in Status.values:
        raise ValueError(f"Unknown status {status!r}")
    if expected_version is not None:
        _claim_version(Action, action.pk, expected_version)
    else:
        Action.objects.filter(pk=action.pk).update(lock_version=F("lock_version") + 1)
    action.refresh_from_db(fields=["lock_version"])
    quarter = quarter or clock.current_quarter()
    created_at = created_at or clock.now()
    milestones = list(milestones_completed)
    foreign = [m for m in milestones if m.action_id != action.pk]
    if foreign:
        raise ValueError("A milestone of another action cannot be completed here")
    update = StatusUpdate.objects.create(
        action=action,
        financial_year=quarter.financial_year,
        quarter=quarter.number,
        status=status,
        previous_status=_latest_status(action),
        commentary=commentary,
        reason=reason,
        figures=[figure.as_json() for figure in figures],
        author=author,
        created_at=created_at,
    )
    StatusUpdateMilestone.objects.bulk_create(
        StatusUpdateMilestone(update=update, milestone=m) for m in milestones
    )
    done_on = created_at.date()
    for milestone in milestones:
        if milestone.done_date is None:
            milestone.done_date = done_on
            milestone.lock_version += 1
            milestone._history_user = author  # type: ignore[attr-defined]
            milestone.save(update_fields=["done_date", "lock_version"])
    return update
