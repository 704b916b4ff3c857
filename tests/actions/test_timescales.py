"""Tests for actions.timescales: pure Python, no database (the seed-coverage test reads the
settings only to know whether it runs in CI)."""

import os
import re
import sys
from datetime import date
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from actions.timescales import (
    ParsedTimescale,
    TimescaleKind,
    format_date,
    is_suspicious,
    parse_timescale,
)

DUE = TimescaleKind.DUE
ONGOING = TimescaleKind.ONGOING
RECURRING = TimescaleKind.RECURRING
AS_REQUIRED = TimescaleKind.AS_REQUIRED
UNKNOWN = TimescaleKind.UNKNOWN

# The Swale plan runs over the 2023/24 financial year.
PLAN_START = date(2023, 4, 1)
PLAN_END = date(2024, 3, 31)

# Every distinct timescale in the "Timescales" column of section "5. Action Plan
# 2023/24" of the Swale Community Safety Plan 2023-24 (one per milestone; cells with
# several milestones separate them with two spaces).
SWALE_TIMESCALES: dict[str, tuple[TimescaleKind, date | None]] = {
    "Ongoing": (ONGOING, None),
    "Quarterly": (RECURRING, None),
    "July 23": (DUE, date(2023, 7, 31)),
    "By March 24": (DUE, date(2024, 3, 31)),
    "Sept 23": (DUE, date(2023, 9, 30)),
    "June 23": (DUE, date(2023, 6, 30)),
    "Summer 23": (DUE, date(2023, 8, 31)),
    "By March 23": (DUE, date(2023, 3, 31)),  # before the plan starts: see is_suspicious
    "As required": (AS_REQUIRED, None),
    "To March 24": (DUE, date(2024, 3, 31)),
    "Jan 24": (DUE, date(2024, 1, 31)),
    "May 23": (DUE, date(2023, 5, 31)),
    "Summer Ongoing": (ONGOING, None),
    "Sept 24": (DUE, date(2024, 9, 30)),  # after the plan ends: see is_suspicious
    "By June 23": (DUE, date(2023, 6, 30)),
    # "March 24" appears only inside the 6.1 cell below; listed for when it is split.
    "March 24": (DUE, date(2024, 3, 31)),
    # Action 6.1 has two milestones but its cell is single-spaced, so it reaches the
    # parser as one string naming two dates. It must not silently pick one.
    "Sept 23 March 24": (UNKNOWN, None),
}


@pytest.mark.parametrize(
    ("text", "kind", "due"),
    [(text, kind, due) for text, (kind, due) in SWALE_TIMESCALES.items()],
)
def test_swale_timescales(text: str, kind: TimescaleKind, due: date | None) -> None:
    parsed = parse_timescale(text, period_start=PLAN_START, period_end=PLAN_END)
    assert parsed.text == text
    assert parsed.kind is kind
    assert parsed.due_date == due
    assert (parsed.due_date is not None) == (parsed.kind is DUE)


@pytest.mark.parametrize(
    ("text", "kind", "due"),
    [(text, kind, due) for text, (kind, due) in SWALE_TIMESCALES.items()],
)
def test_swale_timescales_without_period(text: str, kind: TimescaleKind, due: date | None) -> None:
    """None of the Swale timescales needs the plan period to be understood."""
    parsed = parse_timescale(text)
    assert (parsed.kind, parsed.due_date) == (kind, due)


# The seed documents sit beside the project: <project>/../shared/seeds.
SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


def _swale_plan_file() -> Path:
    """The Swale plan's text; in CI (CSP_REQUIRE_SERVICES or CI set) its absence fails."""
    path = SEEDS / "swale-community-safety-plan-2023-24.txt"
    if not path.is_file():
        from django.conf import settings

        if settings.CSP_REQUIRE_SERVICES or os.environ.get("CI"):
            pytest.fail(f"The seed documents are required here, and {path} is missing")
        pytest.skip(f"The seed documents are not here ({SEEDS})")
    return path


@pytest.mark.parametrize("ci", [{"CSP_REQUIRE_SERVICES": True}, {"CI": "true"}])
def test_missing_seeds_fail_in_ci(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
    ci: dict[str, object],
) -> None:
    monkeypatch.setattr(sys.modules[__name__], "SEEDS", tmp_path / "nowhere")
    monkeypatch.delenv("CI", raising=False)
    settings.CSP_REQUIRE_SERVICES = ci.get("CSP_REQUIRE_SERVICES", False)
    if "CI" in ci:
        monkeypatch.setenv("CI", str(ci["CI"]))
    with pytest.raises(pytest.fail.Exception, match="seed documents are required"):
        _swale_plan_file()


