"""A plan to import into, and spreadsheets to import, for the import tests."""

import io
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from actions.importing import COLUMNS
from plans.models import Agency, Plan
from tests import factories

HEADER = [c.label for c in COLUMNS]
# The columns the tests' rows fill, in order (the import reads any of the columns).
ROW_HEADER = [h for h in HEADER if h not in ("Linked to", "Grant funded")]


@dataclass
class ImportPlan:
    plan: Plan
    agencies: list[Agency]


def import_plan(district, *, start_year: int = 2024, end_year: int = 2027) -> ImportPlan:
    plan = factories.PlanFactory(
        partnership=district, start_year=start_year, end_year=end_year, status=Plan.Status.DRAFT
    )
    for number, title in enumerate(
        ["Serious violence", "Domestic abuse", "Anti-social behaviour", "Substance misuse"],
        start=1,
    ):
        factories.PriorityFactory(plan=plan, number=number, title=title)
    factories.ThemeFactory(plan=plan, number=1, title="Reducing reoffending")
    agencies = [
        factories.AgencyFactory(short_name="Kent Police", name="Kent Police"),
        factories.AgencyFactory(short_name="KFRS", name="Kent Fire and Rescue Service"),
        factories.AgencyFactory(short_name="Swale BC", name="Swale Borough Council"),
        factories.AgencyFactory(short_name="CSP Executive", name="CSP Executive"),
    ]
    district.agencies.add(*agencies)
    return ImportPlan(plan, agencies)


HEADINGS = ["Pursue", "Prevent", "Protect", "Prepare"]
LEADS = ["Kent Police", "KFRS", "Swale BC", "CSP Executive"]
TIMESCALES = ["Sept 24", "By March 25", "Summer 25", "Quarterly", "Ongoing", "Jan 26"]


def many_rows(count: int = 60) -> list[list[str]]:
    """``count`` actions over four priorities, each under one of four headings, with one to
    three milestones a row each (the action's cells blank on its other rows)."""
    rows = []
    for i in range(count):
        priority = i % 4 + 1
        number = i // 4 + 1
        reference = f"{priority}.{number}"
        for m in range(i % 3 + 1):
            first = m == 0
            rows.append(
                [
                    reference if first else "",
                    "",
                    HEADINGS[(i // 4) % 4] if first else "",
                    f"Action {reference}: work with partners on problem {i}" if first else "",
                    f"Outcome of {reference}" if first else "",
                    f"{LEADS[i % 4]}\n{LEADS[(i + 1) % 4]}" if first else "",
                    "",
                    f"Milestone {m + 1} of {reference}",
                    TIMESCALES[(i + m) % len(TIMESCALES)],
                    LEADS[(i + m) % 4] if m == 2 else "",
                ]
            )
    return rows


def xlsx(rows: Sequence[Sequence[object]], header: list[str] = ROW_HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list[str]], header: list[str] = ROW_HEADER, delimiter: str = ",") -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
