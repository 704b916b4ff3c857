"""Writes for grants, funded projects, bids and indicators.

Every write that adds money to a pot checks the pot under a lock on the grant's row, so
two approvals at once cannot together over-commit it. Edits carry the version the
editor saw (``expected_version``): a stale edit is refused (StaleEdit). Status changes
and indicator values are appended, never changed.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from django.db import models, transaction
from django.db.models import F

from accounts.models import User
from actions.models import Action, StatusUpdate
from csp_tracker import clock
from csp_tracker.data import ModelData
from csp_tracker.periods import Quarter, format_date
from performance.grants import GrantMoney, default_split, grant_money
from performance.models import (
    Bid,
    FundedProject,
    FundedProjectStatus,
    Grant,
    Indicator,
    IndicatorValue,
    Pot,
    ProjectStatus,
)
from performance.money import format_money, format_number
from performance.periods import Frequency, Period, baseline_period_label
from performance.selectors import project_queryset

if TYPE_CHECKING:
    from performance.selectors import ProjectWithStatus
from plans.models import Agency, Partnership
from priorities.models import Priority


class Refused(Exception):
    """A write the rules do not allow; ``message`` says why, for the page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class OverCommitted(Refused):
    """Approving this would approve more than the pot has left."""


class PotClosed(Refused):
    """The tactical pot closed before the bid was made."""


class AlreadyDecided(Refused):
    """Someone decided the bid already."""


class StaleEdit(Exception):
    """Someone else saved the object after this person opened it."""

    def __init__(self, current: models.Model) -> None:
        super().__init__("Someone else saved this after you opened it")
        self.current = current


def _claim_version(
    model: type[Grant] | type[FundedProject] | type[Indicator], pk: int, expected: int
) -> None:
    """Raise the version only if it is still the one the editor saw (the check is in
    the UPDATE, so of two concurrent saves exactly one wins)."""
    claimed = model.objects.filter(pk=pk, lock_version=expected).update(
        lock_version=F("lock_version") + 1
    )
    if not claimed:
        raise StaleEdit(model.objects.get(pk=pk))


def _bump_version(model: type[FundedProject], pk: int) -> None:
    model.objects.filter(pk=pk).update(lock_version=F("lock_version") + 1)


def _locked_money(grant: Grant) -> GrantMoney:
    """The grant's money read under a lock on its row (held to the end of the
    transaction), so concurrent approvals queue."""
    return _locked(grant)[0]


def _locked(grant: Grant) -> tuple[GrantMoney, "dict[int, ProjectWithStatus]", list[Bid]]:
    Grant.objects.select_for_update().filter(pk=grant.pk).first()
    projects = list(project_queryset(grant=grant))
    bids = list(Bid.objects.filter(grant=grant))
    money = grant_money(grant=grant, projects=projects, bids=bids)
    return money, {p.pk: p for p in projects}, bids


def _pot_label(pot: str) -> str:
    return "tactical pot" if pot == Pot.TACTICAL else "up-front pot"


def _check_room(money: GrantMoney, *, pot: str, adding: Decimal, what: str) -> None:
    """Refuse ``adding`` more to the pot if it would approve more than it has left."""
    left = money.pot(pot).left
    if adding > 0 and adding > left:
        raise OverCommitted(
            f"{what} would over-commit the {_pot_label(pot)} by {format_money(adding - left)}: "
            f"it has {format_money(max(left, Decimal(0)))} left and this is "
            f"{format_money(adding)}"
        )


# --- grants ---------------------------------------------------------------------------


@dataclass
class GrantData(ModelData):
    name: str
    funder: str
    financial_year: int
    amount: Decimal
    up_front_amount: Decimal | None = None  # None: the default split
    tactical_amount: Decimal | None = None
    rules: str = ""
    tactical_closes_on: date | None = None


def _apply_grant(grant: Grant, data: GrantData) -> None:
    up_front, tactical = default_split(data.amount)
    data.apply(grant, exclude=("up_front_amount", "tactical_amount"))
    grant.up_front_amount = up_front if data.up_front_amount is None else data.up_front_amount
    grant.tactical_amount = tactical if data.tactical_amount is None else data.tactical_amount


@transaction.atomic
def grant_create(*, partnership: Partnership, data: GrantData) -> Grant:
    grant = Grant(partnership=partnership)
    _apply_grant(grant, data)
    grant.full_clean()
    grant.save()
    return grant


