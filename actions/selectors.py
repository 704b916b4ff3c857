"""Reads for actions. Every selector only returns what the user may see."""

import json
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypedDict, cast
from uuid import UUID

from django.core.exceptions import EmptyResultSet
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Field,
    JSONField,
    Max,
    Min,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, JSONObject, RowNumber
from django.db.models.lookups import IsNull
from django.db.models.sql.compiler import SQLCompiler

from accounts.models import User
from accounts.types import AnyUser
from actions.models import (
    Action,
    Milestone,
    Status,
    StatusUpdate,
    StatusUpdateMilestone,
    UpdateRequest,
    UpdateReview,
)
from actions.request_links import update_request_token_matches
from csp_tracker import clock
from csp_tracker.compiled import (
    compiled_objects,
    compiled_prefetch,
    compiled_rows,
    markers_like,
)
from csp_tracker.periods import Quarter
from plans.models import Agency, Partnership, Plan
from plans.rules import access_for
from plans.selectors import plans_in_force
from priorities.models import CrossCuttingTheme


class CurrentStatus(TypedDict):
    """What ``with_current_status`` adds to each action (with no prefix)."""

    current_status: str | None
    latest_update_id: int | None
    updated_this_quarter: bool
    needs_update: bool


class Progress(CurrentStatus):
    """What ``annotate_progress`` adds to each action."""

    has_overdue: bool


class MayHaveChanged(TypedDict):
    """What an action is read with for its change history (``may_have_changed``)."""

    action_changed: bool
    milestones_changed: bool


class OnItsPage(MayHaveChanged):
    """What ``action_get`` adds to the action: its progress as its pages show it."""

    current_status: str | None
    updated_this_quarter: bool
    needs_update: bool
    has_overdue: bool


class _Status(TypedDict):
    status: str


class _StatusNow(MayHaveChanged):
    current_status: str | None


class _HasPastDue(TypedDict):
    has_past_due: bool


class _MilestoneDates(TypedDict):
    past_due: bool
    is_overdue: bool


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    # An action read with its progress: the stubs' type of an annotated model.
    ActionWithProgress = WithAnnotations[Action, Progress]
    ActionOnItsPage = WithAnnotations[Action, OnItsPage]
    ActionsWithStatus = QuerySet[WithAnnotations[Action, CurrentStatus]]
    ActionsWithProgress = QuerySet[ActionWithProgress]
    _ActionPastDue = WithAnnotations[Action, _HasPastDue]
    # An action read for the update form's page: its status now, not all its progress.
    ActionWithStatus = WithAnnotations[Action, _StatusNow]
    # A milestone read ``_with_past_due``, and ``set_overdue``.
    _Overdue = WithAnnotations[Milestone, _MilestoneDates]


def partnership_list(*, user: AnyUser) -> QuerySet[Partnership]:
    return Partnership.objects.filter(access_for(user).partnership_filter()).order_by("name")


def plan_list(*, user: AnyUser) -> QuerySet[Plan]:
    """The plans the action list's filter offers, with what it shows of each (its name,
    ``str(plan)``): the county team's are every district's, so no more is read."""
    return (
        Plan.objects.filter(access_for(user).partnership_filter("partnership__"))
        .only("title", "start_year", "end_year")
        .order_by("partnership__name", "-start_year", "title")
    )


# What the action list's filter shows of a plan (its key, and its name: ``str(plan)``).
PLAN_ROW = ("pk", "title", "start_year", "end_year")
PlanRow = tuple[int, str, int, int]


def plan_rows(*, user: AnyUser) -> list[PlanRow]:
    """``plan_list``'s plans as ``PLAN_ROW``: its query compiled once per set of
    partnerships seen (the user's access filter, which holds all the query's values), not
    built and compiled again for every page (a twentieth of an officer's action list)."""
    access = access_for(user).partnership_filter("partnership__")

    def build(_: Sequence[object]) -> "QuerySet[Plan, PlanRow]":
        return plan_list(user=user).values_list(*PLAN_ROW)

    try:
        return cast("list[PlanRow]", compiled_rows(("plan rows", access), build, [], []))
    except EmptyResultSet:  # someone of no partnership sees no plan (and there is no SQL)
        return []


# An action's updates, latest first: by the quarter they report on, then as written. (An
# update made late, in the first days of the next quarter, still reports on the quarter.)
LATEST_FIRST = ("-financial_year", "-quarter", "-created_at", "-id")


def _reports_on(quarter: Quarter, *, up_to: bool = True) -> Q:
    if not up_to:
        return Q(financial_year=quarter.financial_year, quarter=quarter.number)
    return Q(financial_year__lt=quarter.financial_year) | Q(
        financial_year=quarter.financial_year, quarter__lte=quarter.number
    )


@cache
def _signed_off(*, include_waiting: bool = False) -> Q:
    """Updates that count, where the partnership signs updates off (``UpdateReview``):
    one with no review steps (live at once) or approved. ``include_waiting``: also one
    submitted and not yet decided (so its author is not chased for it); a returned one
    never counts.

    Built once per process (``cache``): every page asks it once or twice, and building
    its three subqueries cost more than compiling them. A query that uses it resolves a
    copy (Django copies an expression, and clones its subquery, when it resolves it), so
    the one built here is never changed."""
    reviews = UpdateReview.objects.filter(update=OuterRef("pk"))
    if include_waiting:
        return ~Q(Exists(reviews.filter(decision=UpdateReview.Decision.RETURNED)))
    # Not submitted-and-not-approved, said as one NOT EXISTS so that the database reads
    # the reviews once (an anti-join), not twice per update.
    approved = UpdateReview.objects.filter(
        update=OuterRef(OuterRef("pk")), decision=UpdateReview.Decision.APPROVED
    )
    waiting = reviews.filter(decision=UpdateReview.Decision.SUBMITTED).exclude(Exists(approved))
    return ~Q(Exists(waiting))


def lineage_updates(
    *,
    lineage: UUID | OuterRef,
    as_of: Quarter,
    only_quarter: bool = False,
    include_waiting: bool = False,
) -> QuerySet[StatusUpdate]:
    """The updates of an action and of its versions in earlier (or later) plans, the same
    ``lineage``, that report on ``as_of`` or an earlier quarter (``only_quarter``: on
    ``as_of`` itself), latest first. Updates of a later quarter are not counted, so an
    old quarter reads the same whenever it is asked about; nor are updates waiting for
    sign-off or returned (``_signed_off``)."""
    return _counted_updates(
        as_of=as_of, only_quarter=only_quarter, include_waiting=include_waiting
    ).filter(action__lineage=lineage)


def _counted_updates(
    *, as_of: Quarter, only_quarter: bool = False, include_waiting: bool = False
) -> QuerySet[StatusUpdate]:
    return (
        StatusUpdate.objects.filter(_reports_on(as_of, up_to=not only_quarter))
        .filter(_signed_off(include_waiting=include_waiting))
        .order_by(*LATEST_FIRST)
    )


