"""UK financial years (April to March, written "2023/24") and their quarters.

Q1 April–June, Q2 July–September, Q3 October–December, Q4 January–March.
"""

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TypedDict

from django.utils.dates import MONTHS
from django.utils.translation import get_language

_QUARTER_RE = re.compile(
    r"^\s*(\d{4})\s*/\s*(\d{2})\s*Q([1-4])\s*$|^\s*Q([1-4])\s+(\d{4})\s*/\s*(\d{2})\s*$"
)


def financial_year_of(day: date) -> int:
    """The calendar year in which the financial year holding ``day`` starts."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(start_year: int, end_year: int | None = None) -> str:
    """'2023/24' for one year; '2024-2027' for several, as plans write them."""
    if end_year is None or end_year == start_year + 1:
        return f"{start_year}/{(start_year + 1) % 100:02d}"
    return f"{start_year}-{end_year}"


class PeriodError(ValueError):
    """Years that cannot be read as financial years; the message says what to type."""


PERIOD_HINT = "Enter the years like 2024/25 for one year or 2024-2028 for several"

_YEAR_PAIR = r"(\d{4})\s*/\s*(\d{2}|\d{4})"
_RANGE_WORD = r"(?:-|–|—|\bto\b|\buntil\b)"
_ONE_YEAR = re.compile(rf"^{_YEAR_PAIR}$")
_YEAR_RANGE = re.compile(rf"^(\d{{4}})\s*{_RANGE_WORD}\s*(\d{{4}}|\d{{2}})$", re.IGNORECASE)
_PAIR_RANGE = re.compile(rf"^{_YEAR_PAIR}\s*{_RANGE_WORD}\s*{_YEAR_PAIR}$", re.IGNORECASE)


def _full_year(start: int, written: str) -> int:
    """'27' after 2024 is 2027, '00' after 2099 is 2100; a four-digit year is itself."""
    if len(written) == 4:
        return int(written)
    year = start - start % 100 + int(written)
    return year + 100 if year <= start else year


def _next_year_of(start: int, written: str) -> int:
    """The year a financial year written 'start/written' ends; PeriodError if it is not
    the year after ('2024/26')."""
    end = _full_year(start, written)
    if end != start + 1:
        raise PeriodError(
            f"Enter one financial year like {start}/{(start + 1) % 100:02d}, "
            f"or several like {start}-{end}"
        )
    return end


def parse_period_checked(text: str) -> tuple[int, int]:
    """The financial years a plan covers, as people write them, else PeriodError.

    One year: '2024/25', '2024/2025'. Several: '2024-2027', '2024-27', '2024 to 2027',
    '2024–2027' (an en dash), '2024/25 to 2026/27'. The result is (first year's start,
    last year's end): (2024, 2025) for 2024/25, (2024, 2027) for 2024-2027.
    """
    cleaned = re.sub(r"\s+", " ", (text or "").replace("\u00a0", " ")).strip()
    cleaned = re.sub(r"^(?:fy|financial years?)\s*", "", cleaned, flags=re.IGNORECASE)
    if match := _ONE_YEAR.match(cleaned):
        start = int(match.group(1))
        return start, _next_year_of(start, match.group(2))
    if match := _PAIR_RANGE.match(cleaned):
        start, last = int(match.group(1)), int(match.group(3))
        _next_year_of(start, match.group(2))
        end = _next_year_of(last, match.group(4))
    elif match := _YEAR_RANGE.match(cleaned):
        start = int(match.group(1))
        end = _full_year(start, match.group(2))
    else:
        raise PeriodError(PERIOD_HINT)
    if end <= start:
        raise PeriodError(f"The last year must be after the first, like {start}-{start + 3}")
    return start, end


def parse_period(text: str) -> tuple[int, int] | None:
    """'2024/25' → (2024, 2025); '2024-2028' → (2024, 2028); None if unreadable."""
    try:
        return parse_period_checked(text)
    except PeriodError:
        return None


class DateError(ValueError):
    """A typed date that is not a real date; the message is the GOV.UK one."""


_MONTH_NAMES = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
} | {"sept": 9}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_ORDINAL = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)$", re.IGNORECASE)


def _date_part(token: str) -> tuple[str, int] | None:
    """('number', n) or ('month', n) for a token of a typed date; None for a word."""
    token = token.strip(".").lower()
    if ordinal := _ORDINAL.match(token):
        return "number", int(ordinal.group(1))
    if token.isdigit():
        return "number", int(token)
    if token in _MONTH_NAMES:
        return "month", _MONTH_NAMES[token]
    return None


def parse_uk_date(text: str, *, what: str = "The date") -> date | None:
    """A date as people type it in the UK, with the GOV.UK error messages.

    Accepts '1 April 2024', '1st Apr 2024', '1/4/2024', '01/04/2024', '1 4 2024',
    '1-4-2024', '1.4.2024' and ISO '2024-04-01' (the day first, as the UK writes it).
    Returns None for empty text; raises DateError whose message names ``what``:
    "Effective date must include a year", "Effective date must be a real date",
    "Year must include 4 numbers".
    """
    cleaned = (text or "").replace("\u00a0", " ").strip().rstrip(".")
    if not cleaned:
        return None
    if iso := _ISO_DATE.match(cleaned):
        year, month, day = (int(g) for g in iso.groups())
        return date_from_parts(day=day, month=month, year=str(year), what=what)
    tokens = [t for t in re.split(r"[\s/.,\-]+", cleaned) if t]
    parts = [_date_part(t) for t in tokens]
    known = [part for part in parts if part is not None]
    if not tokens or len(known) != len(tokens) or len(tokens) > 3:
        raise DateError(f"{what} must be a real date, like 1 4 2024")
    kinds = [kind for kind, _ in known]
    if len(tokens) == 3:
        if kinds[:2] == ["month", "number"]:  # "April 1 2024"
            tokens[0], tokens[1] = tokens[1], tokens[0]
            known[0], known[1] = known[1], known[0]
            kinds[0], kinds[1] = kinds[1], kinds[0]
        if kinds[0] == "month" or kinds[2] == "month":
            raise DateError(f"{what} must be a real date, like 1 4 2024")
        return date_from_parts(day=known[0][1], month=known[1][1], year=tokens[2], what=what)
    missing = []
    has_month = "month" in kinds
    has_year = any(kind == "number" and len(t) == 4 for kind, t in zip(kinds, tokens, strict=True))
    numbers = sum(kind == "number" and len(t) < 4 for kind, t in zip(kinds, tokens, strict=True))
    if not numbers or (not has_month and numbers < 2 and has_year):
        missing.append("day")
    if not has_month and numbers < 2:
        missing.append("month")
    if not has_year:
        missing.append("year")
    if not missing:  # e.g. "1 2": read as day and month with no year
        missing.append("year")
    raise DateError(f"{what} must include a {' and '.join(missing)}")


def date_from_parts(*, day: int | str, month: int | str, year: str, what: str = "The date") -> date:
    """The date of a GOV.UK date input's three boxes (day, month, year); the month may be
    typed as a number or a name ("4", "April", "Apr"). Raises DateError with the GOV.UK
    message."""
    year = str(year).strip()
    missing = [
        name
        for name, value in (("day", day), ("month", month), ("year", year))
        if str(value).strip() == ""
    ]
    if missing:
        raise DateError(f"{what} must include a {' and '.join(missing)}")
    month_text = str(month).strip().lower()
    month_number = _MONTH_NAMES.get(month_text.strip("."))
    if month_number is None:
        if not month_text.isdigit():
            raise DateError(f"{what} must be a real date, like 1 4 2024")
        month_number = int(month_text)
    if not year.isdigit() or len(year) != 4:
        raise DateError("Year must include 4 numbers")
    day_text = str(day).strip()
    if not day_text.isdigit():
        raise DateError(f"{what} must be a real date, like 1 4 2024")
    try:
        return date(int(year), month_number, int(day_text))
    except ValueError:
        raise DateError(f"{what} must be a real date, like 1 4 2024") from None


@lru_cache(maxsize=16)
def _month_names(language: str | None) -> dict[int, str]:
    """The months' names in ``language`` (the active one when asked): each of Django's
    lazily translated names looked up once per language, not again for every date."""
    return {number: str(name) for number, name in MONTHS.items()}


def month_name(day: date) -> str:
    """``day``'s month as Django's ``date`` filter names it (``F``) in the active language."""
    return _month_names(get_language())[day.month]


def month_names() -> Mapping[int, str]:
    """Each month's name by its number, as ``month_name`` gives it in the active language:
    for a list of dates, which asks the active language (a dozen calls) once, not per date."""
    return _month_names(get_language())


def format_date(day: date | None) -> str:
    """GOV.UK style: '31 March 2024', as ``{{ day|date:"j F Y" }}`` writes it; put together
    here rather than by Django's DateFormat, which builds an object and looks up each
    letter for every date (an action's page shows dozens)."""
    if day is None:
        return ""
    return f"{day.day} {month_name(day)} {day.year:04d}"


class QuarterColumns(TypedDict):
    """How a row records its quarter (a status update, a report, a reminder…)."""

    financial_year: int
    quarter: int


@dataclass(frozen=True, order=True)
class Quarter:
    financial_year: int  # 2023 for 2023/24
    number: int  # 1..4

    def __post_init__(self) -> None:
        if self.number not in (1, 2, 3, 4):
            raise ValueError(f"Quarter must be 1 to 4, not {self.number}")

    @classmethod
    def containing(cls, day: date) -> "Quarter":
        fy = financial_year_of(day)
        number = ((day.month - 4) % 12) // 3 + 1
        return cls(fy, number)

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        """'2023/24 Q3' or 'Q3 2023/24', as shown to people; also the slug '2023-q3'."""
        slug = re.fullmatch(r"\s*(\d{4})-q([1-4])\s*", text, re.IGNORECASE)
        if slug:
            return cls(int(slug.group(1)), int(slug.group(2)))
        match = _QUARTER_RE.match(text)
        if not match:
            raise ValueError(f"Not a quarter: {text!r}")
        if match.group(1):
            start, short, number = match.group(1), match.group(2), match.group(3)
        else:
            number, start, short = match.group(4), match.group(5), match.group(6)
        if (int(start) + 1) % 100 != int(short):
            raise ValueError(f"Not a financial year: {start}/{short}")
        return cls(int(start), int(number))

    @property
    def start(self) -> date:
        month = 4 + (self.number - 1) * 3
        year = self.financial_year
        if month > 12:
            month -= 12
            year += 1
        return date(year, month, 1)

    @property
    def end(self) -> date:
        start = self.start
        month = start.month + 2
        return date(start.year, month, calendar.monthrange(start.year, month)[1])

    @property
    def previous(self) -> "Quarter":
        if self.number == 1:
            return Quarter(self.financial_year - 1, 4)
        return Quarter(self.financial_year, self.number - 1)

    @property
    def next(self) -> "Quarter":
        if self.number == 4:
            return Quarter(self.financial_year + 1, 1)
        return Quarter(self.financial_year, self.number + 1)

    @property
    def year_label(self) -> str:
        return financial_year_label(self.financial_year)

    @property
    def columns(self) -> QuarterColumns:
        """The quarter as the models that record one store it, ``financial_year`` and
        ``quarter``: to make such a row (``Model(**quarter.columns)``) or find it."""
        return {"financial_year": self.financial_year, "quarter": self.number}

    @property
    def slug(self) -> str:
        return f"{self.financial_year}-q{self.number}"

    @property
    def months_label(self) -> str:
        first = calendar.month_name[self.start.month]
        last = calendar.month_name[self.end.month]
        return f"{first} to {last} {self.end.year}"

    def __str__(self) -> str:
        return f"{self.year_label} Q{self.number}"
