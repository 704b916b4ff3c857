"""Bulk entry of a plan's actions from a spreadsheet (XLSX or CSV) or a table pasted from
Word or Excel: read the table, check every row against the plan, show the result, and
only on confirmation save it (the same file again changes nothing: actions are matched by
their reference).

One row per milestone: the action's cells (reference, action, desired outcome, leads) on
its first row, and on the rows of its other milestones either repeated or left blank (as
a merged cell reads). A milestone cell with several lines is several milestones, with a
timescale (and a lead) a line, or one for all of them. The export (actions/exporting.py)
writes the same columns, so a plan exported and imported again is the same plan.

Reading is bounded: a file of at most MAX_BYTES, an XLSX whose parts unpack to at most
MAX_UNPACKED_BYTES, at most MAX_ROWS rows and MAX_COLUMNS columns; anything larger is
refused before it is read into memory.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core import signing
from django.db import transaction

from accounts.models import User
from actions.models import Action, Milestone
from actions.services import (
    ActionData,
    MilestoneData,
    action_create,
    action_update,
    heading_prefix,
    milestone_create,
    milestone_update,
)
from actions.timescales import TimescaleKind, is_suspicious, parse_timescale
from csp_tracker.periods import format_date
from plans.models import Agency, Plan
from priorities.models import CrossCuttingTheme, Priority, Workstream
from priorities.services import workstream_create

MAX_MEGABYTES = 2
MAX_BYTES = MAX_MEGABYTES * 1024 * 1024
MAX_UNPACKED_BYTES = 12 * 1024 * 1024
MAX_ROWS = 2000
MAX_COLUMNS = 60
MAX_CELL = 5000
PAYLOAD_SALT = "actions.import"
PAYLOAD_MAX_AGE = 6 * 60 * 60


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    aliases: tuple[str, ...] = ()
    max_length: int = MAX_CELL
    hint: str = ""


# The columns the import reads, in the order the export and the template write them.
COLUMNS = [
    Column(
        "reference",
        "Reference",
        ("ref", "no", "no.", "number", "action no", "action no.", "action number", "action ref"),
        20,
        "The action's number in the plan, like \"1.3\". Needed on each action's first row.",
    ),
    Column(
        "priority",
        "Priority or theme",
        ("priority", "theme", "priority/theme", "cross-cutting theme"),
        300,
        'Like "Priority 1", "Theme 2" or its title. Blank: read from the reference '
        "(1.3 is under priority 1; after the priorities, the themes).",
    ),
    Column(
        "heading",
        "Heading",
        ("workstream", "sub-heading", "subheading", "strand", "section"),
        200,
        'The heading within the priority, like "Prevent". New headings are added. Blank: '
        "no heading.",
    ),
    Column("title", "Action", ("actions", "title", "action title"), 1000, "What will be done."),
    Column(
        "desired_outcome",
        "Desired outcome",
        ("outcome", "outcomes", "desired outcomes"),
        2000,
        "What it should achieve.",
    ),
    Column(
        "lead_agencies",
        "Lead agencies",
        ("lead agency", "lead", "leads", "lead agency/agencies", "lead organisation"),
        1000,
        "The agencies of the partnership that lead it, by short or full name, one a line "
        "or separated by commas.",
    ),
    Column(
        "lead_text",
        "Lead as written",
        ("lead as written in the plan",),
        300,
        "Optional: the lead as the plan writes it. Blank: the lead agencies' cell.",
    ),
    Column(
        "linked_to",
        "Linked to",
        ("linked to another group or strategy", "links", "link to other groups"),
        300,
        'Optional: the group or strategy it links to, like "Kent Drug and Alcohol Strategy".',
    ),
    Column(
        "grant_funded",
        "Grant funded",
        ("grant", "funded", "crime reduction grant"),
        10,
        'Optional: "Yes" for a grant-funded project.',
    ),
    Column(
        "milestone",
        "Milestone",
        ("milestones", "key milestones", "key milestone"),
        1000,
        "One milestone a row (or a line).",
    ),
    Column(
        "timescale",
        "Timescale",
        ("timescales", "due", "by when", "deadline", "target date"),
        100,
        'As the plan writes it: "Sept 23", "By March 24", "Summer 24", "Quarterly", "Ongoing".',
    ),
    Column(
        "milestone_lead",
        "Milestone lead",
        ("milestone leads", "milestone lead agency"),
        300,
        "Optional: the agency leading this milestone, if not the action's leads.",
    ),
]
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED = ("reference", "title")


class ImportRefused(Exception):
    """The file or text cannot be read as a table; the message says what to do."""


@dataclass
class Table:
    """What was read: the header row and the rows after it, each with its row number
    as the spreadsheet shows it (the header is usually row 1)."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