def _current_status(lineage: UUID | OuterRef, as_of: Quarter) -> "QuerySet[StatusUpdate, _Status]":
    """The rule itself: an action's status as of a quarter is that of the latest update of
    its lineage (so an action carried into next year's plan keeps its status)."""
    return lineage_updates(lineage=lineage, as_of=as_of).values("status")[:1]


def action_current_status(*, action: Action, as_of: Quarter) -> str:
    """An action's status as of a quarter (``_current_status``); "" with no update."""
    latest = _current_status(action.lineage, as_of).first()
    return str(latest["status"]) if latest else ""


class Reported(NamedTuple):
    """What a status update says, without its figures: what a report reads of it."""

    id: int
    financial_year: int
    quarter: int
    status: str
    commentary: str
    reason: str
    created_at: datetime


class Earlier(NamedTuple):
    """What a report reads of an action's latest update before the quarter: its quarter
    and status (not its text: that is the quarter's own update's)."""

    id: int
    financial_year: int
    quarter: int
    status: str


def latest_statuses(*, lineages: Collection[UUID], as_of: Quarter) -> dict[int, Earlier]:
    """``_current_status`` of a page's actions in one query: each lineage's latest counted
    update as of the quarter, by lineage (its ``UUID.int``), read as plain values (a page
    shows the status, not the text). One window over the lineage; one lineage (an action's
    page) is read as the first of its updates, with no window.

    Its SQL is compiled once per quarter and a few numbers of lineages (``compiled_rows``;
    the lineages one list, ``any``): building the sign-off rule's subqueries and the window
    was a fifth of "Your actions"."""
    if not lineages:
        return {}
    keys = [list(lineages)]

    def build(these: Sequence[list[UUID]]) -> "QuerySet[StatusUpdate, tuple[Any, ...]]":
        counted = _counted_updates(as_of=as_of).filter(action__lineage__any=these[0])
        if len(lineages) > 1:
            counted = counted.annotate(
                rank=Window(RowNumber(), partition_by=[F("action__lineage")], order_by=LATEST_FIRST)
            ).filter(rank=1)
        else:
            counted = counted[:1]
        return counted.values_list("action__lineage", *Earlier._fields)

    shape = ("latest_statuses", as_of, len(lineages) > 1)
    rows = compiled_rows(shape, build, keys)
    return {lineage.int: Earlier(*update) for lineage, *update in rows}


def latest_updates(
    *,
    lineages: "QuerySet[Action, UUID] | Collection[UUID]",
    as_of: Quarter,
) -> tuple[dict[int, Reported], dict[int, Earlier]]:
    """``_current_status`` for many actions in one query, as of a quarter and as of the one
    before (what a report reads; a page reads ``latest_statuses``): each lineage's latest
    update labelled with the quarter itself, and its latest before the quarter (as of the
    previous one), by lineage (its ``UUID.int``). One window over the lineage and whether
    an update reports on the quarter: one scan finds both, and the status as of the quarter
    is the first's, or the second's with none (not a subquery per action)."""
    own = _reports_on(as_of, up_to=False)
    latest = (
        _counted_updates(as_of=as_of)
        .filter(action__lineage__in=lineages)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("action__lineage"), ExpressionWrapper(own, BooleanField())],
                order_by=LATEST_FIRST,
            )
        )
        .filter(rank=1)
    )
    # The window ranks the keys only; the text is read for the winners, and for the
    # earlier ones not at all (a report shows only their status and quarter, and parsing
    # thousands of unused texts and times cost more than the rest of the Python here).
    text = [Case(When(own, then=F(name))) for name in ("commentary", "reason", "created_at")]
    rows = (
        StatusUpdate.objects.filter(pk__in=latest.values("pk"))
        .annotate(lineage=F("action__lineage"), said=text[0], why=text[1], made=text[2])
        .order_by()
        .values_list("lineage", *Earlier._fields, "said", "why", "made")
    )
    # Keyed by the lineage's number, not its UUID: thousands of UUID objects kept alive
    # make the garbage collector's full passes come sooner (and they take long, in a
    # worker that holds much else).
    this_quarter, before = {}, {}
    for lineage, *update in rows:
        if update[4] is None:
            before[lineage.int] = Earlier(*update[:4])
        else:
            this_quarter[lineage.int] = Reported(*update)
    return this_quarter, before


class _HasLineage(Protocol):
    lineage: UUID


def _set_status(
    action: object, update: Reported | Earlier | None, updated: bool, names: list[str]
) -> None:
    """Set ``with_current_status``'s annotations (``names``, with their prefix) on ``action``."""
    status = update.status if update else None
    current_status, latest_update_id, updated_this_quarter, needs_update = names
    setattr(action, current_status, status)
    setattr(action, latest_update_id, update.id if update else None)
    setattr(action, updated_this_quarter, updated)
    setattr(action, needs_update, _needs_update(updated_this_quarter=updated, status=status))


def _needs_update(*, updated_this_quarter: bool, status: str | None) -> bool:
    """``needs_update`` of an action read set-based: the ``Case`` of ``with_current_status``."""
    return not updated_this_quarter and status != Status.COMPLETED


# The annotations of ``with_current_status``, as ``_set_status`` sets them.
_STATUS_NAMES = ["current_status", "latest_update_id", "updated_this_quarter", "needs_update"]


def set_current_status(
    actions: Sequence[_HasLineage],
    *,
    lineages: "QuerySet[Action, UUID] | Collection[UUID]",
    as_of: Quarter,
    previous_prefix: str = "previous_",
) -> tuple[dict[int, Reported], dict[int, Earlier]]:
    """What ``with_current_status`` annotates, as of the quarter and (with
    ``previous_prefix``) as of the one before, set on actions already read (the report of
    every partnership at once: ``latest_updates``, one query for any number of actions;
    a page's rows: ``set_progress``). ``lineages``: the actions' lineages, as a query or as
    values. An action is updated this quarter when its latest counted update is of the
    quarter. Returns the updates of the quarter and the earlier ones, by id."""
    this_quarter, before = latest_updates(lineages=lineages, as_of=as_of)
    previous = (as_of.previous.financial_year, as_of.previous.number)
    for action in actions:
        lineage = action.lineage.int
        earlier = before.get(lineage)
        latest = this_quarter.get(lineage)
        _set_status(action, latest or earlier, latest is not None, _STATUS_NAMES)
        updated_before = (
            earlier is not None and (earlier.financial_year, earlier.quarter) == previous
        )
        _set_status(
            action, earlier, updated_before, [f"{previous_prefix}{name}" for name in _STATUS_NAMES]
        )
    return (
        {u.id: u for u in this_quarter.values()},
        {u.id: u for u in before.values()},
    )


def _updated_this_quarter(*, as_of: Quarter, include_waiting: bool) -> Exists:
    """An update of the action's lineage reports on the quarter itself (``include_waiting``:
    or waits for sign-off there)."""
    return Exists(
        lineage_updates(
            lineage=OuterRef("lineage"),
            as_of=as_of,
            only_quarter=True,
            include_waiting=include_waiting,
        )
    )


