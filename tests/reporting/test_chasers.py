"""Chasers: one email per person per day listing what they owe, before, on and after each
deadline of their partnership's reporting calendar, the coordinators told who is missing
after the grace period; and the Missing updates page with "Chase now"."""

from collections import defaultdict
from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from csp_tracker.periods import Quarter
from plans.models import Membership, Plan
from reporting import services
from reporting.models import EmailDelivery, ReminderDigest, UpdateReminder
from tests import factories
from tests.reporting.conftest import record

pytestmark = pytest.mark.django_db


def _plan_action(partnership, title, leads):
    plan = Plan.objects.filter(partnership=partnership).first() or factories.PlanFactory(
        partnership=partnership, start_year=2024, end_year=2025
    )
    priority = plan.priorities.first() or factories.PriorityFactory(plan=plan)
    return factories.ActionFactory(priority=priority, plan=plan, title=title, lead_agencies=leads)


@pytest.fixture
def year(district, other_district, kent_calendar):
    """Swale meets three times (reports a week before); Gravesham keeps the default
    calendar. One officer of the council works in both; the police officer only in Swale."""
    council = factories.AgencyFactory(short_name="Council")
    police = factories.AgencyFactory(short_name="Police")
    both = factories.MembershipFactory(partnership=district, role="officer", agency=council).user
    factories.MembershipFactory(
        user=both, partnership=other_district, role="officer", agency=council
    )
    police_officer = factories.MembershipFactory(
        partnership=district, role="officer", agency=police
    ).user
    a = _plan_action(district, "Swale council action", [council])
    b = _plan_action(district, "Swale police action", [police])
    c = _plan_action(other_district, "Gravesham council action", [council])
    return {"both": both, "police": police_officer, "a": a, "b": b, "c": c}


def _days(*text: str) -> set[date]:
    return {date.fromisoformat(t) for t in text}


def test_a_year_of_chasers_on_the_right_days_one_email_a_day_none_twice(
    year, coordinator, settings, django_capture_on_commit_callbacks
):
    sent: dict[str, list[date]] = defaultdict(list)
    bodies: dict[tuple[str, date], str] = {}
    day = date(2024, 4, 1)
    while day <= date(2025, 3, 31):
        settings.CSP_TODAY = day.isoformat()
        if day == date(2024, 12, 20):
            # The council's officer updates both their actions for Q3: not chased for Q3 again.
            for action in (year["a"], year["c"]):
                record(
                    action, Quarter(2024, 3), "on_track", year["both"], day=20, commentary="Done"
                )
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            services.update_reminders_send()
            services.update_reminders_send()  # a repeated run sends nothing more
        for message in mail.outbox[before:]:
            sent[message.to[0]].append(day)
            bodies[(message.to[0], day)] = str(message.body)
        day += timedelta(days=1)

    gravesham_q1 = _days("2024-06-16", "2024-06-27", "2024-06-30", "2024-07-04")
    q2 = _days("2024-09-16", "2024-09-27", "2024-09-30", "2024-10-04")
    q3 = _days("2024-12-17", "2024-12-28", "2024-12-31", "2025-01-04")
    gravesham_q4 = _days("2025-03-17", "2025-03-28", "2025-03-31")
    both, police = year["both"].email, year["police"].email
    # One email a day at most for everybody.
    for address, days in sent.items():
        assert len(days) == len(set(days)), address
    # Swale has no round for Q1 (no meeting takes it): the police officer is chased only
    # for Q2 and Q3, before, on and after the deadline.
    assert set(sent[police]) == q2 | q3
    # The council's officer: Gravesham's quarters, Swale's rounds, and after their Q3
    # updates nothing more for Q3.
    assert set(sent[both]) == gravesham_q1 | q2 | _days("2024-12-17") | gravesham_q4
    # Both partnerships' actions in the one email.
    one = bodies[(both, date(2024, 9, 16))]
    assert "Swale council action" in one and "Gravesham council action" in one
    assert "/actions/" in one and "/update/" in one
    assert "on the day" not in one and "due by 30 September 2024 (14 days" in one
    assert "due today" in bodies[(both, date(2024, 9, 30))]
    assert "overdue since 30 September 2024" in bodies[(police, date(2024, 10, 4))]
    # The coordinator is told who is missing the day after the grace period: both actions
    # for Q2; for Q3 only the police's.
    assert sent[coordinator.email] == [date(2024, 10, 5), date(2025, 1, 5)]
    q2_escalation = bodies[(coordinator.email, date(2024, 10, 5))]
    assert "Swale council action" in q2_escalation and "Swale police action" in q2_escalation
    q3_escalation = bodies[(coordinator.email, date(2025, 1, 5))]
    assert "Swale police action" in q3_escalation
    assert "Swale council action" not in q3_escalation
    assert "/reports/partnerships/swale/missing/" in q3_escalation
    # Every digest is an EmailDelivery sent once.
    assert EmailDelivery.objects.filter(kind="update_digest").count() == sum(
        len(d) for d in sent.values()
    )
    assert set(EmailDelivery.objects.values_list("state", flat=True)) == {"sent"}


