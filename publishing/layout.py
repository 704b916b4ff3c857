"""The action-plan table laid out for the plan it holds, as a typesetter would set it.

- Only the columns some action fills: a strategy whose actions have no outcomes,
  milestones, timescales or leads prints the number and the action, nothing else.
- One row a milestone, with its timescale and its lead beside it, so they line up however
  a milestone wraps; the action's own cells span its milestones' rows.
- Each action is one block (a ``<tbody>`` the page does not split), and the priority,
  theme and heading rows above an action travel in its block, so no heading row is left
  at a page foot.
- Priorities and themes with no actions of their own are named in one line under the
  table, not a row each.
- Portrait when the table fits: at most ``PORTRAIT_COLUMNS`` columns; landscape otherwise.

Read from the document snapshot, so the PDF, the preview and the editor's check
(publishing/checks.py) agree on which columns are empty.
"""

from dataclasses import dataclass, field

from publishing.snapshot import ActionEntry, DocumentSnapshot, MilestoneEntry

# Number, action and two more: more than that needs the width of a landscape page.
PORTRAIT_COLUMNS = 4


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    # The column's share of the table's width, before the columns left out.
    weight: int


REFERENCE = Column("reference", "No.", 6)
ACTION = Column("action", "Action", 26)
OUTCOME = Column("outcome", "Desired outcome", 22)
MILESTONE = Column("milestone", "Key milestones", 28)
TIMESCALE = Column("timescale", "Timescales", 10)
LEAD = Column("lead", "Lead agency", 14)
# The columns an author fills, in the table's order, as the editor's check names them.
OPTIONAL = (OUTCOME, MILESTONE, TIMESCALE, LEAD)


@dataclass(frozen=True)
class PlacedColumn:
    key: str
    title: str
    width: str  # a CSS percentage: the widths of one table add up to 100%


@dataclass
class MilestoneRow:
    description: str
    timescale: str
    lead: str


@dataclass
class ActionBlock:
    """One action: the group rows printed above it, its own cells, a row a milestone."""

    above: list[tuple[str, str]]  # (kind: "group" or "heading", text)
    action: ActionEntry
    rows: list[MilestoneRow]
    # The lead printed once beside all the rows, or per row (each milestone's own lead).
    lead_per_row: bool

    @property
    def span(self) -> int:
        return len(self.rows)


def _column_shown(column: Column) -> property:
    """Whether the table has ``column``: the action row template asks
    ``layout.show_<column>`` before it prints that column's cell."""
    return property(lambda layout: layout.shows(column.key))


@dataclass
class ActionPlanLayout:
    columns: list[PlacedColumn]
    blocks: list[ActionBlock]
    landscape: bool
    left_out: list[str] = field(default_factory=list)
    priorities_without_actions: list[str] = field(default_factory=list)
    themes_without_actions: list[str] = field(default_factory=list)

    def shows(self, key: str) -> bool:
        return any(c.key == key for c in self.columns)

    show_outcome = _column_shown(OUTCOME)
    show_milestones = _column_shown(MILESTONE)
    show_timescale = _column_shown(TIMESCALE)
    show_lead = _column_shown(LEAD)


def document_actions(snapshot: DocumentSnapshot) -> list[ActionEntry]:
    """Every action of the document, in the table's order."""
    return [
        action
        for group in snapshot["action_groups"]
        for action in [*group["actions"], *(a for h in group["headings"] for a in h["actions"])]
    ]


def filled_columns(actions: list[ActionEntry]) -> dict[Column, bool]:
    """Whether any action fills each optional column: the one definition of an empty
    column, for the table and the editor's check."""
    milestones: list[MilestoneEntry] = [m for a in actions for m in a["milestones"]]
    return {
        OUTCOME: any(a["desired_outcome"].strip() for a in actions),
        MILESTONE: any(m["description"].strip() for m in milestones),
        TIMESCALE: any(m["timescale"].strip() for m in milestones),
        LEAD: any(a["lead"].strip() for a in actions) or any(m["lead"].strip() for m in milestones),
    }


def _rows(action: ActionEntry) -> list[MilestoneRow]:
    rows = [
        MilestoneRow(m["description"], m["timescale"], m["lead"])
        for m in action["milestones"]
        if m["description"].strip() or m["timescale"].strip()
    ]
    return rows or [MilestoneRow("", "", "")]


def _block(above: list[tuple[str, str]], action: ActionEntry) -> ActionBlock:
    rows = _rows(action)
    # Each milestone's own lead on its row where the milestones name leads (Swale's
    # "Domestic Abuse Group / CSP Executive"); otherwise the action's lead, once.
    per_row = any(r.lead.strip() for r in rows) and (len(rows) > 1 or not action["lead"].strip())
    return ActionBlock(above=above, action=action, rows=rows, lead_per_row=per_row)


def action_plan_layout(snapshot: DocumentSnapshot) -> ActionPlanLayout:
    filled = filled_columns(document_actions(snapshot))
    used = [REFERENCE, ACTION, *(c for c in OPTIONAL if filled[c])]
    total = sum(c.weight for c in used)
    columns = [PlacedColumn(c.key, c.title, f"{100 * c.weight / total:.1f}%") for c in used]
    blocks: list[ActionBlock] = []
    without: dict[bool, list[str]] = {True: [], False: []}
    themes = {t["label"] for t in snapshot["themes"]}
    for group in snapshot["action_groups"]:
        if not group["action_count"]:
            note = group["note"].strip().rstrip(".")
            named = f"{group['label']} ({note[:1].lower()}{note[1:]})" if note else group["label"]
            without[group["label"] in themes].append(named)
            continue
        above: list[tuple[str, str]] = [("group", group["label"])]
        for action in group["actions"]:
            blocks.append(_block(above, action))
            above = []
        for heading in group["headings"]:
            above.append(("heading", heading["title"]))
            for action in heading["actions"]:
                blocks.append(_block(above, action))
                above = []
            # A heading with no actions prints nothing.
            above = [a for a in above if a[0] == "group"]
    return ActionPlanLayout(
        columns=columns,
        blocks=blocks,
        landscape=len(columns) > PORTRAIT_COLUMNS,
        left_out=[c.title for c in OPTIONAL if not filled[c]],
        priorities_without_actions=without[False],
        themes_without_actions=without[True],
    )