def with_updated_this_quarter(qs: QuerySet[Action], *, as_of: Quarter) -> QuerySet[Action]:
    """Actions read with ``updated_this_quarter`` as the pages count it (an update waiting
    for sign-off is the officer's part done), for ``set_progress``: the one part of
    ``with_current_status`` that ``latest_statuses`` cannot tell (a waiting update is not
    counted there), as one EXISTS on the rows read."""
    return qs.annotate(
        updated_this_quarter=_updated_this_quarter(as_of=as_of, include_waiting=True)
    )


def with_current_status(
    qs: QuerySet[Action],
    *,
    as_of: Quarter,
    prefix: str = "",
    include_waiting: bool = False,
    select: bool = True,
) -> "ActionsWithStatus":
    """Each action's progress as of a quarter, by the rule of ``action_current_status``:

    * ``current_status``: the status of its latest update (None with no update);
    * ``latest_update_id``: that update;
    * ``updated_this_quarter``: an update reports on the quarter itself;
    * ``needs_update``: no update for the quarter and not completed, the action that
      "Your actions", the action list, the reminders and the report's "No update this
      quarter" all chase.

    ``prefix`` names a second set of the same (the report reads the previous quarter too).
    Only signed-off updates count (``lineage_updates``); with ``include_waiting`` an update
    waiting for sign-off is the quarter's update too, so its author is not chased.

    The same, set on actions already read: ``set_current_status`` (a report's actions)
    and ``set_progress`` (a page's rows). ``select=False``: only to filter by (aliases,
    not read with the rows).
    """
    latest = lineage_updates(lineage=OuterRef("lineage"), as_of=as_of)
    status, updated = f"{prefix}current_status", f"{prefix}updated_this_quarter"
    add = qs.annotate if select else qs.alias
    annotated = add(
        **{
            status: Subquery(_current_status(OuterRef("lineage"), as_of)),
            f"{prefix}latest_update_id": Subquery(latest.values("pk")[:1]),
            updated: _updated_this_quarter(as_of=as_of, include_waiting=include_waiting),
        }
    )
    add = annotated.annotate if select else annotated.alias
    annotated = add(
        **{
            f"{prefix}needs_update": Case(
                When(Q(**{updated: True}) | Q(**{status: Status.COMPLETED}), then=Value(False)),
                default=Value(True),
                output_field=BooleanField(),
            )
        }
    )
    # The names are made at run time (with the prefix); the type says them without one.
    return cast("ActionsWithStatus", annotated)


def milestones_overdue(
    *, as_of: date, quarter: Quarter, day_is_over: bool = False
) -> QuerySet[Milestone]:
    """Milestones overdue on the day ``as_of``: with a due date before it, not done by it,
    of an action not completed as of ``quarter`` (its current status).

    During the day a milestone due that day is not overdue yet (the pages, an interim
    report); ``day_is_over`` (a report as at a quarter's last day) counts it. A milestone
    with no due date ("Ongoing", "Quarterly") is never overdue.
    """
    action_status = _current_status(OuterRef("action__lineage"), quarter)
    return (
        Milestone.objects.filter(_past_due(as_of=as_of, day_is_over=day_is_over))
        .alias(action_status=Subquery(action_status))
        .filter(Q(action_status__isnull=True) | ~Q(action_status=Status.COMPLETED))
    )


def _past_due(*, as_of: date, day_is_over: bool = False) -> Q:
    """The milestone's own part of ``milestones_overdue``: due before the day (or on it,
    once it is over) and not done by it."""
    passed = as_of + timedelta(days=1) if day_is_over else as_of
    return Q(due_date__lt=passed) & (Q(done_date__isnull=True) | Q(done_date__gt=as_of))


def _overdue_when_past_due(action_status: str | None) -> bool:
    """The action's part of ``milestones_overdue``, for milestones read set-based with
    their action's current status known: a milestone past due is overdue unless its
    action is completed (the query's last filter)."""
    return action_status != Status.COMPLETED


def _with_past_due(milestones: QuerySet[Milestone], *, as_of: date) -> QuerySet[Milestone]:
    """Milestones read with ``past_due`` (``_past_due`` on the pages' day), for
    ``set_overdue``."""
    return milestones.annotate(
        past_due=ExpressionWrapper(_past_due(as_of=as_of), output_field=BooleanField())
    )


def set_overdue(milestones: Sequence[Milestone], *, statuses: dict[int, str | None]) -> None:
    """``milestones_overdue`` set on milestones already read ``_with_past_due``, whose
    actions' current status is known (``statuses``, by action id: read set-based): a
    milestone past due is overdue unless its action is completed, as the query says."""
    for milestone in cast("list[_Overdue]", milestones):
        status = statuses[milestone.action_id]
        # (past_due is NULL, not False, for a milestone with no due date.)
        milestone.is_overdue = bool(milestone.past_due) and _overdue_when_past_due(status)


class Overdue(NamedTuple):
    """What a report reads of an overdue milestone."""

    action_id: int
    description: str
    timescale: str
    due_date: date


def overdue_by_action(
    *,
    actions: QuerySet[Action],
    current_status: Mapping[int, str | None],
    as_of: date,
    day_is_over: bool = False,
) -> dict[int, list[Overdue]]:
    """``milestones_overdue`` of many actions whose status as of the quarter is known
    already (``set_current_status``; ``current_status`` by action id), set-based: their
    milestones past due, less those of completed actions, without a status subquery per
    milestone. By action, each action's in its order."""
    rows = (
        Milestone.objects.filter(action__in=actions)
        .filter(_past_due(as_of=as_of, day_is_over=day_is_over))
        .order_by("action_id", "order", "id")
        .values_list(*Overdue._fields)
    )
    overdue: dict[int, list[Overdue]] = {}
    for row in rows:
        if _overdue_when_past_due(current_status[row[0]]):
            overdue.setdefault(row[0], []).append(Overdue(*row))
    return overdue


def annotate_progress(
    qs: QuerySet[Action], *, quarter: Quarter, today: date, select: bool = True
) -> "ActionsWithProgress":
    """What the pages show of each action: its current status as of the quarter
    (``with_current_status``) and whether a milestone of it is overdue today. The pages
    read it set-based for their rows (``set_progress``); this, in SQL, is what the action
    list filters by (``select=False``: aliases only)."""
    overdue = milestones_overdue(as_of=today, quarter=quarter).filter(action=OuterRef("pk"))
    # An update waiting for sign-off is the officer's part done: not "needs an update".
    with_status = with_current_status(qs, as_of=quarter, include_waiting=True, select=select)
    add = with_status.annotate if select else with_status.alias
    return cast("ActionsWithProgress", add(has_overdue=Exists(overdue)))