@transaction.atomic
def grant_update(*, grant: Grant, data: GrantData, expected_version: int) -> Grant:
    """Change a grant; refused if stale, or if a pot would hold less than it has
    approved already."""
    _claim_version(Grant, grant.pk, expected_version)
    grant.refresh_from_db(fields=["lock_version"])
    _apply_grant(grant, data)
    grant.full_clean()
    money = _locked_money(grant)
    for pot in money.pots:
        if pot.over_approved_by:
            raise OverCommitted(
                f"The {_pot_label(pot.key)} would be {format_money(pot.over_approved_by)} "
                f"less than it has approved already ({format_money(pot.approved)})"
            )
    grant.save()
    return grant


@transaction.atomic
def grant_return_record(
    *, grant: Grant, amount: Decimal, returned_on: date, note: str, expected_version: int
) -> Grant:
    """Record the underspend returned to the funder: no more than the grant has left."""
    _claim_version(Grant, grant.pk, expected_version)
    grant.refresh_from_db()
    left = _locked_money(grant).whole.left
    if amount > left:
        raise Refused(
            f"The grant has {format_money(left)} left: the return cannot be {format_money(amount)}"
        )
    grant.returned_amount = amount
    grant.returned_on = returned_on
    grant.return_note = note
    grant.full_clean()
    grant.save(update_fields=["returned_amount", "returned_on", "return_note"])
    return grant


# --- funded projects ----------------------------------------------------------------------


@dataclass
class ProjectData(ModelData):
    title: str
    amount_approved: Decimal
    pot: str = Pot.UP_FRONT
    description: str = ""
    lead_agency: Agency | None = None
    lead_text: str = ""
    amount_spent: Decimal | None = None
    action: Action | None = None
    start_date: date | None = None
    end_date: date | None = None


def _check_action(grant: Grant, action: Action | None) -> None:
    if action is not None and action.plan.partnership_id != grant.partnership_id:
        raise Refused("The action must be one of the partnership's own")


def _status_append(
    *,
    project: FundedProject,
    status: str,
    note: str,
    user: User | None,
    quarter: Quarter | None,
    recorded_at: datetime | None,
) -> FundedProjectStatus:
    if status not in ProjectStatus.values:
        raise ValueError(f"Unknown status {status!r}")
    quarter = quarter or clock.update_quarter()
    return FundedProjectStatus.objects.create(
        project=project,
        status=status,
        note=note,
        **quarter.columns,
        recorded_by=user,
        recorded_at=recorded_at or clock.now(),
    )


@transaction.atomic
def project_create(
    *,
    grant: Grant,
    data: ProjectData,
    status: str = ProjectStatus.NOT_STARTED,
    note: str = "",
    user: User | None = None,
    quarter: Quarter | None = None,
    recorded_at: datetime | None = None,
) -> FundedProject:
    """A project the grant funds from one of its pots, with its first status; refused
    if its approval would over-commit the pot."""
    _check_action(grant, data.action)
    money = _locked_money(grant)
    _check_room(money, pot=data.pot, adding=data.amount_approved, what="This project")
    return _project_add(
        grant=grant,
        money=money,
        data=data,
        status=status,
        note=note,
        user=user,
        quarter=quarter,
        recorded_at=recorded_at,
    )


def _project_add(
    *,
    grant: Grant,
    money: GrantMoney,
    data: ProjectData,
    status: str,
    note: str,
    user: User | None,
    quarter: Quarter | None,
    recorded_at: datetime | None,
) -> FundedProject:
    """A new project of the grant, after its others (``money``, read under the lock),
    with its first status."""
    project = FundedProject(grant=grant, order=len(money.projects) + 1)
    data.apply(project)
    project.full_clean()
    project.save()
    _status_append(
        project=project,
        status=status,
        note=note,
        user=user,
        quarter=quarter,
        recorded_at=recorded_at,
    )
    return project