# --- reading ------------------------------------------------------------------------------


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return format_date(value.date())
    if isinstance(value, date):
        return format_date(value)
    return str(value)


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\x0b", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or ord(ch) >= 32)
    # A quote before =, +, - or @ is how the export neutralises a formula: read it back.
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]
    return text.strip()


def _table(rows: Iterable[tuple[int, list[object]]]) -> Table:
    header: list[str] | None = None
    body: list[tuple[int, list[str]]] = []
    for number, values in rows:
        cells = [_normalise(_cell_text(v)) for v in values[:MAX_COLUMNS]]
        if not any(cells):
            continue
        if header is None:
            header = cells
            continue
        body.append((number, cells))
        if len(body) > MAX_ROWS:
            raise ImportRefused(f"The file has more than {MAX_ROWS:,} rows: split it into parts")
    if header is None:
        raise ImportRefused("The file is empty: it has no rows")
    return Table(header=header, rows=body)


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[object]]]:
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportRefused(
            "The selected file could not be read as an XLSX spreadsheet: save it again as "
            "an Excel workbook (.xlsx) or as CSV UTF-8"
        ) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportRefused("The selected file is too large to read: split it into parts")
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise ImportRefused(
            "The selected file could not be read as an XLSX spreadsheet: save it again as "
            "an Excel workbook (.xlsx) or as CSV UTF-8"
        ) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise ImportRefused("The selected file has no sheets")
        for number, values in enumerate(
            sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1
        ):
            if number > MAX_ROWS * 3:
                raise ImportRefused(
                    f"The file has more than {MAX_ROWS:,} rows: split it into parts"
                )
            yield number, list(values)
    except ImportRefused:
        raise
    except Exception:
        raise ImportRefused(
            "The selected file could not be read as an XLSX spreadsheet: save it again as "
            "an Excel workbook (.xlsx) or as CSV UTF-8"
        ) from None
    finally:
        workbook.close()


def _decode(content: bytes) -> str:
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):  # "Unicode text" from Excel
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Excel on Windows saves "CSV" in Windows-1252.
        return content.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportRefused(
            "The selected file is not a CSV file in UTF-8: save it again as “CSV UTF-8”"
        ) from None


def _text_rows(text: str) -> Iterator[tuple[int, list[object]]]:
    if "\x00" in text:
        raise ImportRefused("The selected file is not a CSV file: save it again as “CSV UTF-8”")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if "\t" in first else ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, values in enumerate(reader, start=1):
            if number > MAX_ROWS * 3:
                raise ImportRefused(
                    f"The file has more than {MAX_ROWS:,} rows: split it into parts"
                )
            yield number, list(values)
    except csv.Error:
        raise ImportRefused(
            "The table could not be read: save it again as “CSV UTF-8”, or copy it from "
            "Word or Excel and paste it"
        ) from None


def table_read(*, content: bytes) -> Table:
    """The table of an uploaded XLSX or CSV file (told apart by their first bytes)."""
    if not content:
        raise ImportRefused("The selected file is empty")
    if len(content) > MAX_BYTES:
        raise ImportRefused(
            f"The selected file must be smaller than {MAX_BYTES // 1024 // 1024} MB"
        )
    if content[:4] == b"PK\x03\x04":
        return _table(_xlsx_rows(content))
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportRefused(
            "The selected file is an old Excel file (.xls): save it as .xlsx or CSV UTF-8"
        )
    return _table(_text_rows(_decode(content)))