def with_progress_read(qs: QuerySet[Action], *, quarter: Quarter, today: date) -> QuerySet[Action]:
    """Actions read for ``set_progress`` (a page's rows): with ``updated_this_quarter``
    (``with_updated_this_quarter``) and whether a milestone of each is past due today
    (``_past_due``, with no status in it): whether the first such milestone is not NULL, a
    subquery looked up row by row through the milestones' action index. PostgreSQL made
    an EXISTS into a hash of every past-due milestone of every action, a scan of them all
    for a page of fifty rows."""
    past_due = Milestone.objects.filter(_past_due(as_of=today), action=OuterRef("pk"))
    first_past_due = Subquery(past_due.order_by().values("pk")[:1])
    return with_updated_this_quarter(qs, as_of=quarter).annotate(
        has_past_due=IsNull(first_past_due, False)
    )


def set_progress(
    actions: Sequence[Action],
    *,
    quarter: Quarter,
    milestones: Sequence[Milestone] | None = None,
    latest: Mapping[int, Earlier] | None = None,
) -> "list[ActionWithProgress]":
    """What ``annotate_progress`` annotates, set on actions already read: each action's
    status across its lineage in one query for them all (``latest_statuses``), not a
    subquery per row, or as read with them (``latest``, ``_latest_of_row``: each lineage's
    latest update by its ``UUID.int``). The actions were read ``with_progress_read``, or
    with their ``milestones`` read ``_with_past_due`` (overdue, ``set_overdue``, is then
    said of each milestone too)."""
    if latest is None:
        latest = latest_statuses(lineages={a.lineage for a in actions}, as_of=quarter)
    for action in actions:
        # Updated this quarter as read (``with_updated_this_quarter``, which counts an
        # update waiting for sign-off: its author is not chased for another).
        updated = bool(cast(Any, action).updated_this_quarter)
        _set_status(action, latest.get(action.lineage.int), updated, _STATUS_NAMES)
    read = cast("list[ActionWithProgress]", list(actions))
    if milestones is None:
        for action in read:
            past_due = cast("_ActionPastDue", action).has_past_due
            action.has_overdue = past_due and _overdue_when_past_due(action.current_status)
    else:
        _set_has_overdue(read, milestones)
    return read


def _set_has_overdue(
    actions: "Sequence[ActionWithProgress | ActionOnItsPage]", milestones: Sequence[Milestone]
) -> None:
    """``has_overdue`` of actions whose current status is set, from their milestones read
    ``_with_past_due``: whether any is overdue (``set_overdue``, set on each)."""
    set_overdue(milestones, statuses={a.pk: a.current_status for a in actions})
    overdue = {m.action_id for m in cast("list[_Overdue]", milestones) if m.is_overdue}
    for action in actions:
        action.has_overdue = action.pk in overdue


def action_queryset(*, user: AnyUser) -> QuerySet[Action]:
    return Action.objects.filter(access_for(user).partnership_filter("plan__partnership__"))


def action_list(*, user: AnyUser) -> QuerySet[Action]:
    """The actions the user sees, in the list's order; a page of them is read
    ``with_progress_read`` (``action_list_rows``) and shown with ``set_progress``. Its
    query is kept compiled by its values (``action_list_shape``): a value it comes to hold
    must be named there too."""
    access = access_for(user)
    visible = access.partnership_filter("plan__partnership__")
    if access.county_admin_of:
        # The county team's plans (its own and its districts') asked as a subquery, not
        # by joining every action to its plan's partnership to test its parent: the page's
        # total then counts the actions of those plans (a semi-join of the actions to the
        # hundred and more plans), not every action of the county joined twice.
        visible = Q(plan__in=Plan.objects.filter(access.partnership_filter("partnership__")))
    return Action.objects.filter(visible).order_by(
        "plan__partnership__name", "plan__title", "order", "id"
    )


def action_list_shape(*, user: AnyUser) -> Hashable:
    """What ``action_list``'s query for the user holds besides its SQL, for compiling it
    once (``compiled_rows``): the user's access filter, which holds all its values."""
    return ("action list", access_for(user).partnership_filter("plan__partnership__"))


@dataclass
class ActionListRow:
    """What a row of the action list shows of an action, read as plain values (building a
    model object for it and each of its four related ones was most of reading a page).
    ``set_progress`` sets its progress on it as on an action, from its lineage's latest
    update read with it (``_latest_of_row``), as are its leads' names
    (``_lead_names_of_row``)."""

    pk: int
    plan_id: int
    reference: str
    title: str
    partnership: str  # its plan's partnership's short name
    plan: str  # its plan's title
    place: str  # its priority's or theme's label, and its heading's title if it has one
    lineage: UUID
    updated_this_quarter: bool
    has_past_due: bool
    current_status: str | None = None
    latest_update_id: int | None = None
    needs_update: bool = False
    has_overdue: bool = False
    lead_names: list[str] = field(default_factory=list)


# What a row reads: its own, its plan's and its heading's (a priority's or a theme's).
_ROW_VALUES = (
    "pk",
    "plan_id",
    "reference",
    "title",
    "plan__partnership__short_name",
    "plan__title",
    "priority__number",
    "priority__title",
    "theme__number",
    "theme__title",
    "workstream_id",
    "workstream__title",
    "lineage",
    "updated_this_quarter",
    "has_past_due",
    "lead_names",
    "latest",
)


def _row(values: Sequence[Any]) -> ActionListRow:
    pk, plan_id, reference, title, partnership, plan, *heading, lineage, updated = values[:-3]
    past_due, leads, _ = values[-3:]  # (the latest update: ``action_list_rows``)
    priority_number, priority_title, theme_number, theme_title, workstream_id, workstream = heading
    # The label of its parent (Priority.label, CrossCuttingTheme.label).
    if priority_number is not None:
        place = f"Priority {priority_number}: {priority_title}"
    else:
        place = f"Cross-cutting theme {theme_number}: {theme_title}"
    if workstream_id is not None:
        place = f"{place} – {workstream}"
    return ActionListRow(
        pk,
        plan_id,
        reference,
        title,
        partnership,
        plan,
        place,
        lineage,
        updated,
        past_due,
        lead_names=_names(leads),
    )


class _Names(Subquery):
    """A subquery's one column of names as a list, read with the row it is selected in:
    on PostgreSQL its array (``ARRAY(…)``, read as a list), elsewhere (SQLite) the JSON
    array of them (``json_group_array``, read as text: ``_names``), in the subquery's
    order either way."""

    output_field = Field()

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Sequence[Any]]:
        sql, params = self.as_sql(compiler, connection, **extra)
        return f"ARRAY{sql}", params

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Sequence[Any]]:
        sql, params = self.as_sql(compiler, connection, **extra)
        return f"(SELECT json_group_array(names.name) FROM {sql} names)", params