def test_swale_table_is_fully_covered() -> None:
    """Every timescale in the plan's action table is listed in SWALE_TIMESCALES."""
    path = _swale_plan_file()
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("## 5. Action Plan"))
    found: set[str] = set()
    for line in lines[start + 1 :]:
        if line.startswith("## "):
            break
        cells = line.split("\t")
        if len(cells) == 6 and cells[4].strip() and cells[4].strip() != "Timescales":
            found.update(t.strip() for t in re.split(r"\s{2,}", cells[4]) if t.strip())
    assert found, "no timescales found in the action plan table"
    assert found <= set(SWALE_TIMESCALES), found - set(SWALE_TIMESCALES)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("July 23", "Due by 31 July 2023"),
        ("By March 24", "Due by 31 March 2024"),
        ("01/04/2023", "Due by 1 April 2023"),
        ("Ongoing", "Ongoing"),
        ("Summer Ongoing", "Ongoing"),
        ("Quarterly", "Every quarter"),
        ("Monthly", "Every month"),
        ("Annually", "Every year"),
        ("Bi-annually", "Twice a year"),
        ("Six-monthly", "Every six months"),
        ("Weekly", "Every week"),
        ("As required", "As required"),
        ("Whenever", "Not understood"),
        ("", "No timescale given"),
    ],
)
def test_labels(text: str, label: str) -> None:
    assert parse_timescale(text).label == label


def test_format_date_has_no_leading_zero() -> None:
    assert format_date(date(2023, 7, 1)) == "1 July 2023"
    assert format_date(date(2024, 12, 31)) == "31 December 2024"


def test_result_is_frozen_and_kind_is_a_short_string() -> None:
    parsed = parse_timescale("July 23")
    assert isinstance(parsed, ParsedTimescale)
    with pytest.raises(AttributeError):
        parsed.kind = ONGOING  # type: ignore[misc]  # the test: a frozen dataclass refuses it
    assert parsed.kind == "due"
    assert all(len(kind.value) <= 16 for kind in TimescaleKind)


# --------------------------------------------------------------------- due dates

