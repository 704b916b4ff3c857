"""A partnership's reporting calendar as dates: when each round's updates are due, until
when a late update still counts, and when its exception report is built.

The one place that knows the rounds: the beat's daily sweeps (building reports, chasing
updates) and the pages ask here, and nothing else assumes quarter ends. A round reports
on the quarter its due date falls in (updates are recorded by quarter).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from csp_tracker.periods import Quarter, financial_year_of
from reporting.models import CalendarDate, ReportingCalendar


@dataclass(frozen=True)
class CalendarRules:
    due_rule: str = ReportingCalendar.DueRule.QUARTER_ENDS
    grace_days: int = 4
    build_rule: str = ReportingCalendar.BuildRule.AFTER_DUE
    build_days: int = 5
    due_dates: tuple[date, ...] = field(default=())
    meetings: tuple[date, ...] = field(default=())

    @classmethod
    def of(cls, calendar: ReportingCalendar, dates: Iterable[CalendarDate]) -> "CalendarRules":
        rows = list(dates)
        return cls(
            due_rule=calendar.due_rule,
            grace_days=calendar.grace_days,
            build_rule=calendar.build_rule,
            build_days=calendar.build_days,
            due_dates=tuple(sorted(d.day for d in rows if d.kind == CalendarDate.Kind.DUE)),
            meetings=tuple(sorted(d.day for d in rows if d.kind == CalendarDate.Kind.MEETING)),
        )


# Updates due on each quarter's last day, four days' grace, the report five days after
# (the 5th of April, July, October and January).
DEFAULT = CalendarRules()


@dataclass(frozen=True)
class Round:
    quarter: Quarter
    due: date
    grace_ends: date
    build_on: date
    meeting: date | None = None

    @property
    def chase_until(self) -> date:
        """The last day a late update is chased: the grace period's last day."""
        return self.grace_ends


def due_dates(rules: CalendarRules, financial_year: int) -> list[date]:
    """The dates the rules make updates due in the financial year."""
    if rules.due_rule == ReportingCalendar.DueRule.DATES:
        return [d for d in rules.due_dates if financial_year_of(d) == financial_year]
    first = Quarter(financial_year, 1)
    return [first.end, first.next.end, first.next.next.end, first.next.next.next.end]


def rounds(rules: CalendarRules, *, financial_year: int) -> list[Round]:
    """The rounds whose report is built in the financial year (with ``AFTER_DUE``: whose
    updates are due in it), earliest first. With ``BEFORE_MEETING`` each meeting's report
    takes the latest due date whose grace period is over before the build; a meeting with
    none is left out (the calendar page says so)."""
    grace = timedelta(days=rules.grace_days)
    days = timedelta(days=rules.build_days)
    if rules.build_rule != ReportingCalendar.BuildRule.BEFORE_MEETING:
        return [
            Round(Quarter.containing(due), due, due + grace, due + days)
            for due in due_dates(rules, financial_year)
        ]
    candidates = sorted(due_dates(rules, financial_year - 1) + due_dates(rules, financial_year))
    found = []
    for meeting in rules.meetings:
        build_on = meeting - days
        if financial_year_of(build_on) != financial_year:
            continue
        before = [due for due in candidates if due + grace < build_on]
        if before:
            due = before[-1]
            found.append(Round(Quarter.containing(due), due, due + grace, build_on, meeting))
    return found


def rounds_near(rules: CalendarRules, *, day: date) -> list[Round]:
    """The rounds of the financial year holding ``day`` and of the years either side."""
    year = financial_year_of(day)
    return [r for fy in (year - 1, year, year + 1) for r in rounds(rules, financial_year=fy)]


def meetings_without_a_round(rules: CalendarRules) -> list[date]:
    """Meetings no due date comes far enough before, so no report is built for them."""
    if rules.build_rule != ReportingCalendar.BuildRule.BEFORE_MEETING:
        return []
    built = {
        r.meeting
        for fy in {financial_year_of(m - timedelta(days=rules.build_days)) for m in rules.meetings}
        for r in rounds(rules, financial_year=fy)
    }
    return [m for m in rules.meetings if m not in built]


def round_for(rules: CalendarRules, *, day: date) -> Round | None:
    """The round a day belongs to: the first whose report is not built yet (before its
    deadline, the one coming; after it, the one whose report still waits)."""
    waiting = [r for r in rounds_near(rules, day=day) if r.build_on >= day]
    return min(waiting, key=lambda r: (r.due, r.build_on)) if waiting else None


# Chasers go 14 and 3 days before the deadline (the nearest window: 3 once inside it, a
# missed day caught up while its window is open), on the day, and on the grace period's
# last day; the day after it the coordinators are told who is missing.
CHASE_DAYS_BEFORE = (14, 3)


def chase_stage(due_round: Round, *, day: date) -> int | None:
    """The chaser of the round due on ``day``, as days before the deadline (0 on the
    day, negative after it), or None."""
    days_left = (due_round.due - day).days
    if days_left > 0:
        windows = [d for d in CHASE_DAYS_BEFORE if days_left <= d]
        return min(windows) if windows else None
    grace = (due_round.grace_ends - due_round.due).days
    if days_left == 0 or (grace > 0 and days_left == -grace):
        return days_left
    return None


ESCALATION_CATCH_UP_DAYS = 6


def escalation_stage(due_round: Round, *, day: date) -> int | None:
    """The day after the grace period (or, if that was missed, the days after it): the
    coordinators are told who is missing. As days before the deadline (negative)."""
    days_after_grace = (day - due_round.grace_ends).days
    if 1 <= days_after_grace <= 1 + ESCALATION_CATCH_UP_DAYS and day <= due_round.build_on:
        return -((due_round.grace_ends - due_round.due).days + 1)
    return None
