from datetime import date

import pytest

from csp_tracker import clock
from csp_tracker.periods import Quarter, financial_year_of, format_date


def test_clock_follows_the_setting(settings):
    settings.CSP_TODAY = "2024-01-15"
    assert clock.today() == date(2024, 1, 15)
    assert clock.now().date() == date(2024, 1, 15)
    assert clock.now().tzinfo is not None
    assert clock.current_quarter() == Quarter(2023, 4)


def test_clock_is_the_real_date_without_the_setting(settings):
    from django.utils import timezone

    settings.CSP_TODAY = ""
    assert clock.today() == timezone.localdate()


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (date(2023, 4, 1), Quarter(2023, 1)),
        (date(2023, 6, 30), Quarter(2023, 1)),
        (date(2023, 7, 1), Quarter(2023, 2)),
        (date(2023, 9, 30), Quarter(2023, 2)),
        (date(2023, 10, 1), Quarter(2023, 3)),
        (date(2023, 12, 31), Quarter(2023, 3)),
        (date(2024, 1, 1), Quarter(2023, 4)),
        (date(2024, 3, 31), Quarter(2023, 4)),
    ],
)
def test_quarter_boundaries(day, quarter):
    assert Quarter.containing(day) == quarter
    assert quarter.start <= day <= quarter.end


def test_quarter_dates_and_labels():
    q3 = Quarter(2023, 3)
    assert (q3.start, q3.end) == (date(2023, 10, 1), date(2023, 12, 31))
    assert str(q3) == "2023/24 Q3"
    assert q3.previous == Quarter(2023, 2)
    assert Quarter(2023, 1).previous == Quarter(2022, 4)
    assert Quarter(2023, 4).next == Quarter(2024, 1)
    assert Quarter(2023, 4).end == date(2024, 3, 31)
    assert Quarter.parse("2023/24 Q3") == q3
    assert Quarter.parse("Q3 2023/24") == q3
    assert Quarter.parse(q3.slug) == q3
    assert q3.months_label == "October to December 2023"


@pytest.mark.parametrize("text", ["2023/25 Q1", "Q5 2023/24", "2023 Q1", ""])
def test_bad_quarters_are_refused(text):
    with pytest.raises(ValueError):
        Quarter.parse(text)


def test_financial_year_and_dates():
    assert financial_year_of(date(2024, 3, 31)) == 2023
    assert financial_year_of(date(2024, 4, 1)) == 2024
    assert format_date(date(2024, 3, 1)) == "1 March 2024"


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        ("2024-03-31", Quarter(2023, 4)),
        ("2024-04-01", Quarter(2023, 4)),  # late updates count for the quarter just ended
        ("2024-04-04", Quarter(2023, 4)),
        ("2024-04-05", Quarter(2024, 1)),  # the report is built at 09:00 today
        ("2024-01-15", Quarter(2023, 4)),
    ],
)
def test_updates_count_for_the_quarter_just_ended_until_its_report_is_built(settings, day, quarter):
    settings.CSP_TODAY = day
    assert clock.update_quarter() == quarter


@pytest.mark.django_db
def test_a_change_history_row_carries_the_apps_clock(settings):
    """The action page's change history prints history rows' dates: they are the app's
    day (the demo's fixed 15 January 2024), not the machine's."""
    from tests import factories

    settings.CSP_TODAY = "2024-01-15"
    plan = factories.PlanFactory()
    plan.title = "Renamed"
    plan.save()
    days = {row.history_date.date() for row in plan.history.all()}
    assert days == {date(2024, 1, 15)}
    settings.CSP_TODAY = ""
    plan.title = "Renamed again"
    plan.save()
    assert plan.history.latest().history_date.date() != date(2024, 1, 15)


def test_format_date_writes_what_djangos_date_filter_writes_in_each_language() -> None:
    from django.template.defaultfilters import date as date_filter
    from django.utils import translation

    for language in ("en-gb", "cy", "fr"):
        with translation.override(language):
            for day in (date(2024, 1, 9), date(2023, 12, 31), date(2025, 5, 1)):
                assert format_date(day) == date_filter(day, "j F Y"), language
