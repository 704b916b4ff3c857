"""Writes for actions, milestones and status updates."""

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from actions.models import (
    Action,
    Milestone,
    Status,
    StatusUpdate,
    StatusUpdateMilestone,
    UpdateRequest,
    UpdateReview,
)
from actions.selectors import action_current_status
from actions.timescales import parse_timescale
from csp_tracker import clock
from csp_tracker.data import ModelData
from csp_tracker.db import checked_save
from csp_tracker.ordering import swap_with_neighbour
from csp_tracker.periods import Quarter
from plans.models import Agency, Partnership, Plan
from plans.services import plan_open_guard
from priorities.models import CrossCuttingTheme, Priority, Workstream


class StaleEdit(Exception):
    """Someone else saved the object after this person opened it."""

    def __init__(self, current: Action | Milestone) -> None:
        super().__init__("Someone else saved this after you opened it")
        self.current = current


@dataclass
class MilestoneData(ModelData):
    description: str
    timescale: str = ""
    lead_text: str = ""
    lead: Agency | None = None
    done_date: date | None = None


@dataclass
class Figure:
    label: str
    value: float | int

    def as_json(self) -> dict[str, object]:
        value = int(self.value) if float(self.value).is_integer() else self.value
        return {"label": self.label, "value": value}


@dataclass
class ActionData(ModelData):
    many = ("lead_agencies", "supports_themes")

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


def _history_by(obj: Action | Milestone, user: User | None) -> None:
    """Who the change history (django-simple-history) names for the next save."""
    if user is not None:
        obj._history_user = user


def _apply_timescale(milestone: Milestone, plan: Plan) -> None:
    parsed = parse_timescale(
        milestone.timescale, period_start=plan.period_start, period_end=plan.period_end
    )
    milestone.timescale = parsed.text
    milestone.timescale_kind = parsed.kind.value
    milestone.due_date = parsed.due_date


def _check_heading(plan: Plan, priority: Priority | None, theme: CrossCuttingTheme | None) -> None:
    """An action sits under a priority or theme of its own plan."""
    errors: dict[str, str] = {}
    for name, heading in (("priority", priority), ("theme", theme)):
        if heading is not None and heading.plan_id != plan.pk:
            errors[name] = f"Select a {name} of {plan.title}"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def action_create(
    *,
    plan: Plan,
    data: ActionData,
    milestones: Iterable[MilestoneData] = (),
    order: int | None = None,
    carried_from: Action | None = None,
) -> Action:
    """A new action of the plan, or (``carried_from``) the same action carried into the
    next plan: it keeps its lineage, so its history follows it."""
    plan_open_guard(obj=plan)
    _check_heading(plan, data.priority, data.theme)
    if order is None:
        order = plan.actions.count() + 1
    action = Action(plan=plan, carried_from=carried_from, order=order)
    data.apply(action)
    if carried_from is not None:
        action.lineage = carried_from.lineage
    checked_save(action)
    data.set_many(action)
    for position, item in enumerate(milestones, start=1):
        _milestone_create(action=action, data=item, order=position)
    return action


def milestone_create(*, action: Action, data: MilestoneData, order: int | None = None) -> Milestone:
    plan_open_guard(obj=action)
    return _milestone_create(action=action, data=data, order=order)


def _milestone_create(*, action: Action, data: MilestoneData, order: int | None) -> Milestone:
    if order is None:
        order = action.milestones.count() + 1
    milestone = Milestone(action=action, order=order)
    data.apply(milestone)
    _apply_timescale(milestone, action.plan)
    return checked_save(milestone)


def _claim_version(
    model: type[Action] | type[Milestone], pk: int, expected: int, field: str = "lock_version"
) -> None:
    """Raise the version only if it is still the one the editor saw.

    The check is in the UPDATE itself, so of two concurrent saves exactly one matches;
    the other waits for the row lock, then matches nothing.
    """
    claimed = model.objects.filter(pk=pk, **{field: expected}).update(**{field: F(field) + 1})
    if not claimed:
        raise StaleEdit(model.objects.get(pk=pk))


def _edited(
    obj: Action | Milestone, data: ActionData | MilestoneData, *, expected_version: int
) -> None:
    """An edit from the object's page: refused as stale if someone saved it after the
    editor opened it (``expected_version``), else ``data`` put on it at its new version."""
    _claim_version(type(obj), obj.pk, expected_version)
    obj.refresh_from_db(fields=["lock_version"])
    data.apply(obj)


def _raise_version(obj: Action | Milestone) -> None:
    """A save of the object edited as a whole (the admin's) raises its version, so that an
    edit opened on its page before is refused as stale."""
    if obj.pk is not None:
        current = type(obj).objects.select_for_update().values_list("lock_version", flat=True)
        obj.lock_version = current.get(pk=obj.pk) + 1