def table_from_paste(text: str) -> Table:
    """The table of text pasted from Word or Excel: tab-separated, a row a line (a cell
    with line breaks in quotes, as Excel copies it)."""
    if len(text.encode("utf-8", "replace")) > MAX_BYTES:
        raise ImportRefused(f"Paste at most {MAX_MEGABYTES} MB: split it into parts")
    if not text.strip():
        raise ImportRefused("Paste the table, its first row naming the columns")
    return _table(_text_rows(text))


# --- checking -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}, {self.column}" if self.row else self.column
        return f"{where}: {self.message}"


@dataclass
class MilestoneRow:
    row: int
    description: str
    timescale: str = ""
    due_label: str = ""
    lead: Agency | None = None
    lead_text: str = ""


@dataclass
class ActionRow:
    row: int
    reference: str
    title: str = ""
    heading: Priority | CrossCuttingTheme | None = None
    workstream_title: str = ""
    desired_outcome: str | None = None
    lead_agencies: list[Agency] | None = None
    lead_text: str | None = None
    is_linked: bool | None = None
    linked_to: str | None = None
    grant_funded: bool | None = None
    milestones: list[MilestoneRow] = field(default_factory=list)
    existing: Action | None = None
    change: str = "new"  # new, changed or unchanged


@dataclass
class ImportPreview:
    actions: list[ActionRow]
    problems: list[Problem]
    new_headings: list[tuple[str, str]]
    ignored_columns: list[str]
    table: Table

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.actions)

    def count(self, change: str) -> int:
        return sum(a.change == change for a in self.actions)

    @property
    def new_count(self) -> int:
        return self.count("new")

    @property
    def changed_count(self) -> int:
        return self.count("changed")

    @property
    def unchanged_count(self) -> int:
        return self.count("unchanged")

    def groups(self) -> list[tuple[str, list[tuple[str, list[ActionRow]]]]]:
        """The actions as the plan will show them: by priority or theme, then heading."""
        out: dict[str, dict[str, list[ActionRow]]] = {}
        for action in self.actions:
            label = action.heading.label if action.heading else "Not placed"
            out.setdefault(label, {}).setdefault(action.workstream_title, []).append(action)
        return [(label, list(headings.items())) for label, headings in out.items()]


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower().rstrip(":*").strip())


def _columns(header: list[str]) -> tuple[dict[str, int], list[str]]:
    lookup: dict[str, str] = {}
    for column in COLUMNS:
        for name in (column.label, column.key.replace("_", " "), *column.aliases):
            lookup.setdefault(_key(name), column.key)
    found: dict[str, int] = {}
    ignored = []
    for index, name in enumerate(header):
        key = lookup.get(_key(name))
        if key is None or key in found:
            if name:
                ignored.append(name)
            continue
        found[key] = index
    return found, ignored


YES_NO = {"": False, "yes": True, "y": True, "true": True, "no": False, "n": False, "false": False}
_SPLIT_AGENCIES = re.compile(r"\n|;|,(?![^()]*\))")
_BULLET = re.compile(r"^(?:[-*•·◦▪–]|\d{1,2}[.)])\s+")


def _lines(text: str) -> list[str]:
    return [_BULLET.sub("", line).strip() for line in text.split("\n") if line.strip()]