# Each text read as a due date, with that date, grouped by how the date is written.
DUE_DATES: list[tuple[str, date]] = [
    # month + year
    ("January 24", date(2024, 1, 31)),
    ("Feb 23", date(2023, 2, 28)),
    ("Feb 24", date(2024, 2, 29)),  # leap year
    ("February 2028", date(2028, 2, 29)),
    ("Feb 2100", date(2100, 2, 28)),  # century, not a leap year
    ("Feb 2000", date(2000, 2, 29)),  # 400-year rule: a leap year
    ("Apr 24", date(2024, 4, 30)),
    ("Sep 23", date(2023, 9, 30)),
    ("Sept 23", date(2023, 9, 30)),
    ("Sept. 23", date(2023, 9, 30)),
    ("September 23", date(2023, 9, 30)),
    ("September 2023", date(2023, 9, 30)),
    ("Dec 23", date(2023, 12, 31)),
    ("Mar-24", date(2024, 3, 31)),
    ("March '24", date(2024, 3, 31)),
    ("March \u201924", date(2024, 3, 31)),
    ("march, 2024", date(2024, 3, 31)),
    ("JULY 23", date(2023, 7, 31)),
    ("  july   23.  ", date(2023, 7, 31)),
    ("July\u00a023", date(2023, 7, 31)),
    # prefixes are ignored
    *(
        (text, date(2024, 3, 31))
        for text in [
            "By March 24",
            "by march 24",
            "To March 24",
            "End of March 2024",
            "end of March 24.",
            "By the end of March 2024",
            "By end of March 24",
            "Before March 24",
            "Due March 24",
            "Due by March 24",
            "Until March 24",
            "By: March 24",
        ]
    ),
    # seasons
    ("Spring 24", date(2024, 5, 31)),
    ("Summer 23", date(2023, 8, 31)),
    ("Summer 2023", date(2023, 8, 31)),
    ("By Summer 23", date(2023, 8, 31)),
    ("Autumn 23", date(2023, 11, 30)),
    ("Winter 23", date(2024, 2, 29)),  # the winter that ends in a leap February
    ("Winter 24", date(2025, 2, 28)),
    ("Winter 2023/24", date(2024, 2, 29)),
    ("Winter 23/24", date(2024, 2, 29)),
    # plain dates
    ("31/03/2024", date(2024, 3, 31)),
    ("1/4/2023", date(2023, 4, 1)),
    ("01/04/23", date(2023, 4, 1)),
    ("05/06/2023", date(2023, 6, 5)),  # UK order: 5 June, not 6 May
    ("29/02/2024", date(2024, 2, 29)),
    ("31.03.2024", date(2024, 3, 31)),
    ("31-03-2024", date(2024, 3, 31)),
    ("By 31/03/2024", date(2024, 3, 31)),
    ("2024-03-31", date(2024, 3, 31)),
    ("2023-4-1", date(2023, 4, 1)),
    ("31 March 2024", date(2024, 3, 31)),
    ("31st March 2024", date(2024, 3, 31)),
    ("1st of April 2023", date(2023, 4, 1)),
    ("31 Mar 24", date(2024, 3, 31)),
    ("31-Mar-24", date(2024, 3, 31)),
    # financial years, quarters and years
    ("Q1 2023/24", date(2023, 6, 30)),
    ("Q2 2023/24", date(2023, 9, 30)),
    ("Q3 2023/24", date(2023, 12, 31)),
    ("Q4 2023/24", date(2024, 3, 31)),
    ("q3 23/24", date(2023, 12, 31)),
    ("Q3 2023-24", date(2023, 12, 31)),
    ("Q3 2023/2024", date(2023, 12, 31)),
    ("Q3 FY23/24", date(2023, 12, 31)),
    ("Quarter 2 2024/25", date(2024, 9, 30)),
    ("By Q4 2023/24", date(2024, 3, 31)),
    ("2023/24 Q2", date(2023, 9, 30)),
    ("Q4 2099/00", date(2100, 3, 31)),  # the century rolls over
    ("2023/24", date(2024, 3, 31)),
    ("By end of 2023/24", date(2024, 3, 31)),
    ("2023-24", date(2024, 3, 31)),
    ("23/24", date(2024, 3, 31)),
    ("2024", date(2024, 12, 31)),
    ("By 2025", date(2025, 12, 31)),
]

# Texts that name no year: the date is the first such one within the plan period.
DUE_WITHIN_PLAN: list[tuple[str, date]] = [
    ("July", date(2023, 7, 31)),
    ("By July", date(2023, 7, 31)),
    ("April", date(2023, 4, 30)),
    ("December", date(2023, 12, 31)),
    ("January", date(2024, 1, 31)),
    ("Feb", date(2024, 2, 29)),
    ("End of March", date(2024, 3, 31)),
    ("Summer", date(2023, 8, 31)),
    ("Winter", date(2024, 2, 29)),
    ("Q1", date(2023, 6, 30)),
    ("Q4", date(2024, 3, 31)),
]
IN_PLAN = {"period_start": PLAN_START, "period_end": PLAN_END}


@pytest.mark.parametrize(
    ("text", "due", "period"),
    [(text, due, {}) for text, due in DUE_DATES]
    + [(text, due, IN_PLAN) for text, due in DUE_WITHIN_PLAN],
)
def test_due_dates(text: str, due: date, period: dict[str, date]) -> None:
    parsed = parse_timescale(text, **period)
    assert parsed.kind is DUE
    assert parsed.due_date == due


def test_text_is_kept_as_written_but_stripped() -> None:
    assert parse_timescale("  By March 24.  ").text == "By March 24."


def test_season_with_financial_year_other_than_winter_is_unknown() -> None:
    # Summer of 2023/24 could only mean summer 2023, but spring is ambiguous; keep it simple.
    assert parse_timescale("Spring 2023/24").kind is UNKNOWN


# ------------------------------------------------------------- no due date