@transaction.atomic
def action_update(
    *, action: Action, data: ActionData, expected_version: int, user: User | None = None
) -> Action:
    """Change an action's text and leads; refused if someone saved it in the meantime."""
    plan_open_guard(obj=action)
    _check_heading(action.plan, data.priority, data.theme)
    _edited(action, data, expected_version=expected_version)
    _history_by(action, user)
    checked_save(action)
    data.set_many(action)
    return action


@transaction.atomic
def action_save(*, action: Action, user: User | None = None) -> Action:
    """Save an action edited as a whole, as the admin site's form does (its leads and
    themes are saved after it): in an open plan, under a heading of its plan, its version
    raised so that an edit opened on the action's page before is refused as stale."""
    plan_open_guard(obj=action)
    _check_heading(action.plan, action.priority, action.theme)
    _raise_version(action)
    _history_by(action, user)
    return checked_save(action)


@transaction.atomic
def milestone_update(
    *, milestone: Milestone, data: MilestoneData, expected_version: int, user: User | None = None
) -> Milestone:
    plan_open_guard(obj=milestone)
    _edited(milestone, data, expected_version=expected_version)
    _apply_timescale(milestone, milestone.action.plan)
    _history_by(milestone, user)
    return checked_save(milestone)


@transaction.atomic
def milestone_save(*, milestone: Milestone, user: User | None = None) -> Milestone:
    """Save a milestone edited as a whole, as the admin site's forms do: its due date is
    derived from its timescale as everywhere else, and its version raised so that an edit
    opened on the milestone's page before is refused as stale."""
    plan_open_guard(obj=milestone)
    _apply_timescale(milestone, milestone.action.plan)
    _raise_version(milestone)
    _history_by(milestone, user)
    return checked_save(milestone)


@transaction.atomic
def status_update_record(
    *,
    action: Action,
    author: User | None,
    status: str,
    commentary: str,
    quarter: Quarter | None = None,
    request: UpdateRequest | None = None,
    reason: str = "",
    figures: Sequence[Figure] = (),
    milestones_completed: Iterable[Milestone] = (),
    expected_version: int | None = None,
    created_at: datetime | None = None,
) -> StatusUpdate:
    """Append this quarter's update to the action's history.

    ``expected_version`` is the action's ``updates_version`` when the officer opened the
    page: an update saved by someone else since then refuses this one (StaleEdit) rather
    than recording on top of what they have not seen. Edits of the action's text do not
    count: they have their own version.

    Refused with a ValidationError naming the field: no commentary, or a status different
    from the action's current status (across its lineage, as of the quarter) without a
    reason. Refused with PlanNotEditable on a superseded plan.
    """
    if status not in Status.values:
        raise ValueError(f"Unknown status {status!r}")
    if author is None and request is None:
        raise ValueError("An update is written by a signed-in author or through a request")
    plan_open_guard(obj=action)
    milestones = list(milestones_completed)
    foreign = [m for m in milestones if m.action_id != action.pk]
    if foreign:
        raise ValueError("A milestone of another action cannot be completed here")
    if not commentary.strip():
        raise ValidationError({"commentary": ValidationError("Enter a commentary", "required")})
    if expected_version is not None:
        _claim_version(Action, action.pk, expected_version, field="updates_version")
    else:
        Action.objects.filter(pk=action.pk).update(updates_version=F("updates_version") + 1)
    action.refresh_from_db(fields=["updates_version"])
    quarter = quarter or clock.update_quarter()
    created_at = created_at or clock.now()
    # Read after the claim: an update saved meanwhile has either been seen (no StaleEdit)
    # or is counted here. A refusal below rolls the claim back with the rest.
    previous_status = action_current_status(action=action, as_of=quarter)
    if previous_status and status != previous_status and not reason.strip():
        raise ValidationError(
            {
                "reason": ValidationError(
                    "A change of status from %(before)s to %(after)s needs a reason",
                    code="reason_required",
                    params={
                        "before": Status(previous_status).label,
                        "after": Status(status).label,
                    },
                )
            }
        )
    update = StatusUpdate.objects.create(
        action=action,
        **quarter.columns,
        status=status,
        previous_status=previous_status,
        commentary=commentary,
        reason=reason,
        figures=[figure.as_json() for figure in figures],
        author=author,
        request=request,
        created_at=created_at,
    )
    StatusUpdateMilestone.objects.bulk_create(
        StatusUpdateMilestone(update=update, milestone=m) for m in milestones
    )
    if Plan.objects.filter(pk=action.plan_id, partnership__updates_need_sign_off=True).exists():
        # It waits as "submitted" until a coordinator approves it or returns it.
        UpdateReview.objects.create(
            update=update, decision=UpdateReview.Decision.SUBMITTED, created_at=created_at
        )
    done_on = timezone.localdate(created_at)
    # Read each milestone again under a row lock, so a coordinator's edit saved meanwhile
    # is neither lost nor silently overwritten (it raised the version; this raises it again).
    for milestone in Milestone.objects.select_for_update().filter(
        pk__in=[m.pk for m in milestones], done_date__isnull=True
    ):
        milestone.done_date = done_on
        milestone.lock_version += 1
        _history_by(milestone, author)
        milestone.save(update_fields=["done_date", "lock_version"])
    return update