@dataclass
class ImportContext:
    """The plan's priorities, themes, headings, agencies and actions, read once (and
    once for many tables checked against the same plan)."""

    plan: Plan
    priorities: list[Priority]
    themes: list[CrossCuttingTheme]
    agencies: dict[str, Agency]
    existing: dict[str, Action]

    @classmethod
    def load(cls, plan: Plan) -> "ImportContext":
        priorities = list(plan.priorities.prefetch_related("workstreams").order_by("number"))
        themes = list(plan.themes.prefetch_related("workstreams").order_by("number"))
        agencies: dict[str, Agency] = {}
        for agency in Agency.objects.filter(partnerships=plan.partnership):
            agencies.setdefault(_key(agency.short_name), agency)
            agencies.setdefault(_key(agency.name), agency)
        existing = {
            a.reference: a
            for a in Action.objects.filter(plan=plan)
            .select_related("priority", "theme", "workstream")
            .prefetch_related("lead_agencies", "milestones__lead")
        }
        return cls(plan, priorities, themes, agencies, existing)

    @property
    def headings(self) -> list[Priority | CrossCuttingTheme]:
        """The priorities, then the themes."""
        return [*self.priorities, *self.themes]

    def heading_named(self, text: str) -> Priority | CrossCuttingTheme | None:
        key = _key(text)
        match = re.fullmatch(
            r"(?:(priority|p)|(?:cross-cutting )?(theme|t))\s*(\d+)(?:\s*[:.–-].*)?", key
        )
        if match:
            number = int(match.group(3))
            pool: list[Priority] | list[CrossCuttingTheme] = (
                self.priorities if match.group(1) else self.themes
            )
            return next((h for h in pool if h.number == number), None)
        if key.isdigit():
            return next((p for p in self.priorities if p.number == int(key)), None)
        for heading in self.headings:
            if key in (_key(heading.title), _key(heading.label)):
                return heading
        return None

    def heading_of_reference(self, reference: str) -> Priority | CrossCuttingTheme | None:
        match = re.match(r"^\s*(\d+)\s*[.]", reference)
        if not match:
            return None
        number = int(match.group(1))
        for heading in self.headings:
            prefix = heading_prefix(heading=heading, priority_count=len(self.priorities))
            if prefix == number:
                return heading
        return None

    def agency(self, name: str) -> Agency | None:
        return self.agencies.get(_key(name))


def _same_action(row: ActionRow, action: Action) -> bool:
    if row.heading != action.parent or row.title != action.title:
        return False
    current = action.workstream.title if action.workstream else ""
    if _key(row.workstream_title) != _key(current):
        return False
    if row.desired_outcome is not None and row.desired_outcome != action.desired_outcome:
        return False
    if row.lead_text is not None and row.lead_text != action.lead_text:
        return False
    if row.linked_to is not None and (row.linked_to, row.is_linked) != (
        action.linked_to,
        action.is_linked,
    ):
        return False
    if row.grant_funded is not None and row.grant_funded != action.is_grant_funded:
        return False
    if row.lead_agencies is not None and {a.pk for a in row.lead_agencies} != {
        a.pk for a in action.lead_agencies.all()
    }:
        return False
    milestones = {m.description: m for m in action.milestones.all()}
    for wanted in row.milestones:
        have = milestones.get(wanted.description)
        if have is None or have.timescale != wanted.timescale:
            return False
        if not _same_milestone_lead(have, wanted.lead, wanted.lead_text):
            return False
    return True


def _same_milestone_lead(milestone: Milestone, lead: Agency | None, lead_text: str) -> bool:
    """The same lead: the same agency and words (the export writes the agency's short
    name for a milestone whose lead has no words of its own)."""
    if milestone.lead_id != (lead.pk if lead else None):
        return False
    if milestone.lead_text == lead_text:
        return True
    return not milestone.lead_text and lead is not None and lead_text == lead.short_name