def _latest_of_row(quarter: Quarter) -> Subquery:
    """The latest counted update of the row's lineage as of the quarter
    (``_current_status``'s rule, ``latest_statuses``'s answer), as one JSON value of the
    row (``Earlier``'s fields): looked up through the lineage's and the updates' action
    indexes for each of the page's rows, where ``latest_statuses`` was a query of its own
    (a round trip, and a window over every counted update of the page's lineages)."""
    latest = lineage_updates(lineage=OuterRef(OuterRef("lineage")), as_of=quarter)
    update = JSONObject(**{name: F(name) for name in Earlier._fields})
    # The latest found by its key alone, then read by it: its values made into JSON for
    # every update sorted was most of the row's time.
    read = StatusUpdate.objects.filter(pk=Subquery(latest.values("pk")[:1])).order_by()
    return Subquery(read.values(update=update), output_field=JSONField())


def _names(value: list[str] | str) -> list[str]:
    """``_Names``'s list as the database gave it: a list, or the JSON text of one."""
    return value if isinstance(value, list) else cast("list[str]", json.loads(value))


def _lead_names_of_row() -> _Names:
    """The row's lead agencies' short names, in order of name, as one value of the row: a
    lookup by the index of the leads' action for each of the page's rows."""
    leads = Action.lead_agencies.through.objects.filter(action_id=OuterRef("pk"))
    return _Names(
        leads.order_by("agency__short_name", "agency_id").values(name=F("agency__short_name"))
    )


def action_list_rows(
    *, quarter: Quarter, today: date
) -> Callable[[list[int]], list[ActionListRow]]:
    """How a page of the action list reads its rows (``page_of_keys_get``'s rows), by
    the keys ``action_list`` chose: those are the user's already, so not asked again.
    Compiled once per quarter, day and a few numbers of rows (``compiled_rows``; the keys
    one list, ``any``), with their progress (``set_progress``) and their leads' names
    (read with them, ``_lead_names_of_row``: a query of their own was another round trip
    for every page)."""

    def build(keys: Sequence[list[int]]) -> "QuerySet[Any, tuple[Any, ...]]":
        return (
            with_progress_read(Action.objects.all(), quarter=quarter, today=today)
            .annotate(lead_names=_lead_names_of_row(), latest=_latest_of_row(quarter))
            .filter(pk__any=keys[0])
            .order_by()  # (the page puts them in its keys' order)
            .values_list(*_ROW_VALUES)
        )

    def read(keys: list[int]) -> list[ActionListRow]:
        if not keys:
            return []
        shape = ("action list rows", quarter, today)
        found = compiled_rows(shape, build, [keys])
        rows = [_row(values) for values in found]
        # Each lineage's latest update, read with its rows (``_latest_of_row``).
        latest = {
            row.lineage.int: Earlier(**values[-1])
            for row, values in zip(rows, found, strict=True)
            if values[-1]
        }
        # A row has what set_progress reads and sets of an action.
        set_progress(cast("list[Action]", rows), quarter=quarter, latest=latest)
        return rows

    return read


# A milestone's and a sign-off step's order among their action's or update's: what a
# prefetch of one parent's rows needs. Their models' default order starts with the parent,
# which Django follows up to the partnership's name: four joins, and about a millisecond
# of compiling, for every prefetch (issue 15).
IN_ITS_ACTION = ("order", "id")
IN_ITS_UPDATE = ("created_at", "id")


def action_get(*, user: AnyUser, pk: int) -> "ActionOnItsPage":
    """One visible action with everything its page shows; DoesNotExist otherwise."""
    quarter, today = clock.update_quarter(), clock.today()

    def read(keys: Sequence[int]) -> QuerySet[Action]:
        themes = Action.supports_themes.through.objects.filter(action=OuterRef("pk"))
        # Read with it: its status as of the quarter (``_current_status``) and whether it
        # is updated this quarter as the pages count it (``with_updated_this_quarter``),
        # as ``set_progress`` sets them, without its query after this one; whether it
        # supports any cross-cutting theme (most support none: given none, no query); and
        # whether its change history can show anything (``may_have_changed``: most
        # actions' cannot, and then neither history is read).
        # Not all of ``with_current_status``: its other columns, unused here, repeat the
        # sign-off rule's subqueries. Nor what the page does not show of its headings and
        # partnership, nor the list's order (one row): past 4,096 characters psycopg
        # parses the SQL again on every run (MAX_CACHED_STATEMENT_LENGTH).
        return (
            with_updated_this_quarter(Action.objects.filter(pk__in=keys), as_of=quarter)
            .annotate(
                current_status=Subquery(_current_status(OuterRef("lineage"), quarter)),
                has_themes=Exists(themes),
                **may_have_changed(),
            )
            .select_related("plan__partnership", "priority", "theme", "workstream")
            .defer(*_NOT_SHOWN)
            .order_by()
        )

    # Read by its key, compiled once per quarter (compiled_objects), then held to what the
    # person may see: its partnership is one they have a role in (Access.role_in, from the
    # same memberships as action_queryset's filter), or it is not found.
    found = compiled_objects(("action_get", quarter), read, [int(pk)], markers_like([pk]))
    if not found or access_for(user).role_in(found[0].plan.partnership) is None:
        raise Action.DoesNotExist(f"No action {pk} that this person may see")
    action = cast("ActionOnItsPage", found[0])
    # Its relations as Django's prefetch reads them, each query compiled once (per day for
    # the milestones, which are overdue from it).
    page = "action page"
    compiled_prefetch([action], "lead_agencies", shape=page)
    if cast(Any, action).has_themes:
        compiled_prefetch([action], "supports_themes", _themes_in_order().all(), shape=page)
    else:
        # None to read: the relation prefetched as Django's prefetch leaves it (its query
        # read, here none, which no query of it would find any from either).
        none: Any = CrossCuttingTheme.objects.none()
        none._result_cache, none._prefetch_done = [], True
        cached = cast(Any, action).__dict__.setdefault("_prefetched_objects_cache", {})
        cached[_THEMES_CACHE] = none
    # (A copy of the day's query: the one kept is never run nor changed.)
    milestones = _milestones_on_page(today).all()
    compiled_prefetch([action], "milestones", milestones, shape=(page, today))
    action.needs_update = _needs_update(
        updated_this_quarter=action.updated_this_quarter, status=action.current_status
    )
    _set_has_overdue([action], list(action.milestones.all()))
    return action


# What the action's page shows of its priority or theme is its label (number and title),
# and of its heading the title: not the texts the plan writes under them, some long, nor
# where a heading sits; nor its partnership's logo.
_NOT_SHOWN = [
    f"{heading}__{name}"
    for heading in ("priority", "theme")
    for name in ("summary", "facts", "includes", "outcomes", "lead")
] + [
    "theme__note",
    "workstream__priority",
    "workstream__theme",
    "workstream__order",
    "plan__partnership__logo",
    "plan__partnership__logo_alt",
    "plan__partnership__logo_is_decorative",
]


# Where an action keeps its prefetched themes (Django's name for the relation's cache).
_THEMES_CACHE = Action._meta.get_field("supports_themes").name