# Numbering and order of a plan's actions (plan authoring).


def heading_prefix(*, heading: Priority | CrossCuttingTheme, priority_count: int) -> int:
    """The first part of an action's number: priorities 1..P, then themes P+1.. (as Swale
    numbers its theme actions 5.1 and 6.1 after four priorities)."""
    if isinstance(heading, Priority):
        return heading.number
    return priority_count + heading.number


def action_next_reference(*, plan: Plan, heading: Priority | CrossCuttingTheme) -> str:
    prefix = heading_prefix(heading=heading, priority_count=plan.priorities.count())
    taken = set(plan.actions.values_list("reference", flat=True))
    n = 1
    while f"{prefix}.{n}" in taken:
        n += 1
    return f"{prefix}.{n}"


def _ordered_headings(plan: Plan) -> list[Priority | CrossCuttingTheme]:
    return [*plan.priorities.order_by("number"), *plan.themes.order_by("number")]


def _place_in_heading(action: Action) -> tuple[int, int, int, int, int]:
    """Within a priority or theme: actions under no heading first, then each heading's in
    the headings' order, as the pages and the document list them."""
    workstream = action.workstream
    if workstream is None:
        return (0, 0, 0, action.order, action.pk)
    return (1, workstream.order, workstream.pk, action.order, action.pk)


@transaction.atomic
def action_plan_renumber(*, plan: Plan) -> int:
    """Number every action of the plan "<heading>.<position>" in its order, and put the
    plan's order in heading order. Returns how many numbers changed.

    Each changed action's lock_version goes up, so an edit opened before is refused.
    """
    plan_open_guard(obj=plan)
    headings = _ordered_headings(plan)
    priority_count = sum(isinstance(h, Priority) for h in headings)
    actions = sorted(plan.actions.select_related("workstream"), key=_place_in_heading)
    by_heading: dict[tuple[str, int | None], list[Action]] = {}
    for action in actions:
        key = ("p", action.priority_id) if action.priority_id else ("t", action.theme_id)
        by_heading.setdefault(key, []).append(action)
    wanted: list[tuple[Action, str, int]] = []
    position = 0
    for heading in headings:
        key = ("p" if isinstance(heading, Priority) else "t", heading.pk)
        prefix = heading_prefix(heading=heading, priority_count=priority_count)
        for n, action in enumerate(by_heading.get(key, []), start=1):
            position += 1
            wanted.append((action, f"{prefix}.{n}", position))
    changed = [(a, ref, pos) for a, ref, pos in wanted if a.reference != ref or a.order != pos]
    # References are unique in a plan: move the changing ones out of the way first.
    for action, _, _ in changed:
        Action.objects.filter(pk=action.pk).update(reference=f"~{action.pk}")
    renumbered = 0
    for action, reference, order in changed:
        renumbered += action.reference != reference
        action.reference = reference
        action.order = order
        action.lock_version += 1
        action.save(update_fields=["reference", "order", "lock_version", "updated_at"])
    return renumbered


@transaction.atomic
def action_move(*, action: Action, up: bool) -> None:
    """Swap an action with its neighbour under the same priority or theme and heading."""
    plan_open_guard(obj=action)
    siblings = list(
        Action.objects.filter(
            plan=action.plan,
            priority=action.priority_id,
            theme=action.theme_id,
            workstream=action.workstream_id,
        ).order_by("order", "id")
    )
    neighbour = swap_with_neighbour(siblings, action, up=up)
    if neighbour is None:
        return
    mine, theirs = action.order, neighbour.order
    if mine == theirs:
        theirs = mine - 1 if up else mine + 1
    Action.objects.filter(pk=action.pk).update(order=theirs, lock_version=F("lock_version") + 1)
    Action.objects.filter(pk=neighbour.pk).update(order=mine, lock_version=F("lock_version") + 1)


# Update requests: a signed link for a lead's contact without an account.