class _Checker:
    """Reads the table's rows in order, against the plan, and collects the problems."""

    def __init__(self, *, plan: Plan, columns: dict[str, int], context: ImportContext) -> None:
        self.columns = columns
        self.context = context
        self.plan = plan
        self.problems: list[Problem] = []
        self.new_headings: dict[tuple[str, int, str], tuple[str, str]] = {}

    def cell(self, cells: list[str], key: str) -> str | None:
        """The cell's text; None when the table has no such column."""
        index = self.columns.get(key)
        if index is None:
            return None
        return cells[index] if index < len(cells) else ""

    def fit(self, number: int, key: str, value: str) -> str:
        column = COLUMN_BY_KEY[key]
        if len(value) > column.max_length:
            self.problem(
                number,
                column.label,
                f"enter {column.max_length:,} characters or fewer (this has {len(value):,})",
            )
            return value[: column.max_length]
        return value

    def problem(self, number: int | None, column: str, message: str) -> None:
        self.problems.append(Problem(number, column, message))

    def actions(self, rows: list[tuple[int, list[str]]]) -> list[ActionRow]:
        actions: list[ActionRow] = []
        first_row_of: dict[str, int] = {}
        current: ActionRow | None = None
        for number, cells in rows:
            reference = self.fit(number, "reference", self.cell(cells, "reference") or "")
            title = self.fit(number, "title", self.cell(cells, "title") or "")
            if current is not None and (
                (not reference and not title)
                or (reference in ("", current.reference) and title == current.title)
            ):
                current.milestones += self.milestones(number, cells)
                continue
            if current is not None and reference == current.reference:
                self.problem(
                    number,
                    "Action",
                    f"action {reference} is written differently on row {current.row}",
                )
                continue
            current = None
            if not reference:
                self.problem(
                    number,
                    "Reference",
                    "enter the action's number, like 1.3"
                    if title
                    else "a milestone with no action above it: enter its action's number",
                )
                continue
            if reference in first_row_of:
                self.problem(
                    number,
                    "Reference",
                    f"action {reference} is also on row {first_row_of[reference]}: each action "
                    "needs its own number",
                )
                continue
            if not title:
                self.problem(number, "Action", f"enter the action {reference}")
            current = self.action(number, reference, title, cells)
            current.milestones += self.milestones(number, cells)
            first_row_of[reference] = number
            actions.append(current)
        return actions

    def action(self, number: int, reference: str, title: str, cells: list[str]) -> ActionRow:
        context = self.context
        row = ActionRow(row=number, reference=reference, title=title)
        written = self.cell(cells, "priority")
        if written:
            row.heading = context.heading_named(written)
            if row.heading is None:
                self.problem(
                    number, "Priority or theme", f"this plan has no priority or theme “{written}”"
                )
        else:
            row.heading = context.heading_of_reference(reference)
            if row.heading is None:
                self.problem(
                    number,
                    "Reference",
                    f"{reference} does not say which priority or theme it is under: fill in "
                    "the “Priority or theme” column",
                )
        heading_title = self.fit(number, "heading", self.cell(cells, "heading") or "")
        if heading_title and row.heading is not None:
            known = {_key(w.title): w.title for w in row.heading.workstreams.all()}
            row.workstream_title = known.get(_key(heading_title), heading_title)
            if _key(heading_title) not in known:
                kind = "p" if isinstance(row.heading, Priority) else "t"
                self.new_headings.setdefault(
                    (kind, row.heading.pk, _key(heading_title)), (row.heading.label, heading_title)
                )
        outcome = self.cell(cells, "desired_outcome")
        if outcome is not None:
            row.desired_outcome = self.fit(number, "desired_outcome", outcome)
        leads = self.cell(cells, "lead_agencies")
        if leads is not None:
            leads = self.fit(number, "lead_agencies", leads)
            row.lead_agencies = []
            for part in _SPLIT_AGENCIES.split(leads):
                name = _BULLET.sub("", part.strip()).strip()
                if not name:
                    continue
                agency = context.agency(name)
                if agency is None:
                    self.problem(number, "Lead agencies", self.unknown_agency(name))
                elif agency not in row.lead_agencies:
                    row.lead_agencies.append(agency)
        lead_text = self.cell(cells, "lead_text")
        if lead_text is not None:
            row.lead_text = self.fit(number, "lead_text", lead_text)
        elif leads is not None:
            row.lead_text = leads[: COLUMN_BY_KEY["lead_text"].max_length]
        linked = self.cell(cells, "linked_to")
        if linked is not None:
            # "Yes": linked, with no group named.
            row.is_linked = bool(linked)
            named = not YES_NO.get(_key(linked))
            row.linked_to = self.fit(number, "linked_to", linked) if named else ""
        funded = self.cell(cells, "grant_funded")
        if funded is not None:
            row.grant_funded = YES_NO.get(_key(funded))
            if row.grant_funded is None:
                self.problem(number, "Grant funded", "enter Yes or No, or leave it blank")
        row.existing = context.existing.get(reference)
        return row

    def unknown_agency(self, name: str) -> str:
        return (
            f"“{name}” is not an agency of {self.plan.partnership.short_name}: use its short "
            "or full name, or add it to the partnership first"
        )

    def milestones(self, number: int, cells: list[str]) -> list[MilestoneRow]:
        descriptions = _lines(self.cell(cells, "milestone") or "")
        timescales = _lines(self.cell(cells, "timescale") or "")
        leads = _lines(self.cell(cells, "milestone_lead") or "")
        if not descriptions:
            if timescales:
                self.problem(number, "Milestone", "enter the milestone, or clear its timescale")
            return []
        if len(timescales) not in (0, 1, len(descriptions)):
            self.problem(
                number,
                "Timescale",
                f"{len(timescales)} timescales for {len(descriptions)} milestones: give one "
                "for each, or one for all of them",
            )
        if len(leads) not in (0, 1, len(descriptions)):
            self.problem(
                number,
                "Milestone lead",
                f"{len(leads)} leads for {len(descriptions)} milestones: give one for each, or "
                "one for all of them",
            )
        out = []
        for i, description in enumerate(descriptions):
            milestone = MilestoneRow(
                row=number,
                description=self.fit(number, "milestone", description),
                timescale=re.sub(r"\s+", " ", self.fit(number, "timescale", _pick(timescales, i))),
            )
            if milestone.timescale:
                milestone.due_label = self.timescale(number, milestone.timescale)
            lead_name = _pick(leads, i)
            if lead_name:
                milestone.lead_text = self.fit(number, "milestone_lead", lead_name)
                milestone.lead = self.context.agency(lead_name)
                if milestone.lead is None:
                    self.problem(number, "Milestone lead", self.unknown_agency(lead_name))
            out.append(milestone)
        return out

    def timescale(self, number: int, timescale: str) -> str:
        plan = self.plan
        parsed = parse_timescale(
            timescale, period_start=plan.period_start, period_end=plan.period_end
        )
        if parsed.kind == TimescaleKind.UNKNOWN:
            self.problem(
                number,
                "Timescale",
                f"“{timescale}” cannot be read: write it like “Sept 23”, “By March 24”, "
                "“Summer 24”, “Quarterly” or “Ongoing”",
            )
        elif outside := is_suspicious(
            parsed, period_start=plan.period_start, period_end=plan.period_end
        ):
            self.problem(number, "Timescale", f"“{timescale}”: {outside}")
        return parsed.label