@transaction.atomic
def project_update(
    *, project: FundedProject, data: ProjectData, expected_version: int
) -> FundedProject:
    """Change a project's details; refused if stale or if a larger approval (or a move
    to the other pot) would over-commit its pot."""
    _claim_version(FundedProject, project.pk, expected_version)
    project.refresh_from_db(fields=["lock_version"])
    grant = project.grant
    _check_action(grant, data.action)
    money, projects, _ = _locked(grant)
    before = projects[project.pk]
    if before.current_status != ProjectStatus.WITHDRAWN:
        # Moving to the other pot frees the old one; the new pot needs room for it all.
        adding = data.amount_approved - (
            before.amount_approved if data.pot == before.pot else Decimal(0)
        )
        _check_room(money, pot=data.pot, adding=adding, what="This approval")
    data.apply(project)
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def project_status_record(
    *,
    project: FundedProject,
    status: str,
    note: str,
    user: User | None = None,
    expected_version: int | None = None,
    quarter: Quarter | None = None,
    recorded_at: datetime | None = None,
) -> FundedProjectStatus:
    """Append the project's new status and its update; refused if someone else changed
    the project since the page was opened."""
    if expected_version is not None:
        _claim_version(FundedProject, project.pk, expected_version)
    else:
        _bump_version(FundedProject, project.pk)
    project.refresh_from_db(fields=["lock_version"])
    money, projects, bids = _locked(project.grant)
    before = projects[project.pk]
    if before.current_status == ProjectStatus.WITHDRAWN != status:
        # Taken up again, its approval counts again: the pots need room for it.
        before.current_status = status
        after = grant_money(grant=project.grant, projects=projects.values(), bids=bids)
        for pot in after.pots:
            over = pot.over_approved_by - money.pot(pot.key).over_approved_by
            if over > 0:
                raise OverCommitted(
                    f"Taking the project up again would over-commit the {_pot_label(pot.key)} "
                    f"by {format_money(over)}"
                )
    return _status_append(
        project=project,
        status=status,
        note=note,
        user=user,
        quarter=quarter,
        recorded_at=recorded_at,
    )


# --- bids against the tactical pot --------------------------------------------------------


@dataclass
class BidData(ModelData):
    title: str
    amount: Decimal
    description: str = ""
    lead_agency: Agency | None = None
    lead_text: str = ""
    top_up_of: FundedProject | None = None
    submitted_on: date | None = None
    action: Action | None = None


@transaction.atomic
def bid_submit(*, grant: Grant, data: BidData) -> Bid:
    """A bid against the tactical pot: refused once the pot has closed. A top-up names
    a project of the same grant."""
    closes = grant.tactical_closes_on
    if closes is not None and data.submitted_on is not None and data.submitted_on > closes:
        raise PotClosed(
            f"The tactical pot closed on {format_date(closes)}: no bid can be made after it"
        )
    if data.top_up_of is not None and data.top_up_of.grant_id != grant.pk:
        raise Refused("A top-up is for a project of this grant")
    _check_action(grant, data.action)
    bid = Bid(grant=grant, is_top_up=data.top_up_of is not None, project=data.top_up_of)
    data.apply(bid)
    bid.full_clean()
    bid.save()
    return bid


@transaction.atomic
def bid_decide(
    *,
    bid: Bid,
    approve: bool,
    user: User | None,
    decided_on: date | None = None,
    note: str = "",
    quarter: Quarter | None = None,
    recorded_at: datetime | None = None,
) -> Bid:
    """Approve or decline a pending bid. Approving is refused if it would over-commit
    the tactical pot; a new project's bid becomes a project in the tactical pot, and a
    top-up adds to its project's approval."""
    money = _locked_money(bid.grant)
    bid = (
        Bid.objects.select_for_update(of=("self",))
        .select_related("grant", "project")
        .get(pk=bid.pk)
    )
    if bid.status != Bid.Decision.PENDING:
        raise AlreadyDecided(f"This bid was {bid.get_status_display().lower()} already")
    if approve:
        # A pending bid is in "committed", not in "approved": the room is what is left.
        _check_room(money, pot=Pot.TACTICAL, adding=bid.amount, what="Approving this bid")
        if not bid.is_top_up:
            bid.project = _project_add(
                grant=bid.grant,
                money=money,
                data=ProjectData(
                    title=bid.title,
                    amount_approved=bid.amount,
                    pot=Pot.TACTICAL,
                    description=bid.description,
                    lead_agency=bid.lead_agency,
                    lead_text=bid.lead_text,
                    action=bid.action,
                ),
                status=ProjectStatus.NOT_STARTED,
                note="",
                user=user,
                quarter=quarter,
                recorded_at=recorded_at,
            )
        elif bid.project_id is not None:
            _bump_version(FundedProject, bid.project_id)
    bid.status = Bid.Decision.APPROVED if approve else Bid.Decision.DECLINED
    bid.decided_on = decided_on
    bid.decided_by = user
    bid.decision_note = note
    bid.full_clean()
    bid.save()
    return bid


# --- indicators -----------------------------------------------------------------------