@cache
def _themes_in_order() -> QuerySet[CrossCuttingTheme]:
    """The themes' query as their prefetch reads it, built once, never run itself (a
    prefetch into the relation is given a copy: it gives the query its instance)."""
    return CrossCuttingTheme.objects.order_by("number")


@lru_cache(maxsize=2)
def _milestones_on_page(today: date) -> QuerySet[Milestone]:
    """An action's milestones as its page reads them on the day ``today``: with their
    leads, in their order, ``_with_past_due``. Built once a day (the day's and, about
    midnight, the day before's), not on every request: its annotation cost the page
    some five hundred Python calls, for the same query."""
    return _with_past_due(
        Milestone.objects.select_related("lead").order_by(*IN_ITS_ACTION), as_of=today
    )


def action_for_status_update(*, user: AnyUser, pk: int) -> Action:
    """One visible action with what recording an update on it reads (``action_get``
    reads what its pages show): its plan and partnership (whose it is, whether the plan
    is open), its lead agencies and milestones (who may update it, which milestones can
    be marked done). DoesNotExist otherwise, as ``action_get``."""

    def read(keys: Sequence[int]) -> QuerySet[Action]:
        return Action.objects.filter(pk__in=keys).select_related("plan__partnership")

    found = compiled_objects(("action_for_status_update",), read, [int(pk)], markers_like([pk]))
    return _for_recording(user, pk, found)


def _for_recording(user: AnyUser, pk: int, found: list[Action]) -> Action:
    """The action ``found`` by its key, if the person may see it, with its lead agencies
    and milestones (``action_for_status_update``'s)."""
    if not found or access_for(user).role_in(found[0].plan.partnership) is None:
        raise Action.DoesNotExist(f"No action {pk} that this person may see")
    action = found[0]
    saving = "saving an update"
    compiled_prefetch([action], "lead_agencies", shape=saving)
    # (A copy of the query kept: a prefetch into the relation gives it the instance.)
    compiled_prefetch([action], "milestones", _milestones_in_order().all(), shape=saving)
    return action


@cache
def _milestones_in_order() -> QuerySet[Milestone]:
    """Milestones in their action's order, as prefetches read them: built once, never run
    itself (a prefetch into the relation is given a copy: it gives the query its
    instance)."""
    return Milestone.objects.order_by(*IN_ITS_ACTION)


@cache
def _steps_in_order() -> QuerySet[UpdateReview]:
    """Sign-off steps in their update's order, with their reviewers, as ``status_history``
    reads them: built once, never run itself."""
    return UpdateReview.objects.select_related("reviewer").order_by(*IN_ITS_UPDATE)


def action_for_update_form(*, user: AnyUser, pk: int) -> "ActionWithStatus":
    """What the status update form's page shows of one visible action: what recording an
    update reads (``action_for_status_update``: whose it is, its leads and milestones),
    its ``current_status`` as of the update quarter, as ``set_progress`` sets it
    (``_current_status``), and whether its change history can show anything
    (``may_have_changed``), both read with it. Not the rest of ``action_get`` (its
    priority, themes and milestones' leads and dates), which the page does not show.
    DoesNotExist otherwise, as ``action_get``."""
    quarter = clock.update_quarter()

    def read(keys: Sequence[int]) -> QuerySet[Action]:
        return (
            Action.objects.filter(pk__in=keys)
            .annotate(
                current_status=Subquery(_current_status(OuterRef("lineage"), quarter)),
                **may_have_changed(),
            )
            .select_related("plan__partnership")
            .order_by()
        )

    shape = ("action_for_update_form", quarter)
    found = compiled_objects(shape, read, [int(pk)], markers_like([pk]))
    return cast("ActionWithStatus", _for_recording(user, pk, found))


def milestone_get(*, user: AnyUser, pk: int) -> Milestone:
    return (
        Milestone.objects.filter(access_for(user).partnership_filter("action__plan__partnership__"))
        .select_related("action__plan__partnership", "lead")
        .get(pk=pk)
    )


def _not_naming(user: str) -> list[str]:
    """The fields of the user related as ``user`` that do not name them (``get_full_name``
    and its email), for ``defer``: a page naming a dozen people has no use for their
    sign-in details, read, parsed and set on each."""
    return [
        f"{user}__{field.name}"
        for field in User._meta.concrete_fields
        if field.name not in {"id", "full_name", "email"}
    ]


def status_history(*, action: Action) -> list[StatusUpdate]:
    """Every update of the action and of the same action in earlier plans, newest first,
    each with the title of its plan and the reference of its action there (``plan_title``,
    ``action_reference``), its milestones marked done (``done_milestones``) and its sign-off
    steps (``review_steps``) as lists: a prefetch into the relations made a manager and a
    queryset for each update, more than reading the updates themselves. Each of the three
    queries is compiled once (``compiled_objects``, ``compiled_prefetch``); the milestones
    and steps are read only for the updates that have any (most partnerships' updates need
    no sign-off, and most report no milestone done)."""

    def read(lineages: Sequence[UUID]) -> QuerySet[StatusUpdate]:
        return (
            StatusUpdate.objects.filter(action__lineage=lineages[0])
            .select_related("author", "request")
            .defer(*_not_naming("author"))  # named by author_name
            .annotate(
                plan_title=F("action__plan__title"),
                action_reference=F("action__reference"),
                has_done=Exists(StatusUpdateMilestone.objects.filter(update=OuterRef("pk"))),
                has_steps=Exists(UpdateReview.objects.filter(update=OuterRef("pk"))),
            )
            .order_by("-created_at", "-id")
        )

    lineage = [action.lineage]
    updates = compiled_objects(("status history",), read, lineage, markers_like(lineage))
    for update in cast("list[Any]", updates):
        update.done_milestones, update.review_steps = [], []
    compiled_prefetch(
        [u for u in cast("list[Any]", updates) if u.has_done],
        "milestones_completed",
        _milestones_in_order(),
        shape="status history",
        to_attr="done_milestones",
    )
    compiled_prefetch(
        [u for u in cast("list[Any]", updates) if u.has_steps],
        "reviews",
        _steps_in_order(),
        shape="status history",
        to_attr="review_steps",
    )
    return updates


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


# Records of an action and its milestones saved by one person within this time of the
# action's first are what it was made with (``change_history``'s ``part_of_creation``).
_SAME_SAVE = timedelta(seconds=5)