def _pick(lines: list[str], index: int) -> str:
    """The line for the index-th milestone: its own, or the one line for all of them."""
    if len(lines) > index:
        return lines[index]
    return lines[0] if len(lines) == 1 else ""


def action_import_check(
    *, plan: Plan, table: Table, context: ImportContext | None = None
) -> ImportPreview:
    """Every action and milestone of the table, checked against the plan: each problem
    named by its row and column. Nothing is saved. ``context``: the plan as read once
    before, for checking many tables against a plan that does not change meanwhile."""
    columns, ignored = _columns(table.header)
    missing = [COLUMN_BY_KEY[k].label for k in REQUIRED if k not in columns]
    if missing:
        problem = Problem(
            None,
            "Columns",
            f"The first row must name the columns; “{'” and “'.join(missing)}” is missing. "
            "Download the template to see them",
        )
        return ImportPreview([], [problem], [], ignored, table)
    checker = _Checker(plan=plan, columns=columns, context=context or ImportContext.load(plan))
    actions = checker.actions(table.rows)
    for row in actions:
        if row.existing is not None and row.heading is not None:
            row.change = "unchanged" if _same_action(row, row.existing) else "changed"
    return ImportPreview(
        actions, checker.problems, list(checker.new_headings.values()), ignored, table
    )


# --- the preview's payload ----------------------------------------------------------------


def table_sign(table: Table) -> str:
    """The table, signed, for the confirm form: confirming checks it again and saves it."""
    return signing.dumps(
        {"header": table.header, "rows": table.rows}, salt=PAYLOAD_SALT, compress=True
    )