@transaction.atomic
def update_request_create(
    *,
    partnership: Partnership,
    agency: Agency,
    contact_name: str,
    contact_email: str,
    actions: Sequence[Action],
    quarter: Quarter,
    expires_at: datetime,
    sent_by: User | None,
) -> UpdateRequest:
    """A request for the quarter's updates on ``actions`` to a lead's contact. Refused
    (ValidationError naming the field) for no actions, an action of another partnership
    or not led by the agency, or an address that has an account (they update signed in)."""
    email = contact_email.strip().lower()
    if not actions:
        raise ValidationError({"actions": "Select at least one action"})
    for action in actions:
        led = {a.pk for a in action.lead_agencies.all()} | {
            m.lead_id for m in action.milestones.all() if m.lead_id
        }
        if action.plan.partnership_id != partnership.pk or agency.pk not in led:
            raise ValidationError({"actions": f"Select only actions {agency} leads"})
    if User.objects.filter(email__iexact=email, is_active=True).exists():
        raise ValidationError(
            {"contact_email": f"{email} has an account: they can sign in and update"}
        )
    now = clock.now()
    update_request = UpdateRequest.objects.create(
        partnership=partnership,
        agency=agency,
        contact_name=contact_name.strip(),
        contact_email=email,
        **quarter.columns,
        secret=secrets.token_urlsafe(32),
        sent_by=sent_by,
        created_at=now,
        expires_at=expires_at,
    )
    update_request.actions.set(actions)
    return update_request


class RequestNotValid(Exception):
    """Why an update request's link does not work: the reason is the page's heading."""


def update_request_check(*, update_request: UpdateRequest) -> None:
    if update_request.used_at is not None:
        raise RequestNotValid("This link has already been used")
    if update_request.expires_at <= clock.now():
        raise RequestNotValid("This link has expired")


class UpdateRefused(Exception):
    """One update of a request's was refused by ``status_update_record``."""

    def __init__(self, action: Action, refusal: ValidationError) -> None:
        super().__init__(str(refusal))
        self.action = action
        self.refusal = refusal


@dataclass
class RequestedUpdate:
    action: Action
    status: str
    commentary: str
    reason: str = ""
    figures: Sequence[Figure] = ()
    milestones_completed: Sequence[Milestone] = ()


@transaction.atomic
def update_request_submit(
    *, update_request: UpdateRequest, updates: Sequence[RequestedUpdate]
) -> list[StatusUpdate]:
    """Record the contact's updates once, each checked like any update
    (``status_update_record``), as theirs; the link then stops working. Only the
    request's own actions: any other is refused."""
    locked = UpdateRequest.objects.select_for_update().get(pk=update_request.pk)
    update_request_check(update_request=locked)
    allowed = set(locked.actions.values_list("pk", flat=True))
    if not updates or any(u.action.pk not in allowed for u in updates):
        raise ValueError("Only the request's own actions can be updated through it")
    quarter = Quarter(locked.financial_year, locked.quarter)
    recorded = []
    for u in updates:
        try:
            recorded.append(
                status_update_record(
                    action=u.action,
                    author=None,
                    request=locked,
                    status=u.status,
                    commentary=u.commentary,
                    reason=u.reason,
                    figures=u.figures,
                    milestones_completed=u.milestones_completed,
                    quarter=quarter,
                )
            )
        except ValidationError as refused:
            # Nothing is kept (the transaction rolls back): the page says which update.
            raise UpdateRefused(u.action, refused) from refused
    locked.used_at = clock.now()
    locked.save(update_fields=["used_at"])
    update_request.used_at = locked.used_at
    return recorded


# Sign-off


class ReviewRefused(Exception):
    """A sign-off the service will not make; the message says why, for the page."""


@transaction.atomic
def status_update_review(
    *, update: StatusUpdate, reviewer: User, approve: bool, comment: str = ""
) -> UpdateReview:
    """Approve a submitted update, or return it with a comment: a new step of its history
    (the update itself is never changed). Once only: a second decision is refused, even
    from two coordinators at once (the action's row is locked, and a unique constraint
    holds the same)."""
    Action.objects.select_for_update().filter(pk=update.action_id).first()
    decisions = set(UpdateReview.objects.filter(update=update).values_list("decision", flat=True))
    if UpdateReview.Decision.SUBMITTED not in decisions:
        raise ReviewRefused("This update does not wait for sign-off")
    if decisions & {UpdateReview.Decision.APPROVED, UpdateReview.Decision.RETURNED}:
        raise ReviewRefused("This update was already approved or returned")
    if not approve and not comment.strip():
        raise ValidationError(
            {"comment": ValidationError("Enter what needs to change", code="required")}
        )
    return UpdateReview.objects.create(
        update=update,
        decision=UpdateReview.Decision.APPROVED if approve else UpdateReview.Decision.RETURNED,
        comment=comment.strip(),
        reviewer=reviewer,
        created_at=clock.now(),
    )