def may_have_changed() -> dict[str, Exists]:
    """Annotations of an action saying whether its change history (``change_history``) can
    show anything, read with it, so that the pages of most actions, whose histories hold
    only what they were made with, read neither history: ``action_changed``, a record of
    the action that is not part of its creation (its records are of more than one person,
    or 5 seconds or more apart); ``milestones_changed``, a milestone with more than one
    record, or a milestone's record of another person than the action's records or 5
    seconds or more after one of them (added later). Each says yes to every history that
    shows a change, and to a few that do not (a save that changed nothing): those are
    read, and show nothing."""
    historical_action = cast(Any, Action.history).model
    historical_milestone = cast(Any, Milestone.history).model
    person = Coalesce("history_user_id", 0)  # 0: no one (the system)
    records = (
        historical_action.objects.filter(id=OuterRef("pk"))
        .values("id")
        .annotate(people=Count(person, distinct=True), first=Min("history_date"))
        .filter(Q(people__gt=1) | Q(first__lte=Max("history_date") - _SAME_SAVE))
    )
    # Where the action's records are all one person's (else it changed anyway), a
    # milestone's record is not part of its creation when it is another person's or 5
    # seconds or more after the first.
    not_with_action = (
        historical_action.objects.filter(id=OuterRef("action_id"))
        .alias(person=person)
        .filter(~Q(person=OuterRef("person")) | Q(history_date__lte=OuterRef("later")))
    )
    another = historical_milestone.objects.filter(id=OuterRef("id")).exclude(
        history_id=OuterRef("history_id")
    )
    milestones = (
        historical_milestone.objects.filter(action_id=OuterRef("pk"))
        .alias(person=person, later=F("history_date") - _SAME_SAVE)
        .filter(Exists(not_with_action) | Exists(another))
    )
    return {"action_changed": Exists(records), "milestones_changed": Exists(milestones)}


def _histories_to_read(action: Action) -> tuple[bool, bool]:
    """Whether ``change_history`` reads the action's records, and its milestones': as
    ``may_have_changed`` says of an action read with it, else both. The action's are read
    whenever its milestones' are: they tell which records were part of its creation."""
    read = cast(Any, action)
    if not hasattr(read, "milestones_changed"):
        return True, True
    milestones = bool(read.milestones_changed)
    return bool(read.action_changed) or milestones, milestones


def change_history(*, action: Action) -> list[ChangeEntry]:
    """Changes to the action's text and leads and to its milestones: who, when, before and
    after. Saves that land together (the text, then each change of leads) are one entry.

    An action read with ``may_have_changed`` (its page's and its update form's) is known
    to have none when it says so: then neither history is read, nor its milestones' when
    only they cannot show any."""
    read_actions, read_milestones = _histories_to_read(action)
    if not read_actions:
        return []
    raw: list[tuple[datetime, User | None, str, str, object, object]] = []
    key = [action.pk]

    def action_records(keys: Sequence[int]) -> QuerySet[Any]:
        return (
            Action.history.filter(id=keys[0])
            .select_related("history_user")
            .defer(*_not_naming("history_user"))
            .order_by("history_date", "history_id")
        )

    def milestone_records(keys: Sequence[int]) -> QuerySet[Any]:
        return (
            Milestone.history.filter(action_id=keys[0])
            .select_related("history_user")
            .defer(*_not_naming("history_user"))
            .order_by("id", "history_date", "history_id")
        )

    # Both read by queries compiled once (compiled_objects).
    records = compiled_objects(("action records",), action_records, key, markers_like(key))
    if not records:
        return []
    creation = records[0]

    def part_of_creation(record: _HistoryRecord) -> bool:
        """What the action was made with is not a change: its leads and milestones are
        saved by the same person just after the action itself."""
        return (
            record.history_user_id == creation.history_user_id
            and record.history_date - creation.history_date < _SAME_SAVE
        )

    # The agencies' names, read only when the leads changed (most actions' never have).
    names: dict[int, str] = {}

    def lead_names(rows: list[dict[str, int]] | None) -> str:
        if not names:
            names.update(Agency.objects.values_list("pk", "short_name"))
        return _lead_names(rows, names)

    old: object
    new: object
    for before, record in pairwise(records):
        if part_of_creation(record):
            continue
        # The versions are the service's counters for refusing stale edits, not the
        # action's content: an update raising its updates' version is no change to it.
        delta = record.diff_against(
            before, excluded_fields=["lock_version", "updated_at", "updates_version"]
        )
        for c in delta.changes:
            if c.field == "lead_agencies":
                old, new = lead_names(c.old), lead_names(c.new)
                label = "lead agencies"
            else:
                old, new, label = c.old, c.new, _field_label(Action, c.field)
            raw.append((record.history_date, record.history_user, "Action", label, old, new))
    last_by_milestone: dict[int, Any] = {}
    milestones = (
        compiled_objects(("milestone records",), milestone_records, key, markers_like(key))
        if read_milestones
        else []
    )
    for record in milestones:
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
class SinceLastUpdate:
    """What an officer recording an update reads beside the form: the action's last
    update (across its lineage, as the history shows it) and what changed since it."""

    last: StatusUpdate | None
    changes: list[ChangeEntry]
    milestones_done: list[Milestone]


def since_last_update(*, action: Action, before: StatusUpdate | None = None) -> SinceLastUpdate:
    """The latest update of the action's lineage (when reviewing the update ``before``:
    the latest that counted before it, ``_signed_off``), with its author and sign-off step,
    the changes to the action and its milestones made after it (``change_history``), and
    the milestones marked done after its day. With no update yet, every change is "since"."""

    def latest(lineages: Sequence[UUID]) -> QuerySet[StatusUpdate]:
        updates = StatusUpdate.objects.filter(action__lineage=lineages[0])
        if before is not None:
            # Reviewing an update: the last one that counted before it.
            updates = updates.filter(_signed_off()).filter(
                Q(created_at__lt=before.created_at)
                | Q(created_at=before.created_at, pk__lt=before.pk)
            )
        # Its sign-off step, if any, in the same query: the officer sees theirs is waiting
        # or was returned, and why.
        step = UpdateReview.objects.filter(update=OuterRef("pk")).order_by("-created_at", "-id")
        return (
            updates.select_related("author", "request")
            .annotate(
                review_decision=Subquery(step.values("decision")[:1]),
                review_comment=Subquery(step.values("comment")[:1]),
            )
            .order_by("-created_at", "-id")[:1]
        )

    if before is None:
        # The update form's: compiled once (compiled_objects), run by the lineage.
        found = compiled_objects(
            ("since_last_update",), latest, [action.lineage], markers_like([action.lineage])
        )
    else:
        found = list(latest([action.lineage]))
    last = found[0] if found else None
    changes = change_history(action=action)
    milestones = list(action.milestones.all())
    if last is None:
        return SinceLastUpdate(last=None, changes=changes, milestones_done=[])
    made = last.created_at
    since = [entry for entry in changes if entry["when"] > made]
    done = [m for m in milestones if m.done_date is not None and m.done_date > made.date()]
    return SinceLastUpdate(last=last, changes=since, milestones_done=done)


@dataclass(frozen=True)
class MyWork:
    actions: "list[ActionWithProgress]"
    milestones_overdue: list[Milestone]
    milestones_due: list[Milestone]
    quarter: Quarter