def table_unsign(payload: str) -> Table:
    try:
        data = signing.loads(payload, salt=PAYLOAD_SALT, max_age=PAYLOAD_MAX_AGE)
    except signing.BadSignature:
        raise ImportRefused(
            "The preview is too old or was changed: upload the file or paste the table again"
        ) from None
    return Table(header=list(data["header"]), rows=[(int(n), list(c)) for n, c in data["rows"]])


# --- saving -------------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    headings_added: int = 0


class ImportHasProblems(Exception):
    def __init__(self, preview: ImportPreview) -> None:
        super().__init__(f"{len(preview.problems)} problems")
        self.preview = preview


@transaction.atomic
def action_import_apply(*, plan: Plan, table: Table, user: User) -> ImportResult:
    """Save the table's actions: new references are added, changed ones changed (their
    text, place, leads and milestones: a milestone is matched by its words; milestones not
    in the table are kept), the rest left alone. Checked again first, under a lock on the
    plan: with any problem nothing is saved (ImportHasProblems)."""
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    preview = action_import_check(plan=plan, table=table)
    if not preview.ok:
        raise ImportHasProblems(preview)
    result = ImportResult(unchanged=preview.unchanged_count)
    workstreams: dict[tuple[str, int, str], Workstream] = {}

    def workstream_for(row: ActionRow) -> Workstream | None:
        if not row.workstream_title or row.heading is None:
            return None
        kind = "p" if isinstance(row.heading, Priority) else "t"
        key = (kind, row.heading.pk, _key(row.workstream_title))
        if key not in workstreams:
            found = next(
                (
                    w
                    for w in row.heading.workstreams.all()
                    if _key(w.title) == _key(row.workstream_title)
                ),
                None,
            )
            if found is None:
                found = workstream_create(parent=row.heading, title=row.workstream_title)
                result.headings_added += 1
            workstreams[key] = found
        return workstreams[key]

    next_order = (max((a.order for a in Action.objects.filter(plan=plan)), default=0)) + 1
    for row in preview.actions:
        if row.change == "unchanged":
            continue
        existing = row.existing
        data = ActionData(
            reference=row.reference,
            title=row.title,
            priority=row.heading if isinstance(row.heading, Priority) else None,
            theme=row.heading if isinstance(row.heading, CrossCuttingTheme) else None,
            workstream=workstream_for(row),
            desired_outcome=row.desired_outcome
            if row.desired_outcome is not None
            else (existing.desired_outcome if existing else ""),
            lead_text=row.lead_text
            if row.lead_text is not None
            else (existing.lead_text if existing else ""),
            lead_agencies=row.lead_agencies
            if row.lead_agencies is not None
            else (list(existing.lead_agencies.all()) if existing else []),
        )
        if row.linked_to is not None:
            data.is_linked, data.linked_to = bool(row.is_linked), row.linked_to
        elif existing is not None:
            data.is_linked, data.linked_to = existing.is_linked, existing.linked_to
        data.is_grant_funded = (
            row.grant_funded
            if row.grant_funded is not None
            else bool(existing and existing.is_grant_funded)
        )
        milestones = [
            MilestoneData(
                description=m.description, timescale=m.timescale, lead=m.lead, lead_text=m.lead_text
            )
            for m in row.milestones
        ]
        if existing is None:
            action_create(plan=plan, data=data, milestones=milestones, order=next_order)
            next_order += 1
            result.created += 1
            continue
        data.supports_themes = list(existing.supports_themes.all())
        action_update(action=existing, data=data, expected_version=existing.lock_version, user=user)
        have = {m.description: m for m in existing.milestones.all()}
        for wanted in milestones:
            milestone: Milestone | None = have.get(wanted.description)
            if milestone is None:
                milestone_create(action=existing, data=wanted)
            elif milestone.timescale != wanted.timescale or not _same_milestone_lead(
                milestone, wanted.lead, wanted.lead_text
            ):
                wanted.done_date = milestone.done_date
                milestone_update(
                    milestone=milestone,
                    data=wanted,
                    expected_version=milestone.lock_version,
                    user=user,
                )
        result.changed += 1
    return result
