from datetime import date

import pytest

from csp_tracker.periods import (
    DateError,
    PeriodError,
    date_from_parts,
    parse_period,
    parse_period_checked,
    parse_uk_date,
)

# What people write for a plan's financial years, and the years it means: read here by
# the parser, and by the plan form that uses it (tests/plans/test_period_and_date_forms.py).
PERIODS_PEOPLE_WRITE = [
    ("2024/25", (2024, 2025)),
    ("2024/2025", (2024, 2025)),
    ("2024-25", (2024, 2025)),
    (" 2024 / 25 ", (2024, 2025)),
    ("FY 2024/25", (2024, 2025)),
    ("2024-27", (2024, 2027)),
    ("2024-2027", (2024, 2027)),
    ("2024 to 2027", (2024, 2027)),
    ("2024 TO 2027", (2024, 2027)),
    ("2024\u00a0to\u00a02027", (2024, 2027)),
    ("2024-28", (2024, 2028)),
    ("2024–2028", (2024, 2028)),
    ("2024 – 2028", (2024, 2028)),
    ("2024/25 to 2027/28", (2024, 2028)),
    ("2099-2100", (2099, 2100)),
]


@pytest.mark.parametrize(("text", "years"), PERIODS_PEOPLE_WRITE)
def test_periods_people_write(text, years):
    assert parse_period_checked(text) == years
    assert parse_period(text) == years


@pytest.mark.parametrize("text", ["", "2024", "2024/26", "2028-2024", "24/25", "2024-", "x"])
def test_periods_refused(text):
    with pytest.raises(PeriodError):
        parse_period_checked(text)
    assert parse_period(text) is None


@pytest.mark.parametrize(
    "text", ["1 April 2024", "1/4/2024", "1 4 2024", "1-4-2024", "1.4.2024", "April 1 2024"]
)
def test_dates_people_type(text):
    assert parse_uk_date(text) == date(2024, 4, 1)


def test_an_empty_date_is_none_and_parts_are_checked():
    assert parse_uk_date("  ") is None
    assert date_from_parts(day="1", month="Apr", year="2024") == date(2024, 4, 1)
    with pytest.raises(DateError, match=r"^Start date must include a day and month$"):
        date_from_parts(day="", month="", year="2024", what="Start date")
    with pytest.raises(DateError, match=r"^Year must include 4 numbers$"):
        date_from_parts(day="1", month="4", year="24")