def my_actions(*, user: AnyUser) -> MyWork:
    """What an officer's agency leads (actions, or milestones of them), or for a
    coordinator everything in their partnerships, with what needs doing this quarter:
    only in the plans in force in the quarter's year (``plans_in_force``), so an action
    carried into next year's plan is listed once, in the plan its updates go to."""
    access = access_for(user)
    quarter = clock.update_quarter()
    today = clock.today()
    pairs = list(access.officer_agencies().items())
    coordinated = [m.partnership_id for m in access.memberships if m.role == "coordinator"]

    def led(values: Sequence[int]) -> "QuerySet[Action, tuple[int]]":
        """The actions led by the (partnership, agency) pairs and in the coordinated
        partnerships that ``values`` hold, in that order, of plans in force."""
        which = Q(pk__in=[])
        for n in range(len(pairs)):
            partnership_id, agency_id = values[2 * n], values[2 * n + 1]
            which |= Q(plan__partnership_id=partnership_id) & (
                Q(lead_agencies=agency_id) | Q(milestones__lead_id=agency_id)
            )
        if coordinated:
            which |= Q(plan__partnership_id__in=values[2 * len(pairs) :])
        in_force = plans_in_force(financial_year=quarter.financial_year)
        return Action.objects.filter(which, plan__in=in_force).values_list("pk")

    # The keys first, as a list: given the subquery, the planner joined every action of
    # every plan to its headings before picking the few (about 3 ms at 10x, its plan
    # 2 ms); given the keys, it reads those rows by their index. The query compiled once
    # for a year and a number of agencies and partnerships (``compiled_rows``).
    ids: list[int] = []
    if pairs or coordinated:
        values = [*(key for pair in pairs for key in pair), *coordinated]
        shape = ("my_actions", quarter.financial_year, len(pairs), len(coordinated))
        ids = [pk for (pk,) in compiled_rows(shape, led, values, markers_like(values))]
    if not ids:
        return MyWork(actions=[], milestones_overdue=[], milestones_due=[], quarter=quarter)

    def read_actions(keys: Sequence[list[int]]) -> QuerySet[Action]:
        """The actions with what their rows show besides their own: their plan's title
        (each object more read, its partnership, priority or theme, cost a row a dozen
        Python calls and the query a join, for what no row shows)."""
        return (
            with_updated_this_quarter(Action.objects.filter(pk__any=keys[0]), as_of=quarter)
            .select_related("plan")
            .order_by("plan__title", "order", "id")
        )

    def read_milestones(keys: Sequence[list[int]]) -> QuerySet[Milestone]:
        """Every milestone past due of these actions (overdue unless the action is
        completed, set_overdue), and those due by the quarter's end, with their action
        (its reference shown); not their lead, which no row shows."""
        due_soon = Q(done_date__isnull=True, due_date__gte=today, due_date__lte=quarter.end)
        return (
            _with_past_due(Milestone.objects.filter(action__pk__any=keys[0]), as_of=today)
            .filter(Q(past_due=True) | due_soon)
            .select_related("action")
            .order_by("due_date", "action__order", "order", "id")
        )

    # Both compiled once per quarter, day and a few numbers of actions (compiled_objects;
    # the keys one list, ``any``).
    keys = [ids]
    of_keys = (quarter, today)
    actions = compiled_objects(("my_actions: actions", *of_keys), read_actions, keys)
    milestones = compiled_objects(("my_actions: milestones", *of_keys), read_milestones, keys)
    progress = set_progress(actions, quarter=quarter, milestones=milestones)
    # Those that need an update first (a stable sort keeps the order within each).
    progress.sort(key=lambda action: not action.needs_update)
    read = cast("list[_Overdue]", milestones)
    return MyWork(
        actions=progress,
        milestones_overdue=[m for m in read if m.is_overdue],
        milestones_due=[m for m in read if not m.past_due],
        quarter=quarter,
    )


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


def _as_at_version(obj: Action | Milestone, version: int) -> Any:
    """The history record of ``obj`` as it was at ``version`` (the one an editor opened);
    None if its history does not go back that far."""
    return (
        obj.history.filter(lock_version__lte=version)
        .order_by("-lock_version", "-history_date", "-history_id")
        .first()
    )


def action_values_as_opened(*, action: Action, version: int) -> dict[str, object] | None:
    """The action's edit-form values as they were at ``version`` (the one an editor
    opened), from its history; None if the history does not go back that far."""
    record = _as_at_version(action, version)
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
    record = _as_at_version(milestone, version)
    if record is None:
        return None
    return {
        "description": record.description,
        "timescale": record.timescale,
        "lead": record.lead_id,
        "lead_text": record.lead_text,
        "done_date": record.done_date,
    }


def update_request_by_link(*, pk: int, token: str) -> UpdateRequest:
    """The request whose link this is; DoesNotExist for an unknown id or a token that is
    not the service's (tampered)."""
    update_request = (
        UpdateRequest.objects.select_related("partnership", "agency").filter(pk=pk).first()
    )
    if update_request is None or not update_request_token_matches(update_request, token):
        raise UpdateRequest.DoesNotExist
    return update_request


def update_request_actions(*, update_request: UpdateRequest) -> list[Action]:
    """The request's actions, with their milestones, in the plan's order."""
    return list(
        update_request.actions.select_related("plan")
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by(*IN_ITS_ACTION))
        )
        .order_by("plan_id", "order", "id")
    )


def awaiting_sign_off() -> Q:
    """Updates submitted and not yet approved or returned."""
    decided = UpdateReview.objects.filter(
        update=OuterRef("pk"),
        decision__in=[UpdateReview.Decision.APPROVED, UpdateReview.Decision.RETURNED],
    )
    submitted = UpdateReview.objects.filter(
        update=OuterRef("pk"), decision=UpdateReview.Decision.SUBMITTED
    )
    return Q(Exists(submitted)) & ~Q(Exists(decided))


def updates_awaiting_sign_off(*, partnership: Partnership) -> list[StatusUpdate]:
    """The partnership's updates submitted and not yet approved or returned, oldest first."""
    return list(
        StatusUpdate.objects.filter(action__plan__partnership=partnership)
        .filter(awaiting_sign_off())
        .select_related("action", "author", "request")
        .order_by("created_at", "id")
    )


def status_update_get(*, user: AnyUser, pk: int) -> StatusUpdate:
    """One update of an action the user can see; DoesNotExist otherwise."""
    return (
        StatusUpdate.objects.filter(action__in=action_queryset(user=user))
        .select_related("action__plan__partnership", "author", "request")
        .prefetch_related(
            Prefetch(
                "reviews",
                queryset=UpdateReview.objects.select_related("reviewer").order_by(*IN_ITS_UPDATE),
            )
        )
        .get(pk=pk)
    )


def review_state(update: StatusUpdate) -> str:
    """'' (live: no sign-off), 'submitted' (waiting), 'approved' or 'returned', from the
    update's prefetched review steps."""
    decisions = [r.decision for r in update.reviews.all()]
    for decided in (UpdateReview.Decision.APPROVED, UpdateReview.Decision.RETURNED):
        if decided in decisions:
            return str(decided)
    return str(UpdateReview.Decision.SUBMITTED) if decisions else ""
