"""Funded projects and indicator values as CSV and XLSX downloads.

A spreadsheet opens a cell that starts with "=", "+", "-" or "@" as a formula, so text
that starts so (a project title typed by anyone) is written with a leading apostrophe,
by the same rule as the action plan's export (actions.exporting.neutralise): shown as
text, never run. Numbers stay numbers, money with a pounds format.
"""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from actions.exporting import neutralise as text_neutralise
from performance.grants import GrantMoney
from performance.indicators import indicator_series
from performance.models import FundedProject, Indicator, ProjectStatus

Cell = str | int | Decimal | date | None


def neutralise(value: Cell) -> Cell:
    return text_neutralise(value) if isinstance(value, str) else value


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    money_columns: set[int] = field(default_factory=set)


def csv_bytes(table: Table) -> bytes:
    """UTF-8 with a byte order mark, so that Excel reads "£" and accents right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow(
            [
                "" if c is None else c.isoformat() if isinstance(c, date) else neutralise(c)
                for c in row
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.create_sheet(table.title[:31], 0)
    book.remove(book.worksheets[1])  # the empty default sheet
    sheet.append(table.headers)
    for row in table.rows:
        sheet.append([neutralise(c) for c in row])
    bold = Font(bold=True)
    for column, header in enumerate(table.headers, start=1):
        sheet.cell(row=1, column=column).font = bold
        sheet.column_dimensions[get_column_letter(column)].width = max(12, min(60, len(header) + 4))
        for number in range(2, len(table.rows) + 2):
            cell = sheet.cell(row=number, column=column)
            if column - 1 in table.money_columns:
                cell.number_format = '"£"#,##0.00'
            elif isinstance(cell.value, date):
                cell.number_format = "d mmmm yyyy"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def projects_table(
    *, grant_label: str, projects: Sequence[FundedProject], money: GrantMoney
) -> Table:
    table = Table(
        title="Funded projects",
        headers=[
            "Grant",
            "Project",
            "Lead",
            "Pot",
            "Amount approved (£)",
            "Of which top-ups (£)",
            "Amount spent (£)",
            "Status",
            "Latest update",
            "Action",
            "Start date",
            "End date",
        ],
        money_columns={4, 5, 6},
    )
    for project in projects:
        share = money.projects[project.pk]
        status = getattr(project, "current_status", "") or ""
        table.rows.append(
            [
                grant_label,
                project.title,
                project.lead,
                project.get_pot_display(),
                share.own + share.top_ups,
                share.top_ups,
                project.amount_spent,
                ProjectStatus(status).label if status else "",
                getattr(project, "current_note", "") or "",
                f"{project.action.reference} {project.action.title}" if project.action else "",
                project.start_date,
                project.end_date,
            ]
        )
    return table


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def indicator_values_table(*, indicators: list[Indicator]) -> Table:
    """Every value recorded, corrections included, each marked current or corrected."""
    table = Table(
        title="Indicator values",
        headers=[
            "Indicator",
            "Unit",
            "Source",
            "Period",
            "Value",
            "Current or corrected",
            "Note",
            "Reported in the update of",
            "Recorded by",
            "Recorded at",
        ],
    )
    for indicator in indicators:
        series = indicator_series(indicator=indicator, values=indicator.values.all())
        for row in series.rows:
            recorded = [row.current, *row.corrected] if row.current else []
            for value in recorded:
                assert value is not None
                update = value.source_update
                table.rows.append(
                    [
                        indicator.name,
                        indicator.unit,
                        indicator.source,
                        row.period.label,
                        value.value,
                        "Current" if value is row.current else "Corrected",
                        value.note,
                        f"action {update.action.reference}, {row.period.label}" if update else "",
                        value.recorded_by.get_full_name() if value.recorded_by else "",
                        _local(value.recorded_at),
                    ]
                )
    return table