# Each text read as having no due date: (text, kind, label, plan period given?).
UNDATED: list[tuple[str, TimescaleKind, str, bool]] = [
    *(
        (text, ONGOING, "Ongoing", False)
        for text in [
            "Ongoing",
            "ongoing.",
            "ONGOING",
            "On-going",
            "Summer Ongoing",
            "Ongoing from July 23",
            "Ongoing until March 24",
            "Continuous",
            "Continuing",
        ]
    ),
    *(
        (text, RECURRING, label, False)
        for text, label in [
            ("Quarterly", "Every quarter"),
            ("quarterly.", "Every quarter"),
            ("Every quarter", "Every quarter"),
            ("Monthly", "Every month"),
            ("Annually", "Every year"),
            ("Annual", "Every year"),
            ("Yearly", "Every year"),
            ("Bi-annually", "Twice a year"),
            ("Biannually", "Twice a year"),
            ("Bi annually", "Twice a year"),
            ("Six-monthly", "Every six months"),
            ("Six monthly", "Every six months"),
            ("6-monthly", "Every six months"),
            ("Half-yearly", "Every six months"),
            ("Weekly", "Every week"),
            ("Fortnightly", "Every two weeks"),
            ("Termly", "Every school term"),
        ]
    ),
    *(
        (text, AS_REQUIRED, "As required", False)
        for text in [
            "As required",
            "as required.",
            "AS REQUIRED",
            "As needed",
            "When required",
            "As and when",
        ]
    ),
    *(
        (text, UNKNOWN, "Not understood", False)
        for text in [
            # invalid dates
            "31/02/2024",  # no such day
            "29/02/2023",  # not a leap year
            "31/04/2024",
            "00/01/2024",
            "12/13/2024",  # US order is not accepted
            "2024-02-30",
            "2024-13-01",
            "31/03/1066",  # implausible year
            "32 March 2024",
            "31/03-2024",  # mixed separators
            # bad quarters
            "Q5 2023/24",
            "Q0 2023/24",
            "Q3 2023/25",  # not consecutive years
            "Q3 2023",  # calendar or financial quarter? ambiguous
            "2023/25",
            "24/23",
            "Q3",  # no year and no period
            # no year and no period
            "July",
            "By July",
            "Summer",
            "Q2",
        ]
    ),
    # words not understood even within the plan period
    *(
        (text, UNKNOWN, "Not understood", True)
        for text in [
            "TBC",
            "tbc",
            "N/A",
            "Whenever",
            "Soon",
            "ASAP",
            "Next year",
            "Sept 23 March 24",
            "June 23 / Sept 23",
            "Sept 23 to March 24",
            "Mid 2024",
            "Julember 23",
            "23",
            "July 123",
            "By",
            "End of",
            "The end",
        ]
    ),
    *(
        (text, UNKNOWN, "No timescale given", False)
        for text in ["", "   ", "\t\n", ".", " . ", "-", "\u2013", "\u200b"]
    ),
]


@pytest.mark.parametrize(("text", "kind", "label", "in_plan"), UNDATED)
def test_undated(text: str, kind: TimescaleKind, label: str, in_plan: bool) -> None:
    parsed = parse_timescale(text, **(IN_PLAN if in_plan else {}))
    assert parsed.kind is kind
    assert parsed.due_date is None
    assert parsed.label == label
    assert parsed.text == text.strip()


# --------------------------------------------------- no year: use the plan period


def test_no_year_uses_first_month_end_in_a_longer_period() -> None:
    parsed = parse_timescale("July", period_start=date(2023, 4, 1), period_end=date(2026, 3, 31))
    assert parsed.due_date == date(2023, 7, 31)


def test_no_year_period_starting_mid_month_includes_that_month_end() -> None:
    parsed = parse_timescale("July", period_start=date(2023, 7, 15), period_end=date(2024, 7, 14))
    assert parsed.due_date == date(2023, 7, 31)


def test_no_year_with_only_one_bound() -> None:
    assert parse_timescale("July", period_start=PLAN_START).due_date == date(2023, 7, 31)
    assert parse_timescale("July", period_end=PLAN_END).due_date == date(2023, 7, 31)
    assert parse_timescale("May", period_end=date(2024, 3, 31)).due_date == date(2023, 5, 31)


def test_no_year_month_outside_short_period_is_unknown() -> None:
    parsed = parse_timescale("July", period_start=date(2023, 9, 1), period_end=date(2023, 12, 31))
    assert parsed.kind is UNKNOWN
    assert parsed.due_date is None


def test_year_given_ignores_period() -> None:
    parsed = parse_timescale("July 25", period_start=PLAN_START, period_end=PLAN_END)
    assert parsed.due_date == date(2025, 7, 31)