@dataclass
class IndicatorData(ModelData):
    name: str
    unit: str
    source: str
    direction: str
    frequency: str = Frequency.QUARTERLY
    description: str = ""
    baseline_value: Decimal | None = None
    baseline_period: str = ""
    target_value: Decimal | None = None
    figure_label: str = ""
    priorities: list[Priority] | None = None
    actions: list[Action] | None = None

    many: ClassVar[tuple[str, ...]] = ("priorities", "actions")  # set by _set_links


def _apply_indicator(indicator: Indicator, data: IndicatorData) -> None:
    data.apply(indicator, exclude=("baseline_period",))
    indicator.baseline_period = (
        baseline_period_label(data.baseline_period) if data.baseline_period else ""
    )


def _set_links(indicator: Indicator, data: IndicatorData) -> None:
    partnership_id = indicator.partnership_id
    priorities = data.priorities or []
    actions = data.actions or []
    if any(p.plan.partnership_id != partnership_id for p in priorities) or any(
        a.plan.partnership_id != partnership_id for a in actions
    ):
        raise Refused("Link only the partnership's own priorities and actions")
    indicator.priorities.set(priorities)
    indicator.actions.set(actions)


@transaction.atomic
def indicator_create(*, partnership: Partnership, data: IndicatorData) -> Indicator:
    indicator = Indicator(
        partnership=partnership, order=Indicator.objects.filter(partnership=partnership).count()
    )
    _apply_indicator(indicator, data)
    indicator.full_clean()
    indicator.save()
    _set_links(indicator, data)
    return indicator


@transaction.atomic
def indicator_update(
    *, indicator: Indicator, data: IndicatorData, expected_version: int
) -> Indicator:
    """Change an indicator; refused if stale. Its frequency cannot change once it has
    values: they are numbered by it."""
    _claim_version(Indicator, indicator.pk, expected_version)
    indicator.refresh_from_db(fields=["lock_version"])
    if data.frequency != indicator.frequency and indicator.values.exists():
        raise Refused(
            f"This indicator has {indicator.get_frequency_display().lower()} values: "
            "its frequency cannot change"
        )
    _apply_indicator(indicator, data)
    indicator.full_clean()
    indicator.save()
    _set_links(indicator, data)
    return indicator


@transaction.atomic
def indicator_value_record(
    *,
    indicator: Indicator,
    period: Period,
    value: Decimal,
    note: str = "",
    user: User | None = None,
    source_update: StatusUpdate | None = None,
    recorded_at: datetime | None = None,
) -> IndicatorValue:
    """Append a value for the period. A value for a period that has one already is a
    correction: the new one is current, the earlier is kept as corrected."""
    if period.frequency != indicator.frequency:
        raise Refused(f"This indicator is {indicator.get_frequency_display().lower()}")
    row = IndicatorValue(
        indicator=indicator,
        financial_year=period.financial_year,
        period=period.number,
        value=value,
        note=note,
        source_update=source_update,
        recorded_by=user,
        recorded_at=recorded_at or clock.now(),
    )
    row.full_clean()
    row.save()
    return row


def _figure_value(update: StatusUpdate, index: int) -> tuple[str, Decimal]:
    figures = update.figures or []
    if not 0 <= index < len(figures):
        raise Refused("Choose a number reported in the update")
    figure = figures[index]
    try:
        return str(figure.get("label", "")), Decimal(str(figure.get("value")))
    except (ArithmeticError, ValueError):
        raise Refused("That number could not be read") from None


@transaction.atomic
def indicator_value_from_update(
    *,
    indicator: Indicator,
    update: StatusUpdate,
    index: int,
    user: User | None = None,
    note: str | None = None,
    recorded_at: datetime | None = None,
) -> IndicatorValue:
    """Record a number an officer reported in an update of a linked action as the
    indicator's value for the update's quarter, with the update as its source. The note
    says where it came from unless one is given."""
    if indicator.frequency != Frequency.QUARTERLY:
        raise Refused("Only a quarterly indicator takes numbers from the quarterly updates")
    if not indicator.actions.filter(pk=update.action_id).exists():
        raise Refused("The update is not of an action linked to this indicator")
    label, value = _figure_value(update, index)
    period = Period(update.financial_year, update.quarter, Frequency.QUARTERLY)
    if note is None:
        note = (
            f"From the {period.label} update of action {update.action.reference}: "
            f"“{label}” {format_number(value)}."
        )
    return indicator_value_record(
        indicator=indicator,
        period=period,
        value=value,
        note=note,
        user=user,
        source_update=update,
        recorded_at=recorded_at,
    )
