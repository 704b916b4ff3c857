"""Parse the free-text timescales written against action plan milestones.

Action plans give milestone timescales as words ("Ongoing", "Quarterly", "Sept 23",
"By March 24", "Summer 23", "31/03/2024", "Q3 2023/24" ...). The words are kept as
written; where they name a point in time we derive a due date so that "overdue" can
be computed.

This module is pure Python (no Django imports) so it can be used from models, forms,
importers and tests alike. :func:`parse_timescale` never raises on any string.

Rules, in the order they are applied to the normalised text:

* empty text -> UNKNOWN;
* any text containing "ongoing" (also "continuous", "continual", "continuing")
  -> ONGOING, no date ("Summer Ongoing" is ONGOING);
* "Quarterly", "Monthly", "Annually", "Bi-annually", "Six-monthly", "Weekly" ...
  -> RECURRING, no date;
* "As required", "As needed", "When required" ... -> AS_REQUIRED, no date;
* otherwise leading "By", "To", "End of", "Before", "Due", "Until" ... are ignored
  and the rest is read as a date:

  - ``d/m/yyyy``, ``dd/mm/yy`` (UK order; "." or "-" also accepted) or ISO
    ``yyyy-mm-dd`` -> that date;
  - "31 March 2024", "31st Mar 24" -> that date;
  - a month (full name, 3-letter abbreviation or "Sept") with a two- or four-digit
    year -> last day of that month ("Feb 24" -> 29 February 2024);
  - a season with a year -> last day of the season's last month (Spring -> 31 May,
    Summer -> 31 August, Autumn -> 30 November, Winter -> end of February of the
    following year, so "Winter 23" -> 29 February 2024; "Winter 2023/24" -> 29
    February 2024);
  - "Q1 2023/24" ... "Q4 2023/24" -> last day of that quarter of the UK financial
    year (April to March);
  - a financial year alone ("2023/24") -> 31 March at its end;
  - a year alone ("2024") -> 31 December of that year;
  - a month, season or quarter with no year ("July", "By Summer", "Q3") -> the first
    matching end date inside ``period_start..period_end`` if a period is given,
    else UNKNOWN;

* anything else -> UNKNOWN, no date.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from csp_tracker.periods import format_date

__all__ = [
    "ParsedTimescale",
    "TimescaleKind",
    "format_date",
    "is_suspicious",
    "parse_timescale",
]


class TimescaleKind(StrEnum):
    """What sort of timescale the words describe (stored as a string, max 16 chars)."""

    DUE = "due"
    ONGOING = "ongoing"
    RECURRING = "recurring"
    AS_REQUIRED = "as_required"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ParsedTimescale:
    """The result of reading a timescale: the words as written plus what they mean."""

    text: str
    kind: TimescaleKind
    due_date: date | None
    label: str


# --------------------------------------------------------------------------- labels

LABEL_ONGOING = "Ongoing"
LABEL_AS_REQUIRED = "As required"
LABEL_UNKNOWN = "Not understood"
LABEL_EMPTY = "No timescale given"


def _due_label(d: date) -> str:
    return f"Due by {format_date(d)}"


# ------------------------------------------------------------------- vocabularies

_MONTHS: dict[str, int] = {}
for _number, _name in enumerate(calendar.month_name):
    if _number:
        _MONTHS[_name.lower()] = _number
        _MONTHS[_name[:3].lower()] = _number
_MONTHS["sept"] = 9
_MONTHS["febuary"] = 2  # a common misspelling

# Season -> (month the season ends in, years after the named year it ends in).
_SEASONS: dict[str, tuple[int, int]] = {
    "spring": (5, 0),
    "summer": (8, 0),
    "autumn": (11, 0),
    "fall": (11, 0),
    "winter": (2, 1),
}

# Normalised words (hyphens read as spaces) -> plain-English label.
_RECURRING: dict[str, str] = {
    "daily": "Every day",
    "every day": "Every day",
    "weekly": "Every week",
    "every week": "Every week",
    "each week": "Every week",
    "fortnightly": "Every two weeks",
    "every fortnight": "Every two weeks",
    "every two weeks": "Every two weeks",
    "every 2 weeks": "Every two weeks",
    "monthly": "Every month",
    "every month": "Every month",
    "each month": "Every month",
    "quarterly": "Every quarter",
    "every quarter": "Every quarter",
    "each quarter": "Every quarter",
    "termly": "Every school term",
    "every term": "Every school term",
    "each term": "Every school term",
    "six monthly": "Every six months",
    "6 monthly": "Every six months",
    "every six months": "Every six months",
    "every 6 months": "Every six months",
    "half yearly": "Every six months",
    "bi annually": "Twice a year",
    "biannually": "Twice a year",
    "bi annual": "Twice a year",
    "biannual": "Twice a year",
    "twice yearly": "Twice a year",
    "twice a year": "Twice a year",
    "annually": "Every year",
    "annual": "Every year",
    "yearly": "Every year",
    "every year": "Every year",
    "each year": "Every year",
}

_AS_REQUIRED: frozenset[str] = frozenset(
    {
        "as required",
        "as needed",
        "as necessary",
        "as and when",
        "as and when required",
        "as and when needed",
        "when required",
        "when needed",
        "when necessary",
        "if required",
        "if needed",
        "where required",
        "where needed",
        "as appropriate",
    }
)

# Leading words that do not change the date ("By March 24", "To the end of July 23").
_IGNORED_PREFIX_WORDS: frozenset[str] = frozenset(
    {"by", "to", "before", "due", "until", "till", "end", "the", "of", "in", "during"}
)

_ONGOING_RE = re.compile(r"on[ -]?going|\bcontinu(?:ous|al|ing)(?:ly)?\b")

# Dates are only looked for in short texts; nothing sensible is longer than this.
_MAX_DATE_TEXT = 80


# ---------------------------------------------------------------------- patterns


def _alternation(words: Iterable[str]) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_MONTH = rf"(?P<month>{_alternation(_MONTHS)})\.?"
_SEASON = rf"(?P<season>{_alternation(_SEASONS)})"
_YEAR = r"'?(?P<year>[0-9]{4}|[0-9]{2})"
# A financial year: 2023/24, 23/24, 2023-24, 2023/2024, FY23/24.
_FY = r"(?:fy ?)?(?P<fy1>[0-9]{4}|[0-9]{2}) ?[/-] ?(?P<fy2>[0-9]{4}|[0-9]{2})"
_QUARTER = r"(?:q|quarter ?)(?P<quarter>[1-4])"
_SEP = r"[ ,/-]*"

_ISO_RE = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})")
_UK_NUMERIC_RE = re.compile(
    r"(?P<day>[0-9]{1,2})(?P<sep>[/.-])(?P<month>[0-9]{1,2})(?P=sep)(?P<year>[0-9]{4}|[0-9]{2})"
)
_DAY_MONTH_YEAR_RE = re.compile(
    rf"(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?[ -](?:of )?{_MONTH}{_SEP}{_YEAR}"
)
_MONTH_YEAR_RE = re.compile(rf"{_MONTH}{_SEP}{_YEAR}")
_SEASON_FY_RE = re.compile(rf"{_SEASON}{_SEP}{_FY}")
_SEASON_YEAR_RE = re.compile(rf"{_SEASON}{_SEP}{_YEAR}")
_QUARTER_FY_RE = re.compile(rf"{_QUARTER}{_SEP}(?:of )?{_FY}")
_FY_QUARTER_RE = re.compile(rf"{_FY}{_SEP}{_QUARTER}")
_FY_RE = re.compile(_FY)
_YEAR_RE = re.compile(r"(?P<year>[0-9]{4})")
_MONTH_ONLY_RE = re.compile(_MONTH)
_SEASON_ONLY_RE = re.compile(_SEASON)
_QUARTER_ONLY_RE = re.compile(_QUARTER)

_MIN_YEAR = 1900
_MAX_YEAR = 2999


# ----------------------------------------------------------------------- helpers


def _normalise(text: str) -> str:
    """Lower-case, single-spaced, plain-ASCII punctuation, no trailing full stops."""
    s = unicodedata.normalize("NFKC", text)
    # Drop invisible format characters (byte-order marks, zero-width spaces ...).
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Cf")
    s = s.replace("\u2019", "'").replace("\u2018", "'")
    s = re.sub(r"[\u2010-\u2015\u2212]", "-", s)
    s = " ".join(s.split()).casefold()
    s = s.rstrip(" .,;:!")
    s = s.lstrip(" -\u2022*\u00b7")
    # "By : March 24" -> "by march 24"; tidy spaces left around removed punctuation.
    return " ".join(s.split())


def _strip_prefixes(s: str) -> str:
    words = s.split(" ")
    i = 0
    while i < len(words) and words[i].rstrip(":") in _IGNORED_PREFIX_WORDS:
        i += 1
    return " ".join(words[i:])


def _year(raw: str) -> int | None:
    """A two-digit year is 20yy; a four-digit year must be plausible."""
    value = int(raw)
    if len(raw) == 2:
        return 2000 + value
    if _MIN_YEAR <= value <= _MAX_YEAR:
        return value
    return None


def _financial_year_start(first: str, second: str) -> int | None:
    """The calendar year a financial year "first/second" starts in, if consistent."""
    start = _year(first)
    end = _year(second)
    if start is None or end is None:
        return None
    if len(second) == 2:
        if end % 100 != (start + 1) % 100:
            return None
    elif end != start + 1:
        return None
    return start


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_end(year: int, month: int) -> date | None:
    if not 1 <= month <= 12 or not 1 <= year <= 9999:
        return None
    return date(year, month, calendar.monthrange(year, month)[1])


def _season_end(season: str, year: int) -> date | None:
    month, offset = _SEASONS[season]
    return _month_end(year + offset, month)


def _quarter_end(quarter: int, fy_start: int) -> date | None:
    """Last day of quarter 1-4 of the UK financial year starting 1 April fy_start."""
    month = 3 + 3 * quarter  # Q1 -> 6, Q2 -> 9, Q3 -> 12, Q4 -> 15 (March next year)
    year = fy_start
    if month > 12:
        month -= 12
        year += 1
    return _month_end(year, month)


def _within_period(
    end_for_year: Callable[[int], date | None],
    period_start: date | None,
    period_end: date | None,
) -> date | None:
    """The first end date inside the period (or nearest to the single bound given)."""
    if period_start is None and period_end is None:
        return None
    first_year = (period_start or period_end or date.min).year - 2
    last_year = (period_end or period_start or date.min).year + 2
    years = range(first_year, last_year + 1)
    candidates = [d for y in years if (d := end_for_year(y)) is not None]
    if period_start is not None:
        candidates = [d for d in candidates if d >= period_start]
    if period_end is not None:
        candidates = [d for d in candidates if d <= period_end]
    if not candidates:
        return None
    return min(candidates) if period_start is not None else max(candidates)


def _parse_date(s: str, period_start: date | None, period_end: date | None) -> date | None:
    """Read a due date from normalised text with its prefixes already removed."""
    if not s or len(s) > _MAX_DATE_TEXT:
        return None

    if m := _ISO_RE.fullmatch(s):
        year = _year(m["year"])
        return None if year is None else _safe_date(year, int(m["month"]), int(m["day"]))

    if m := _UK_NUMERIC_RE.fullmatch(s):
        year = _year(m["year"])
        return None if year is None else _safe_date(year, int(m["month"]), int(m["day"]))

    if m := _DAY_MONTH_YEAR_RE.fullmatch(s):
        year = _year(m["year"])
        return None if year is None else _safe_date(year, _MONTHS[m["month"]], int(m["day"]))

    if m := _MONTH_YEAR_RE.fullmatch(s):
        year = _year(m["year"])
        return None if year is None else _month_end(year, _MONTHS[m["month"]])

    if m := _SEASON_FY_RE.fullmatch(s):
        # "Winter 2023/24" is the winter that ends in February 2024. For the other
        # seasons a financial year does not say which calendar year is meant.
        start = _financial_year_start(m["fy1"], m["fy2"])
        if start is None or m["season"] != "winter":
            return None
        return _season_end("winter", start)

    if m := _SEASON_YEAR_RE.fullmatch(s):
        year = _year(m["year"])
        return None if year is None else _season_end(m["season"], year)

    if (m := _QUARTER_FY_RE.fullmatch(s)) or (m := _FY_QUARTER_RE.fullmatch(s)):
        start = _financial_year_start(m["fy1"], m["fy2"])
        return None if start is None else _quarter_end(int(m["quarter"]), start)

    if m := _FY_RE.fullmatch(s):
        start = _financial_year_start(m["fy1"], m["fy2"])
        return None if start is None else _month_end(start + 1, 3)

    if m := _YEAR_RE.fullmatch(s):
        year = _year(m["year"])
        return None if year is None else _month_end(year, 12)

    if m := _MONTH_ONLY_RE.fullmatch(s):
        month = _MONTHS[m["month"]]
        return _within_period(lambda y: _month_end(y, month), period_start, period_end)

    if m := _SEASON_ONLY_RE.fullmatch(s):
        season = m["season"]
        return _within_period(lambda y: _season_end(season, y), period_start, period_end)

    if m := _QUARTER_ONLY_RE.fullmatch(s):
        quarter = int(m["quarter"])
        return _within_period(lambda y: _quarter_end(quarter, y), period_start, period_end)

    return None


# -------------------------------------------------------------------------- API


def parse_timescale(
    text: str,
    *,
    period_start: date | None = None,
    period_end: date | None = None,
) -> ParsedTimescale:
    """Read a milestone timescale as written in an action plan.

    ``period_start``/``period_end`` (the plan period) are only used to place a month,
    season or quarter written without a year. Never raises: words that cannot be read
    give ``TimescaleKind.UNKNOWN`` with no due date.
    """
    if not isinstance(text, str):  # defensive: callers may pass None from a blank cell
        text = ""
    written = text.strip()
    try:
        return _parse(written, period_start, period_end)
    except Exception:  # pragma: no cover - belt and braces; the rules above should not raise
        return ParsedTimescale(written, TimescaleKind.UNKNOWN, None, LABEL_UNKNOWN)


def _parse(written: str, period_start: date | None, period_end: date | None) -> ParsedTimescale:
    s = _normalise(written)
    if not s:
        return ParsedTimescale(written, TimescaleKind.UNKNOWN, None, LABEL_EMPTY)

    if _ONGOING_RE.search(s):
        return ParsedTimescale(written, TimescaleKind.ONGOING, None, LABEL_ONGOING)

    words = s.replace("-", " ")
    words = " ".join(words.split())
    if label := _RECURRING.get(words):
        return ParsedTimescale(written, TimescaleKind.RECURRING, None, label)
    if words in _AS_REQUIRED:
        return ParsedTimescale(written, TimescaleKind.AS_REQUIRED, None, LABEL_AS_REQUIRED)

    due = _parse_date(_strip_prefixes(s), period_start, period_end)
    if due is not None:
        return ParsedTimescale(written, TimescaleKind.DUE, due, _due_label(due))

    return ParsedTimescale(written, TimescaleKind.UNKNOWN, None, LABEL_UNKNOWN)


def is_suspicious(parsed: ParsedTimescale, *, period_start: date, period_end: date) -> str | None:
    """Say why a due date looks wrong for the plan period, or ``None`` if it looks fine.

    A due date before the plan starts or after it ends is suspicious (for example
    "By March 23" in a 2023/24 plan is probably a typo for "By March 24").
    """
    due = parsed.due_date
    if due is None:
        return None
    if due < period_start:
        return f"Due {format_date(due)}, before the plan starts on {format_date(period_start)}"
    if due > period_end:
        return f"Due {format_date(due)}, after the plan ends on {format_date(period_end)}"
    return None