# ------------------------------------------------------------------ is_suspicious


def _suspicion(text: str) -> str | None:
    parsed = parse_timescale(text, period_start=PLAN_START, period_end=PLAN_END)
    return is_suspicious(parsed, period_start=PLAN_START, period_end=PLAN_END)


def test_due_before_plan_starts_is_suspicious() -> None:
    assert _suspicion("By March 23") == "Due 31 March 2023, before the plan starts on 1 April 2023"


def test_due_after_plan_ends_is_suspicious() -> None:
    assert _suspicion("Sept 24") == "Due 30 September 2024, after the plan ends on 31 March 2024"


@pytest.mark.parametrize(
    "text",
    [
        "July 23",
        "By March 24",  # the last day of the plan
        "01/04/2023",  # the first day of the plan
        "Summer 23",
        "Q3 2023/24",
        "Ongoing",
        "Quarterly",
        "As required",
        "Whatever",
        "",
    ],
)
def test_not_suspicious(text: str) -> None:
    assert _suspicion(text) is None


def test_suspicious_at_the_edges() -> None:
    assert _suspicion("31/03/2023") is not None
    assert _suspicion("01/04/2024") is not None


@pytest.mark.parametrize(
    ("text", "suspicious"),
    [
        (text, due is not None and not PLAN_START <= due <= PLAN_END)
        for text, (_kind, due) in SWALE_TIMESCALES.items()
    ],
)
def test_swale_suspicious(text: str, suspicious: bool) -> None:
    assert (_suspicion(text) is not None) is suspicious


# -------------------------------------------------------------- never raises

ODD_STRINGS = [
    "",
    " ",
    "\x00",
    "\ufeffJuly 23",
    "July 23\u200b",
    "\u00e9t\u00e9 23",
    "\u0e01\u0e23\u0e01\u0e0e\u0e32\u0e04\u0e21",
    "\U0001f4c5 March 24",
    "\u0663\u0661/\u0660\u0663/\u0662\u0660\u0662\u0664",  # Arabic-Indic digits
    "\uff2a\uff55\uff4c\uff59 \uff12\uff13",  # full-width "July 23"
    "0",
    "00",
    "0000",
    "9999",
    "99999999999999999999999999999999",
    "1" * 10_000,
    "July " * 10_000,
    "ongoing " * 10_000,
    "By " * 5_000,
    "31/12/9999",
    "01/01/0001",
    "0001-01-01",
    "9999-12-31",
    "Winter 9999",
    "Winter 2999",
    "Q4 9999/00",
    "Q4 2999/00",
    "2999/3000",
    "July 00",
    "Feb 00",
    "//",
    "--",
    "'",
    "''''",
    "Q",
    "q9",
    "31/",
    "/03/2024",
    "(((((((((",
    "[a-z]*",
    ".*+?",
    "\\d{4}",
    "None",
    "null",
    "\n\n\nJuly\n23\n\n",
    "March\t24",
    "%s %d {0}",
]


@pytest.mark.parametrize("text", ODD_STRINGS, ids=range(len(ODD_STRINGS)))
def test_never_raises(text: str) -> None:
    for period in [
        {},
        {"period_start": PLAN_START, "period_end": PLAN_END},
        {"period_start": date.min, "period_end": date.max},
        {"period_start": date.max, "period_end": date.min},
        {"period_start": date.max},
        {"period_end": date.min},
    ]:
        parsed = parse_timescale(text, **period)
        assert isinstance(parsed, ParsedTimescale)
        assert parsed.text == text.strip()
        assert parsed.kind in TimescaleKind
        assert (parsed.due_date is None) == (parsed.kind is not DUE)
        assert parsed.label
        is_suspicious(parsed, period_start=PLAN_START, period_end=PLAN_END)


def test_unusual_but_sensible_inputs() -> None:
    assert parse_timescale("\ufeffJuly 23").due_date == date(2023, 7, 31)
    assert parse_timescale("\uff2a\uff55\uff4c\uff59 \uff12\uff13").due_date == date(2023, 7, 31)
    assert parse_timescale("\n\n\nJuly\n23\n\n").due_date == date(2023, 7, 31)
    assert parse_timescale("March\t24").due_date == date(2024, 3, 31)
    assert parse_timescale("ongoing " * 10_000).kind is ONGOING
    assert parse_timescale("1" * 10_000).kind is UNKNOWN
