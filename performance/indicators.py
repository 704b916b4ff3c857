"""The rules of an indicator, in one place, for its page, the exception report, the
published documents and the exports:

* Current value of a period: the latest value recorded for it (by ``recorded_at``, then
  id). Earlier values for the same period are corrections, kept and listed as corrected.
* The series: every period from the first with a value to the last with a value (or to
  ``extend_to``, the last period that has ended), so a missing period shows as missing.
  With ``until``, values for later periods are left out (a report of an earlier quarter).
* Latest: the last period of the series with a value.
* Trend: the latest value against the baseline, in words: "up 11.4% on the baseline —
  worse". Better or worse follows the direction of good; the baseline may be of any
  period (another year, a quarter, a month), as the indicator defines it. A baseline of
  zero gives the change in units ("up 12 on a baseline of 0 — worse").
* Off target: the latest value is on the wrong side of the target (above it when lower
  is better, below it when higher is better); on the target is on target.
* Moving the wrong way (the report): the latest value is worse than the baseline.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from performance.models import Indicator, IndicatorValue
from performance.money import format_number
from performance.periods import Period, periods_between

BETTER = "better"
WORSE = "worse"
SAME = "same"

ONE_PLACE = Decimal("0.1")


def is_worse(*, direction: str, value: Decimal, than: Decimal) -> bool:
    if direction == Indicator.Direction.LOWER:
        return value > than
    return value < than


def is_better(*, direction: str, value: Decimal, than: Decimal) -> bool:
    return value != than and not is_worse(direction=direction, value=value, than=than)


def off_target(*, direction: str, target: Decimal | None, value: Decimal | None) -> bool | None:
    """None when there is no target or no value to judge."""
    if target is None or value is None:
        return None
    return is_worse(direction=direction, value=value, than=target)


@dataclass(frozen=True)
class Trend:
    words: str
    verdict: str = ""  # better, worse, same; empty when there is nothing to compare
    percent: Decimal | None = None

    @property
    def is_worse(self) -> bool:
        return self.verdict == WORSE


def trend(*, direction: str, baseline: Decimal | None, value: Decimal | None) -> Trend:
    """The value against the baseline, in words."""
    if value is None:
        return Trend("no value recorded yet")
    if baseline is None:
        return Trend("no baseline to compare with")
    if value == baseline:
        return Trend("the same as the baseline", SAME, Decimal(0))
    verdict = WORSE if is_worse(direction=direction, value=value, than=baseline) else BETTER
    way = "up" if value > baseline else "down"
    if baseline == 0:
        return Trend(f"{way} {format_number(abs(value))} on a baseline of 0 — {verdict}", verdict)
    percent = (abs(value - baseline) * 100 / abs(baseline)).quantize(ONE_PLACE, ROUND_HALF_UP)
    return Trend(f"{way} {percent}% on the baseline — {verdict}", verdict, percent)


@dataclass
class PeriodRow:
    period: Period
    current: IndicatorValue | None = None
    # Earlier values recorded for the period, newest first.
    corrected: list[IndicatorValue] = field(default_factory=list)

    @property
    def value(self) -> Decimal | None:
        return self.current.value if self.current else None


@dataclass
class Series:
    indicator: Indicator
    rows: list[PeriodRow]
    latest: PeriodRow | None
    trend: Trend
    off_target: bool | None

    @property
    def missing(self) -> list[Period]:
        return [row.period for row in self.rows if row.current is None]

    @property
    def moving_the_wrong_way(self) -> bool:
        return self.trend.is_worse


def _value_key(value: IndicatorValue) -> tuple[object, int]:
    return (value.recorded_at, value.pk or 0)


def indicator_series(
    *,
    indicator: Indicator,
    values: Iterable[IndicatorValue],
    until: Period | None = None,
    extend_to: Period | None = None,
) -> Series:
    """The indicator's periods with their current and corrected values (see above).
    ``values`` are the indicator's values, already read (no query here)."""
    by_period: dict[Period, list[IndicatorValue]] = defaultdict(list)
    for recorded_value in values:
        period = indicator.period(recorded_value.financial_year, recorded_value.period)
        if until is None or period <= until:
            by_period[period].append(recorded_value)
    rows: list[PeriodRow] = []
    if by_period:
        first, last = min(by_period), max(by_period)
        if extend_to is not None and extend_to.frequency == indicator.frequency:
            last = max(last, extend_to)
        for period in periods_between(first, last):
            recorded = sorted(by_period.get(period, []), key=_value_key, reverse=True)
            rows.append(PeriodRow(period, recorded[0] if recorded else None, recorded[1:]))
    latest = next((row for row in reversed(rows) if row.current is not None), None)
    value = latest.value if latest else None
    return Series(
        indicator=indicator,
        rows=rows,
        latest=latest,
        trend=trend(direction=indicator.direction, baseline=indicator.baseline_value, value=value),
        off_target=off_target(
            direction=indicator.direction, target=indicator.target_value, value=value
        ),
    )
