"""A plan's actions as a spreadsheet (XLSX or CSV) in the columns the import reads
(actions/importing.py), with each quarter's status and commentary after them; and the
empty template to fill in.

Every cell that a spreadsheet would take for a formula (starting =, +, - or @, or a tab
or carriage return) is written with a quote before it, so opening the file runs nothing;
the import takes the quote off again, so a plan exported and imported is the same plan.
"""

import re
from dataclasses import dataclass

import tablib

from actions.importing import COLUMNS
from actions.models import Action, Milestone, Status, StatusUpdate
from actions.services import heading_prefix
from csp_tracker.periods import Quarter
from plans.models import Agency, Plan
from priorities.models import CrossCuttingTheme, Priority

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
QUARTER_COLUMN = re.compile(r"^\d{4}/\d{2} Q[1-4] (?:status|commentary)$", re.IGNORECASE)


def neutralise(value: str) -> str:
    """A cell's text, safe to open in a spreadsheet: no formula runs."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


@dataclass(frozen=True)
class Sheet:
    headers: list[str]
    rows: list[list[str]]


def _priority_or_theme(action: Action) -> str:
    return action.parent.label


def action_plan_sheet(*, plan: Plan) -> Sheet:
    """One row per milestone (an action with none has one row), the action's cells on
    each of its rows, then its status and commentary of each quarter on its first row."""
    actions = list(
        Action.objects.filter(plan=plan)
        .select_related("priority", "theme", "workstream")
        .prefetch_related("lead_agencies", "milestones__lead")
        .order_by("order", "id")
    )
    updates = (
        StatusUpdate.objects.filter(action__lineage__in=[a.lineage for a in actions])
        .select_related("action")
        .order_by("created_at", "id")
    )
    latest: dict[tuple[object, Quarter], StatusUpdate] = {}
    for update in updates:
        latest[(update.action.lineage, Quarter(update.financial_year, update.quarter))] = update
    quarters = sorted({quarter for _, quarter in latest})
    labels = dict(Status.choices)
    headers = [c.label for c in COLUMNS]
    for quarter in quarters:
        headers += [f"{quarter} status", f"{quarter} commentary"]
    rows: list[list[str]] = []
    for action in actions:
        leads = "\n".join(a.short_name for a in action.lead_agencies.all())
        own = [
            action.reference,
            _priority_or_theme(action),
            action.workstream.title if action.workstream else "",
            action.title,
            action.desired_outcome,
            leads,
            action.lead_text,
            action.linked_to or ("Yes" if action.is_linked else ""),
            "Yes" if action.is_grant_funded else "",
        ]
        history: list[str] = []
        for quarter in quarters:
            found = latest.get((action.lineage, quarter))
            history += [labels.get(found.status, ""), found.commentary] if found else ["", ""]
        milestones: list[Milestone | None] = [*action.milestones.all()] or [None]
        for position, milestone in enumerate(milestones):
            cells = own + (
                [
                    milestone.description,
                    milestone.timescale,
                    milestone.lead_text or (milestone.lead.short_name if milestone.lead else ""),
                ]
                if milestone
                else ["", "", ""]
            )
            cells += history if position == 0 else [""] * len(history)
            rows.append([neutralise(c) for c in cells])
    return Sheet(headers=headers, rows=rows)


def _dataset(sheet: Sheet, title: str) -> tablib.Dataset:
    dataset = tablib.Dataset(headers=sheet.headers, title=title[:31])
    for row in sheet.rows:
        dataset.append(row)
    return dataset


def action_plan_export(*, plan: Plan, file_format: str) -> bytes:
    """The plan's actions as an XLSX workbook or a CSV file (UTF-8 with a BOM, so Excel
    reads its accents)."""
    dataset = _dataset(action_plan_sheet(plan=plan), "Actions")
    if file_format == "xlsx":
        return bytes(dataset.export("xlsx"))
    return ("\ufeff" + dataset.export("csv")).encode("utf-8")


def action_import_template(*, plan: Plan) -> bytes:
    """An empty sheet with the columns, and a sheet that explains them with this plan's
    priorities, themes, headings and agencies."""
    actions = tablib.Dataset(headers=[c.label for c in COLUMNS], title="Actions")
    guidance = tablib.Dataset(headers=["Column", "What to write"], title="How to fill it in")
    for column in COLUMNS:
        guidance.append([column.label, column.hint])
    guidance.append(["", ""])
    guidance.append(
        [
            "Rows",
            "One row per milestone. On an action's other milestone rows, leave its reference "
            "and other cells blank, or repeat them.",
        ]
    )
    places = tablib.Dataset(headers=["Priority or theme", "Headings"], title="Priorities")
    priorities = list(plan.priorities.prefetch_related("workstreams").order_by("number"))
    themes = list(plan.themes.prefetch_related("workstreams").order_by("number"))
    headings: list[Priority | CrossCuttingTheme] = [*priorities, *themes]
    for heading in headings:
        prefix = heading_prefix(heading=heading, priority_count=len(priorities))
        names = ", ".join(w.title for w in heading.workstreams.all())
        places.append([f"{heading.label} (numbers {prefix}.1, {prefix}.2 …)", names])
    agencies = tablib.Dataset(headers=["Short name", "Full name"], title="Agencies")
    for agency in Agency.objects.filter(partnerships=plan.partnership).order_by("short_name"):
        agencies.append([neutralise(agency.short_name), neutralise(agency.name)])
    book = tablib.Databook([actions, guidance, places, agencies])
    return bytes(book.export("xlsx"))
