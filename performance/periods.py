"""An indicator's reporting periods: quarters or months of the UK financial year.

A quarter is ``Quarter`` (csp_tracker.periods); a month is numbered within its financial
year, 1 April to 12 March, so that both kinds sort and step the same way.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.db import models

from csp_tracker.periods import Quarter, financial_year_label, parse_period


class Frequency(models.TextChoices):
    QUARTERLY = "quarterly", "Quarterly"
    MONTHLY = "monthly", "Monthly"


def _month_of(financial_year: int, number: int) -> tuple[int, int]:
    """(calendar year, month) of month ``number`` of the financial year."""
    month = (number + 2) % 12 + 1
    return (financial_year if month >= 4 else financial_year + 1), month


@dataclass(frozen=True, order=True)
class Period:
    financial_year: int  # 2023 for 2023/24
    number: int  # 1..4 (quarters) or 1..12 (months, 1 = April)
    frequency: str = Frequency.QUARTERLY

    def __post_init__(self) -> None:
        top = 4 if self.frequency == Frequency.QUARTERLY else 12
        if not 1 <= self.number <= top:
            raise ValueError(f"A {self.frequency} period is numbered 1 to {top}")

    @property
    def count(self) -> int:
        return 4 if self.frequency == Frequency.QUARTERLY else 12

    @property
    def label(self) -> str:
        if self.frequency == Frequency.QUARTERLY:
            return str(Quarter(self.financial_year, self.number))
        year, month = _month_of(self.financial_year, self.number)
        return f"{calendar.month_name[month]} {year}"

    @property
    def short_label(self) -> str:
        """For a chart's axis: "Q3 23/24", "Dec 23"."""
        if self.frequency == Frequency.QUARTERLY:
            start, end = self.financial_year % 100, (self.financial_year + 1) % 100
            return f"Q{self.number} {start:02d}/{end:02d}"
        year, month = _month_of(self.financial_year, self.number)
        return f"{calendar.month_abbr[month]} {year % 100:02d}"

    @property
    def start(self) -> date:
        if self.frequency == Frequency.QUARTERLY:
            return Quarter(self.financial_year, self.number).start
        year, month = _month_of(self.financial_year, self.number)
        return date(year, month, 1)

    @property
    def end(self) -> date:
        if self.frequency == Frequency.QUARTERLY:
            return Quarter(self.financial_year, self.number).end
        year, month = _month_of(self.financial_year, self.number)
        return date(year, month, calendar.monthrange(year, month)[1])

    @property
    def next(self) -> "Period":
        if self.number == self.count:
            return Period(self.financial_year + 1, 1, self.frequency)
        return Period(self.financial_year, self.number + 1, self.frequency)

    @property
    def key(self) -> str:
        """For forms and URLs: "2023-3"."""
        return f"{self.financial_year}-{self.number}"

    @classmethod
    def from_key(cls, key: str, frequency: str) -> "Period":
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", key or "")
        if not match:
            raise ValueError(f"Not a period: {key!r}")
        return cls(int(match.group(1)), int(match.group(2)), frequency)

    @classmethod
    def containing(cls, day: date, frequency: str) -> "Period":
        quarter = Quarter.containing(day)
        if frequency == Frequency.QUARTERLY:
            return cls(quarter.financial_year, quarter.number, frequency)
        return cls(quarter.financial_year, (day.month - 4) % 12 + 1, frequency)

    @classmethod
    def last_of(cls, quarter: Quarter, frequency: str) -> "Period":
        """The last period that ends when the quarter ends."""
        return cls.containing(quarter.end, frequency)


def periods_between(first: Period, last: Period) -> list[Period]:
    """Every period from ``first`` to ``last``, both included."""
    out = []
    current = first
    while current <= last:
        out.append(current)
        current = current.next
    return out


_MONTH = re.compile(r"^\s*([A-Za-z]+)\.?\s+(\d{4})\s*$")
_MONTH_NUMBERS = (
    {calendar.month_name[n].lower(): n for n in range(1, 13)}
    | {calendar.month_abbr[n].lower(): n for n in range(1, 13)}
    | {"sept": 9}
)


def baseline_period_label(text: str) -> str:
    """The words of a baseline's period, checked and written the one way: a financial
    year "2022/23", a quarter "2022/23 Q4" or a month "March 2023". ValueError if none."""
    text = (text or "").strip()
    years = parse_period(text)
    if years is not None and years[1] == years[0] + 1:
        return financial_year_label(years[0])
    try:
        return str(Quarter.parse(text))
    except ValueError:
        pass
    match = _MONTH.match(text)
    if match and match.group(1).lower() in _MONTH_NUMBERS:
        number = _MONTH_NUMBERS[match.group(1).lower()]
        return f"{calendar.month_name[number]} {match.group(2)}"
    raise ValueError(f"Not a year, quarter or month: {text!r}")
