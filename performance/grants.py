"""A grant's money, in one place, for its pages, the services' checks, the report and
the exports. Exact: Decimal pounds and pence, nothing rounded.

* The split: the up-front amount and the tactical pot as the grant records them. Left
  blank, the tool splits as the Kent paper did: two thirds and one third, each rounded
  down to whole pounds (£39,661 gives £26,440 and £13,220, £1 in neither pot).
* Approved, per pot: each project's own approval counts against its pot; an approved
  top-up bid counts against the tactical pot. A withdrawn project counts only what it
  spent (its approval is released).
* Pending: bids not yet decided (always against the tactical pot).
* Committed: approved and pending together, what the pot would hold if every pending bid
  were approved.
* Spent: what the projects spent. A project's spending counts first against its own
  approval (its pot), then against its top-ups (the tactical pot); beyond both, its pot.
* Left: the pot less what is approved. For the whole grant, the grant less everything
  approved: the underspend to return when the year (or the tactical pot) closes.
* Over-committed: committed more than the pot. Approving more than is left is refused
  (performance.services).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from performance.models import Bid, FundedProject, Grant, Pot, ProjectStatus

ZERO = Decimal("0.00")
POUND = Decimal(1)


def default_split(amount: Decimal) -> tuple[Decimal, Decimal]:
    """Two thirds up front and a third in the tactical pot, each rounded down to whole
    pounds, as the Kent paper writes them."""
    up_front = (amount * 2 / 3).quantize(POUND, rounding=ROUND_FLOOR)
    tactical = (amount / 3).quantize(POUND, rounding=ROUND_FLOOR)
    return up_front, tactical


@dataclass(frozen=True)
class PotMoney:
    key: str
    label: str
    allocated: Decimal
    approved: Decimal
    pending: Decimal
    spent: Decimal

    @property
    def committed(self) -> Decimal:
        return self.approved + self.pending

    @property
    def left(self) -> Decimal:
        return self.allocated - self.approved

    @property
    def left_if_all_approved(self) -> Decimal:
        return self.allocated - self.committed

    @property
    def over_committed_by(self) -> Decimal:
        return max(self.committed - self.allocated, ZERO)

    @property
    def over_approved_by(self) -> Decimal:
        return max(self.approved - self.allocated, ZERO)


@dataclass(frozen=True)
class ProjectMoney:
    own: Decimal  # its own approval
    top_ups: Decimal  # approved top-up bids
    spent: Decimal | None

    @property
    def approved(self) -> Decimal:
        return self.own + self.top_ups


@dataclass(frozen=True)
class GrantMoney:
    up_front: PotMoney
    tactical: PotMoney
    whole: PotMoney
    projects: dict[int, ProjectMoney]
    approved_project_count: int

    @property
    def pots(self) -> list[PotMoney]:
        return [self.up_front, self.tactical]

    @property
    def pots_and_whole(self) -> list[PotMoney]:
        """The pots, then the whole grant: the rows of the pots at a glance."""
        return [*self.pots, self.whole]

    @property
    def split_total(self) -> Decimal:
        return self.up_front.allocated + self.tactical.allocated

    @property
    def unallocated(self) -> Decimal:
        """Grant money in neither pot (the £1 the Kent paper's rounding leaves)."""
        return self.whole.allocated - self.up_front.allocated - self.tactical.allocated

    def pot(self, key: str) -> PotMoney:
        return self.tactical if key == Pot.TACTICAL else self.up_front


def _split_spending(spent: Decimal, own: Decimal, top_ups: Decimal) -> tuple[Decimal, Decimal]:
    """(against its own pot, against the tactical pot)."""
    on_own = min(spent, own)
    on_top_ups = min(spent - on_own, top_ups)
    return spent - on_top_ups, on_top_ups


def grant_money(
    *, grant: Grant, projects: Iterable[FundedProject], bids: Iterable[Bid]
) -> GrantMoney:
    """The grant's pots from its projects (each with ``current_status``, or else
    read from the latest status it was given) and bids, already read: no query here."""
    bids = list(bids)
    top_ups: dict[int, Decimal] = defaultdict(lambda: ZERO)
    pending = ZERO
    for bid in bids:
        if bid.status == Bid.Decision.APPROVED and bid.is_top_up and bid.project_id:
            top_ups[bid.project_id] += bid.amount
        elif bid.status == Bid.Decision.PENDING:
            pending += bid.amount
    approved = {Pot.UP_FRONT: ZERO, Pot.TACTICAL: ZERO}
    spent = {Pot.UP_FRONT: ZERO, Pot.TACTICAL: ZERO}
    per_project: dict[int, ProjectMoney] = {}
    counted = 0
    for project in projects:
        own, extra = project.amount_approved, top_ups[project.pk]
        used = project.amount_spent or ZERO
        pot = Pot.TACTICAL if project.pot == Pot.TACTICAL else Pot.UP_FRONT
        if getattr(project, "current_status", "") == ProjectStatus.WITHDRAWN:
            own, extra = _split_spending(used, own, extra)
        else:
            counted += 1
        per_project[project.pk] = ProjectMoney(own=own, top_ups=extra, spent=project.amount_spent)
        approved[pot] += own
        approved[Pot.TACTICAL] += extra
        on_own, on_tactical = _split_spending(used, own, extra)
        spent[pot] += on_own
        spent[Pot.TACTICAL] += on_tactical
    up_front = PotMoney(
        Pot.UP_FRONT,
        "Up front",
        grant.up_front_amount,
        approved[Pot.UP_FRONT],
        ZERO,
        spent[Pot.UP_FRONT],
    )
    tactical = PotMoney(
        Pot.TACTICAL,
        "Tactical pot",
        grant.tactical_amount,
        approved[Pot.TACTICAL],
        pending,
        spent[Pot.TACTICAL],
    )
    whole = PotMoney(
        "grant",
        "The whole grant",
        grant.amount,
        up_front.approved + tactical.approved,
        pending,
        up_front.spent + tactical.spent,
    )
    return GrantMoney(up_front, tactical, whole, per_project, counted)