def test_nothing_owed_means_no_email(
    district, agency, officer, settings, django_capture_on_commit_callbacks
):
    action = _plan_action(district, "Updated in time", [agency])
    settings.CSP_TODAY = "2024-09-10"
    record(action, Quarter(2024, 2), "on_track", officer, commentary="ok")
    for day in ("2024-09-16", "2024-09-27", "2024-09-30", "2024-10-04", "2024-10-05"):
        settings.CSP_TODAY = day
        with django_capture_on_commit_callbacks(execute=True):
            assert services.update_reminders_send() == 0
    assert mail.outbox == []
    assert not ReminderDigest.objects.exists()


# --- the Missing updates page ---------------------------------------------------------


@pytest.fixture
def missing(district, agency, officer, settings):
    settings.CSP_TODAY = "2024-09-20"
    nobody = factories.AgencyFactory(short_name="SATEDA")
    return {
        "ours": _plan_action(district, "Council action", [agency]),
        "orphan": _plan_action(district, "Charity action", [nobody]),
        "nobody": nobody,
    }


def _url(partnership, name="reporting:missing"):
    return reverse(name, kwargs={"slug": partnership.slug})


def test_the_page_lists_who_is_missing_by_lead(client, district, coordinator, missing):
    client.force_login(coordinator)
    page = client.get(_url(district))
    text = page.content.decode()
    assert [lead.agency.short_name for lead in page.context["leads"]] == ["SATEDA", "Swale BC"]
    assert "Council action" in text and "Charity action" in text
    assert "Nobody with an account" in text
    assert "30 September 2024" in text


def test_chase_now_one_lead_then_all_once_a_day(
    client, district, coordinator, officer, agency, missing, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(district, "reporting:chase"), {"agency": agency.pk})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[officer.email]]
    assert "Council action" in mail.outbox[0].body
    assert UpdateReminder.objects.get().kind == "chase_now"
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(_url(district, "reporting:chase"), follow=True)
    assert len(mail.outbox) == 1  # already emailed today
    text = page.content.decode()
    assert "Already emailed today" in text and "SATEDA" in text


def test_chase_now_of_another_partnerships_lead_chases_nobody(
    client, district, other_district, coordinator, missing, django_capture_on_commit_callbacks
):
    theirs = factories.AgencyFactory(short_name="Theirs")
    _plan_action(other_district, "Their action", [theirs])
    factories.MembershipFactory(partnership=other_district, role="officer", agency=theirs)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(district, "reporting:chase"), {"agency": theirs.pk})
        assert client.post(_url(district, "reporting:chase"), {"agency": "x"}).status_code == 404
    assert mail.outbox == []


def test_the_page_takes_the_same_queries_for_few_leads_or_many(
    client, district, coordinator, missing, django_assert_max_num_queries
):
    client.force_login(coordinator)
    with django_assert_max_num_queries(14):
        assert client.get(_url(district)).status_code == 200
    for n in range(20):
        lead = factories.AgencyFactory(short_name=f"Lead {n}")
        _plan_action(district, f"More {n}", [lead])
        factories.MembershipFactory(partnership=district, role=Membership.Role.OFFICER, agency=lead)
    with django_assert_max_num_queries(14):
        assert client.get(_url(district)).status_code == 200
