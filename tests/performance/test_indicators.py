"""Indicators across a year (performance.indicators): direction of good both ways,
missing periods, a corrected value, a baseline in another year, monthly periods, and the
numbers officers report in updates feeding an indicator."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from csp_tracker.periods import Quarter
from performance import services
from performance.charts import indicator_chart
from performance.indicators import indicator_series, off_target, trend
from performance.models import Indicator, IndicatorValue
from performance.periods import Frequency, Period, baseline_period_label
from performance.selectors import indicator_page_series, reported_figures
from tests import factories
from tests.performance.conftest import figures_update, record_value
from tests.reporting.conftest import Q3, record

pytestmark = pytest.mark.django_db

YEAR = ["2023/24 Q1", "2023/24 Q2", "2023/24 Q3", "2023/24 Q4"]


def series_of(indicator, **kwargs):
    return indicator_series(indicator=indicator, values=indicator.values.all(), **kwargs)


@pytest.mark.parametrize(
    ("direction", "verdict"),
    [(Indicator.Direction.LOWER, "worse"), (Indicator.Direction.HIGHER, "better")],
)
def test_a_rise_over_the_year_is_worse_or_better_by_the_direction_of_good(
    make_indicator, direction, verdict
):
    indicator = make_indicator(
        direction=direction, baseline_value=Decimal("1000"), baseline_period="2022/23"
    )
    for quarter, value in zip(YEAR, [980, 1010, 1060, 1114], strict=True):
        record_value(indicator, quarter, value)
    series = series_of(indicator)
    assert [row.period.label for row in series.rows] == YEAR
    assert series.latest.period.label == "2023/24 Q4"
    assert series.trend.words == f"up 11.4% on the baseline — {verdict}"
    assert series.moving_the_wrong_way is (verdict == "worse")


@pytest.mark.parametrize(
    ("direction", "verdict"),
    [(Indicator.Direction.LOWER, "better"), (Indicator.Direction.HIGHER, "worse")],
)
def test_a_fall_is_better_or_worse_by_the_direction_of_good(make_indicator, direction, verdict):
    indicator = make_indicator(
        direction=direction, baseline_value=Decimal("40"), baseline_period="2022/23"
    )
    record_value(indicator, "2023/24 Q1", 38)
    assert series_of(indicator).trend.words == f"down 5.0% on the baseline — {verdict}"


def test_off_target_follows_the_direction_of_good_and_on_the_target_is_on_target():
    lower = Indicator(direction=Indicator.Direction.LOWER)
    higher = Indicator(direction=Indicator.Direction.HIGHER)
    assert off_target(direction=lower.direction, target=Decimal(950), value=Decimal(951))
    assert not off_target(direction=lower.direction, target=Decimal(950), value=Decimal(950))
    assert off_target(direction=higher.direction, target=Decimal(25), value=Decimal(23))
    assert not off_target(direction=higher.direction, target=Decimal(25), value=Decimal(26))
    assert off_target(direction=higher.direction, target=None, value=Decimal(1)) is None


def test_a_missing_period_shows_as_missing_and_the_latest_value_still_counts(
    make_indicator, client, coordinator
):
    indicator = make_indicator(baseline_value=Decimal("30"), baseline_period="2022/23 Q4")
    record_value(indicator, "2023/24 Q1", 21)
    record_value(indicator, "2023/24 Q3", 33)
    series = series_of(indicator)
    assert [p.label for p in series.missing] == ["2023/24 Q2"]
    assert series.latest.period.label == "2023/24 Q3"
    assert series.trend.words == "up 10.0% on the baseline — worse"
    svg = indicator_chart(series=series)
    assert "2023/24 Q2: no value" in svg and ">no value</text>" in svg
    client.force_login(coordinator)
    page = client.get(f"/performance/indicators/{indicator.pk}/").content.decode()
    assert page.count("No value recorded") == 1


def test_the_page_runs_to_the_last_period_ended_so_a_value_due_shows_missing(make_indicator):
    # Today is 15 January 2024 (test settings): 2023/24 Q3 has ended, Q4 has not.
    indicator = make_indicator()
    record_value(indicator, "2023/24 Q1", 10)
    series = indicator_page_series(indicator=Indicator.objects.get(pk=indicator.pk))
    assert [row.period.label for row in series.rows] == YEAR[:3]
    assert [p.label for p in series.missing] == ["2023/24 Q2", "2023/24 Q3"]


def test_a_correction_is_current_and_the_earlier_value_is_kept_as_corrected(
    make_indicator, client, coordinator
):
    indicator = make_indicator(baseline_value=Decimal("1000"), baseline_period="2022/23")
    first = record_value(indicator, "2023/24 Q2", 1125, note="First count", day=date(2023, 10, 10))
    record_value(indicator, "2023/24 Q2", 1152, note="Late incidents added", day=date(2023, 10, 11))
    series = series_of(indicator)
    (row,) = series.rows
    assert row.value == Decimal("1152")
    assert [v.pk for v in row.corrected] == [first.pk]
    assert series.trend.words == "up 15.2% on the baseline — worse"
    assert IndicatorValue.objects.filter(indicator=indicator).count() == 2
    client.force_login(coordinator)
    page = client.get(f"/performance/indicators/{indicator.pk}/").content.decode()
    assert "Corrected:" in page and "1,125" in page and "1,152" in page
    # Values are history: the database refuses to change or delete one.
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.filter(pk=first.pk).update(value=Decimal(1))
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.filter(pk=first.pk).delete()


def test_a_baseline_in_another_year_is_compared_with_every_value(make_indicator):
    indicator = make_indicator(
        direction=Indicator.Direction.HIGHER,
        baseline_value=Decimal("20"),
        baseline_period="2018/19",
        target_value=Decimal("25"),
    )
    for quarter, value in zip(YEAR[:3], [14, 18, 23], strict=True):
        record_value(indicator, quarter, value)
    series = series_of(indicator)
    assert series.trend.words == "up 15.0% on the baseline — better"
    assert series.off_target is True
    # As at Q1 the same indicator was worse than its baseline.
    early = series_of(indicator, until=Period(2023, 1))
    assert early.trend.words == "down 30.0% on the baseline — worse"
    assert indicator.baseline_period == "2018/19"


def test_a_baseline_of_zero_and_no_baseline_are_said_in_words(make_indicator):
    zero = make_indicator(baseline_value=Decimal("0"), baseline_period="2022/23")
    record_value(zero, "2023/24 Q1", 12)
    assert series_of(zero).trend.words == "up 12 on a baseline of 0 — worse"
    none = make_indicator()
    record_value(none, "2023/24 Q1", 12)
    assert series_of(none).trend.words == "no baseline to compare with"
    assert trend(direction="lower", baseline=Decimal(5), value=Decimal(5)).words == (
        "the same as the baseline"
    )


def test_a_monthly_indicator_numbers_its_months_in_the_financial_year(make_indicator):
    indicator = make_indicator(frequency=Frequency.MONTHLY)
    for number, value in [(9, 5), (10, 7), (12, 4)]:  # December, January, March
        services.indicator_value_record(
            indicator=indicator,
            period=Period(2023, number, Frequency.MONTHLY),
            value=Decimal(value),
        )
    series = series_of(indicator)
    assert [r.period.label for r in series.rows] == [
        "December 2023",
        "January 2024",
        "February 2024",
        "March 2024",
    ]
    assert [p.label for p in series.missing] == ["February 2024"]
    assert Period.last_of(Quarter(2023, 3), Frequency.MONTHLY).label == "December 2023"
    with pytest.raises(services.Refused):
        services.indicator_value_record(
            indicator=indicator, period=Period(2023, 1), value=Decimal(1)
        )


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("2022/23", "2022/23"),
        (" 2022 / 23 ", "2022/23"),
        ("Q4 2022/23", "2022/23 Q4"),
        ("2022/23 Q4", "2022/23 Q4"),
        ("March 2023", "March 2023"),
        ("sept 2023", "September 2023"),
    ],
)
def test_a_baseline_period_is_a_year_a_quarter_or_a_month(typed, label):
    assert baseline_period_label(typed) == label


@pytest.mark.parametrize("typed", ["2022-2025", "last year", "Smarch 2023", "2022/24"])
def test_other_baseline_periods_are_refused(typed):
    with pytest.raises(ValueError):
        baseline_period_label(typed)


def test_the_chart_is_an_accessible_svg_with_words_for_baseline_and_target(make_indicator):
    indicator = make_indicator(
        name="Deliberate grass fires",
        unit="fires",
        baseline_value=Decimal("40"),
        baseline_period="2022/23",
        target_value=Decimal("30"),
    )
    record_value(indicator, "2023/24 Q1", 21)
    record_value(indicator, "2023/24 Q2", 38)
    svg = indicator_chart(series=series_of(indicator), id_prefix="c")
    assert 'role="img"' in svg and 'aria-labelledby="c-title c-desc"' in svg
    assert (
        '<title id="c-title">Bar chart: Deliberate grass fires (fires), '
        "2023/24 Q1 to 2023/24 Q2</title>" in svg
    )
    assert "2023/24 Q1: 21; 2023/24 Q2: 38; baseline (2022/23): 40; target: 30." in svg
    assert "Baseline (2022/23): 40</text>" in svg and "Target: 30</text>" in svg
    assert 'stroke-dasharray="8 5"' in svg and 'stroke-dasharray="2 4"' in svg  # not colour


@pytest.fixture
def fires_action(swale_plan, agency):
    priority = factories.PriorityFactory(plan=swale_plan, number=3, title="Anti-Social Behaviour")
    return factories.ActionFactory(
        priority=priority, plan=swale_plan, reference="3.3", lead_agencies=[agency]
    )


def test_a_number_reported_in_an_update_feeds_the_indicator_with_its_source(
    make_indicator, fires_action, officer, coordinator
):
    from actions.services import Figure

    update = figures_update(
        fires_action,
        officer,
        Figure("patrols", 4),
        Figure("Deliberate grass and rubbish fires", 38),
    )
    record(fires_action, Q3, "on_track", officer)  # no figures: nothing to offer
    indicator = make_indicator(
        name="Deliberate grass fires",
        actions=[fires_action],
        figure_label="deliberate grass and rubbish fires",
    )
    indicator = Indicator.objects.get(pk=indicator.pk)
    figures = reported_figures(indicator=indicator)
    assert [(f.update.pk, f.index, f.value, f.used) for f in figures] == [(update.pk, 1, 38, False)]
    value = services.indicator_value_from_update(
        indicator=indicator, update=update, index=1, user=coordinator
    )
    assert (value.financial_year, value.period, value.value) == (2023, 2, Decimal("38"))
    assert value.source_update_id == update.pk
    assert value.note == (
        "From the 2023/24 Q2 update of action 3.3: “Deliberate grass and rubbish fires” 38."
    )
    series = indicator_page_series(indicator=Indicator.objects.get(pk=indicator.pk))
    assert reported_figures(indicator=indicator, series=series)[0].used is True
    with pytest.raises(services.Refused):
        services.indicator_value_from_update(indicator=indicator, update=update, index=5)


def test_an_update_of_an_action_not_linked_cannot_feed_the_indicator(
    make_indicator, fires_action, officer
):
    from actions.services import Figure

    update = figures_update(fires_action, officer, Figure("fires", 3), commentary="x")
    indicator = make_indicator()
    with pytest.raises(services.Refused, match="not of an action linked"):
        services.indicator_value_from_update(indicator=indicator, update=update, index=0)
