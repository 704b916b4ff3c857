"""The reporting calendar: its rules as dates, the page that sets it, and the daily sweeps
(report builds and reminders) that read it."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from csp_tracker.periods import Quarter
from reporting import calendars, services, tasks
from reporting.calendars import CalendarRules
from reporting.models import ExceptionReport, ReportingCalendar
from tests import factories
from tests.reporting.conftest import KENT_MEETINGS, calendar_save

pytestmark = pytest.mark.django_db


def test_the_default_is_quarter_ends_with_the_report_on_the_fifth_day_after():
    found = calendars.rounds(calendars.DEFAULT, financial_year=2023)
    assert [(str(r.quarter), r.due, r.grace_ends, r.build_on) for r in found] == [
        ("2023/24 Q1", date(2023, 6, 30), date(2023, 7, 4), date(2023, 7, 5)),
        ("2023/24 Q2", date(2023, 9, 30), date(2023, 10, 4), date(2023, 10, 5)),
        ("2023/24 Q3", date(2023, 12, 31), date(2024, 1, 4), date(2024, 1, 5)),
        ("2023/24 Q4", date(2024, 3, 31), date(2024, 4, 4), date(2024, 4, 5)),
    ]


def test_a_week_before_each_meeting_takes_the_last_deadline_whose_grace_is_over():
    rules = CalendarRules(
        build_rule=ReportingCalendar.BuildRule.BEFORE_MEETING,
        build_days=7,
        meetings=tuple(KENT_MEETINGS),
    )
    found = calendars.rounds(rules, financial_year=2024)
    assert [(str(r.quarter), r.due, r.build_on, r.meeting) for r in found] == [
        ("2023/24 Q4", date(2024, 3, 31), date(2024, 6, 27), date(2024, 7, 4)),
        ("2024/25 Q2", date(2024, 9, 30), date(2024, 11, 14), date(2024, 11, 21)),
        ("2024/25 Q3", date(2024, 12, 31), date(2025, 3, 7), date(2025, 3, 14)),
    ]


def test_entered_due_dates_and_a_meeting_too_soon_after_them_is_named():
    rules = CalendarRules(
        due_rule=ReportingCalendar.DueRule.DATES,
        due_dates=(date(2024, 6, 20), date(2024, 11, 7)),
        grace_days=2,
        build_rule=ReportingCalendar.BuildRule.BEFORE_MEETING,
        build_days=7,
        meetings=(date(2024, 5, 1), date(2024, 7, 4), date(2024, 11, 21)),
    )
    found = calendars.rounds(rules, financial_year=2024)
    assert [(str(r.quarter), r.due, r.build_on) for r in found] == [
        ("2024/25 Q1", date(2024, 6, 20), date(2024, 6, 27)),
        ("2024/25 Q3", date(2024, 11, 7), date(2024, 11, 14)),
    ]
    assert calendars.meetings_without_a_round(rules) == [date(2024, 5, 1)]


def test_a_year_of_daily_sweeps_builds_a_report_a_week_before_each_meeting_once(
    district, executive, kent_calendar, settings, django_capture_on_commit_callbacks
):
    for start in (2023, 2024):
        plan = factories.PlanFactory(partnership=district, start_year=start, end_year=start + 1)
        factories.ActionFactory(priority=factories.PriorityFactory(plan=plan), plan=plan)
    built_on: dict[date, list[str]] = {}
    day = date(2024, 4, 1)
    while day <= date(2025, 3, 31):
        settings.CSP_TODAY = day.isoformat()
        before = set(ExceptionReport.objects.values_list("pk", flat=True))
        with django_capture_on_commit_callbacks(execute=True):
            tasks.build_quarter_reports.run()
        new = ExceptionReport.objects.exclude(pk__in=before)
        if new:
            built_on[day] = [str(r.quarter_obj) for r in new]
        day += timedelta(days=1)
    assert built_on == {
        date(2024, 6, 27): ["2023/24 Q4"],
        date(2024, 11, 14): ["2024/25 Q2"],
        date(2025, 3, 7): ["2024/25 Q3"],
    }
    assert set(ExceptionReport.objects.values_list("status", flat=True)) == {"ready"}
    # One email to the executive per report, none repeated by the later sweeps.
    assert [m.to for m in mail.outbox] == [[executive.email]] * 3


def test_a_missed_build_day_is_caught_up_and_not_built_twice(
    district, kent_calendar, settings, django_capture_on_commit_callbacks
):
    factories.PlanFactory(partnership=district, start_year=2024, end_year=2025)
    settings.CSP_TODAY = "2024-11-16"  # the beat was down on the 14th and 15th
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.build_quarter_reports.run() == 1
        tasks.build_quarter_reports.run()
    assert ExceptionReport.objects.get().quarter_obj == Quarter(2024, 2)


def test_reminders_follow_the_entered_due_dates(
    district, agency, settings, django_capture_on_commit_callbacks, coordinator
):
    plan = factories.PlanFactory(partnership=district)
    factories.ActionFactory(
        priority=factories.PriorityFactory(plan=plan), plan=plan, lead_agencies=[agency]
    )
    factories.MembershipFactory(partnership=district, role="officer", agency=agency)
    calendar_save(
        district,
        coordinator,
        due_rule=ReportingCalendar.DueRule.DATES,
        build_rule=ReportingCalendar.BuildRule.AFTER_DUE,
        due_dates=[date(2024, 2, 29)],
    )
    sent = {}
    for day in ("2024-02-14", "2024-02-15", "2024-02-26", "2024-03-17"):
        settings.CSP_TODAY = day
        with django_capture_on_commit_callbacks(execute=True):
            sent[day] = services.update_reminders_send()
    # 14 and 3 days before 29 February; the quarter's end no longer counts.
    assert sent == {"2024-02-14": 0, "2024-02-15": 1, "2024-02-26": 1, "2024-03-17": 0}
    assert "29 February 2024" in mail.outbox[0].subject


# --- the page ------------------------------------------------------------------------


def _url(partnership) -> str:
    return reverse("reporting:calendar", kwargs={"slug": partnership.slug})


GOOD = {
    "due_rule": "quarter_ends",
    "grace_days": "4",
    "build_rule": "before_meeting",
    "build_days": "7",
    "due_dates": "",
    "meetings": "14 March 2025\r\n4/7/2024\r\n21 Nov 2024",
}


def test_a_coordinator_sets_the_meetings_and_sees_the_dates(client, district, coordinator):
    client.force_login(coordinator)
    page = client.get(_url(district))
    assert page.context["form"].initial["build_days"] == 5
    response = client.post(_url(district), GOOD)
    assert response.status_code == 302
    calendar = ReportingCalendar.objects.get(partnership=district)
    assert sorted(d.day for d in calendar.dates.all()) == KENT_MEETINGS
    page = client.get(_url(district))
    text = page.content.decode()
    assert "14 March 2025" in page.context["form"]["meetings"].value()
    assert calendar.updated_by == coordinator
    assert "Reporting calendar" in text


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"grace_days": ""}, "grace_days", "Enter the grace period in days"),
        ({"grace_days": "x"}, "grace_days", "Enter the grace period as a whole number"),
        ({"grace_days": "61"}, "grace_days", "Enter a grace period of 60 days or fewer"),
        ({"build_days": ""}, "build_days", "Enter the number of days"),
        ({"build_rule": "soon"}, "build_rule", "Select when the exception report is built"),
        ({"due_rule": ""}, "due_rule", "Select when updates are due"),
        ({"meetings": ""}, "meetings", "Enter at least one meeting date"),
        ({"meetings": "31 February 2025"}, "meetings", "Meeting date 1 must be a real date"),
        ({"due_rule": "dates"}, "due_dates", "Enter at least one date when updates are due"),
        (
            {"grace_days": "5"},
            "grace_days",
            "Enter a grace period of 4 days or fewer when updates are due at quarter ends",
        ),
        (
            {"due_rule": "dates", "due_dates": "28 March 2024", "grace_days": "8"},
            "grace_days",
            "Enter a grace period that ends by 4 April 2024 for updates due on 28 March 2024",
        ),
        (
            {"build_rule": "after_due", "build_days": "3"},
            "build_days",
            "Enter more days than the grace period (4)",
        ),
    ],
)
def test_each_mistake_gets_its_own_message(client, district, coordinator, data, field, message):
    client.force_login(coordinator)
    response = client.post(_url(district), GOOD | data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in e for e in errors[field]), errors
    assert not ReportingCalendar.objects.exists()


def test_the_page_takes_the_same_queries_for_one_meeting_or_twenty(
    client, district, coordinator, django_assert_max_num_queries
):
    client.force_login(coordinator)
    client.post(_url(district), GOOD)
    with django_assert_max_num_queries(11):
        assert client.get(_url(district)).status_code == 200
    meetings = "\r\n".join(f"{d} March 2025" for d in range(1, 21))
    client.post(_url(district), GOOD | {"meetings": meetings})
    with django_assert_max_num_queries(11):
        assert client.get(_url(district)).status_code == 200


def test_the_calendar_page_turns_sign_off_on_and_off(client, district, coordinator):
    client.force_login(coordinator)
    assert client.post(_url(district), GOOD | {"sign_off": "on"}).status_code == 302
    district.refresh_from_db()
    assert district.updates_need_sign_off
    assert client.get(_url(district)).context["form"].initial["sign_off"] is True
    client.post(_url(district), GOOD)
    district.refresh_from_db()
    assert not district.updates_need_sign_off
