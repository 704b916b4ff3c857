"""UK financial years (April to March, written "2023/24") and their quarters.

Q1 April–June, Q2 July–September, Q3 October–December, Q4 January–March.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.utils.dateformat import format as date_format

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


_PERIOD = re.compile(r"^\s*(\d{4})\s*(?:/\s*(\d{2})|-\s*(\d{4}))\s*$")


def parse_period(text: str) -> tuple[int, int] | None:
    """'2024/25' → (2024, 2025); '2024-2028' → (2024, 2028); None if neither."""
    match = _PERIOD.match(text or "")
    if not match:
        return None
    start = int(match.group(1))
    if match.group(2):
        if (start + 1) % 100 != int(match.group(2)):
            return None
        return start, start + 1
    end = int(match.group(3))
    return (start, end) if end > start else None


def format_date(day: date | None) -> str:
    """GOV.UK style: '31 March 2024'."""
    if day is None:
        return ""
    return date_format(day, "j F Y")


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
    def slug(self) -> str:
        return f"{self.financial_year}-q{self.number}"

    @property
    def months_label(self) -> str:
        first = calendar.month_name[self.start.month]
        last = calendar.month_name[self.end.month]
        return f"{first} to {last} {self.end.year}"

    def __str__(self) -> str:
        return f"{self.year_label} Q{self.number}"
