"""The exception report's rules (reporting.snapshot.exception_report_snapshot), each
kind of exception on its own, with frozen dates."""

from datetime import date

import pytest

from csp_tracker.periods import Quarter
from plans.models import Plan
from reporting.snapshot import exception_report_snapshot, report_as_at
from tests import factories
from tests.reporting.conftest import Q2, Q3, record

pytestmark = pytest.mark.django_db

AFTER_Q3 = date(2024, 1, 5)


def snap(district, quarter=Q3, today=AFTER_Q3):
    return exception_report_snapshot(partnership=district, quarter=quarter, today=today)


def refs(snapshot, kind):
    return [item["reference"] for item in snapshot["exceptions"][kind]]


def totals(snapshot):
    return {t["key"]: t["count"] for t in snapshot["summary"]["totals"]}


def test_off_track_and_at_risk_carry_the_commentary_and_reason(district, make_action, author):
    off, risk, fine = make_action(), make_action(), make_action()
    record(off, Q3, "off_track", author, commentary="No venue", reason="Funding withdrawn")
    record(risk, Q3, "at_risk", author, commentary="Delayed")
    record(fine, Q3, "on_track", author)
    s = snap(district)
    assert refs(s, "off_track") == [off.reference]
    assert refs(s, "at_risk") == [risk.reference]
    item = s["exceptions"]["off_track"][0]
    assert (item["commentary"], item["reason"]) == ("No venue", "Funding withdrawn")
    assert item["id"] == off.pk


def test_only_the_latest_update_of_the_quarter_counts(district, make_action, author):
    action = make_action()
    record(action, Q3, "off_track", author, day=1)
    record(action, Q3, "on_track", author, day=20)
    s = snap(district)
    assert refs(s, "off_track") == []
    assert totals(s)["on_track"] == 1


def test_an_update_of_a_later_quarter_is_ignored(district, make_action, author):
    action = make_action()
    record(action, Q3, "on_track", author)
    record(action, Q3.next, "off_track", author)
    s = snap(district, today=date(2024, 4, 5))
    assert refs(s, "off_track") == []
    assert totals(s)["on_track"] == 1


def test_action_with_no_updates_at_all(district, make_action):
    action = make_action()
    s = snap(district)
    assert refs(s, "no_update") == [action.reference]
    assert s["exceptions"]["no_update"][0]["last_quarter"] == ""
    assert refs(s, "worse") == refs(s, "completed") == refs(s, "off_track") == []
    assert totals(s)["no_update"] == 1


def test_no_update_this_quarter_uses_the_quarter_label_not_the_date(district, make_action, author):
    late, missing, done = make_action(), make_action(), make_action()
    # Labelled Q3 though written on 5 January: counts for Q3.
    from actions.services import status_update_record
    from csp_tracker import clock

    status_update_record(
        action=late,
        author=author,
        status="on_track",
        commentary="Late",
        quarter=Q3,
        created_at=clock.now(),
    )
    record(missing, Q2, "on_track", author)
    record(done, Q2, "completed", author)
    s = snap(district)
    assert refs(s, "no_update") == [missing.reference]
    assert s["exceptions"]["no_update"][0]["last_quarter"] == "2023/24 Q2"
    assert totals(s)["completed"] == 1  # completed earlier: not chased for an update


@pytest.mark.parametrize(
    ("before", "after", "worse"),
    [
        ("on_track", "at_risk", True),
        ("on_track", "off_track", True),
        ("at_risk", "off_track", True),
        ("at_risk", "on_track", False),
        ("off_track", "off_track", False),
        ("not_started", "off_track", False),
        ("completed", "at_risk", False),
        ("on_track", "completed", False),
    ],
)
def test_got_worse_compares_the_latest_updates_of_the_two_quarters(
    district, make_action, author, before, after, worse
):
    action = make_action()
    record(action, Q2, before, author)
    record(action, Q3, after, author)
    s = snap(district)
    assert refs(s, "worse") == ([action.reference] if worse else [])
    if worse:
        item = s["exceptions"]["worse"][0]
        assert (item["status_before"], item["status"]) == (before, after)


def test_got_worse_needs_an_update_in_the_previous_quarter(district, make_action, author):
    action = make_action()
    record(action, Quarter(2023, 1), "on_track", author)  # Q1, not Q2
    record(action, Q3, "off_track", author)
    assert refs(snap(district), "worse") == []


def test_got_worse_across_the_financial_year_boundary(district, make_action, author):
    """Q1 2024/25 is compared with Q4 2023/24 (January to March 2024)."""
    plan = factories.PlanFactory(partnership=district, start_year=2023, end_year=2025)
    priority = factories.PriorityFactory(plan=plan, number=1)
    action = factories.ActionFactory(priority=priority, plan=plan)
    record(action, Quarter(2023, 4), "on_track", author)
    record(action, Quarter(2024, 1), "at_risk", author)
    s = snap(district, quarter=Quarter(2024, 1), today=date(2024, 7, 5))
    assert refs(s, "worse") == [action.reference]
    assert s["previous_quarter"] == "2023/24 Q4"


def test_completed_this_quarter_only_once(district, make_action, author):
    now_done, done_before, reopened = make_action(), make_action(), make_action()
    record(now_done, Q2, "on_track", author)
    record(now_done, Q3, "completed", author)
    record(done_before, Q2, "completed", author)
    record(done_before, Q3, "completed", author)
    record(reopened, Quarter(2023, 1), "completed", author)
    record(reopened, Q2, "at_risk", author)
    record(reopened, Q3, "completed", author)
    assert refs(snap(district), "completed") == [now_done.reference, reopened.reference]


def _milestone(action, due, done=None):
    return factories.MilestoneFactory(
        action=action, due_date=due, done_date=done, timescale="Dec 23", timescale_kind="month"
    )


def test_overdue_milestones_on_the_as_at_boundary(district, make_action, author):
    action = make_action()
    record(action, Q3, "on_track", author)
    due_on_last_day = _milestone(action, date(2023, 12, 31))
    done_after = _milestone(action, date(2023, 11, 30), done=date(2024, 1, 2))
    done_in_time = _milestone(action, date(2023, 11, 30), done=date(2023, 12, 31))
    not_yet_due = _milestone(action, date(2024, 1, 1))
    ongoing = _milestone(action, None)
    s = snap(district)
    listed = [m["milestone"] for m in s["exceptions"]["overdue_milestones"]]
    assert due_on_last_day.description in listed
    assert done_after.description in listed
    assert done_in_time.description not in listed
    assert not_yet_due.description not in listed
    assert ongoing.description not in listed
    first = s["exceptions"]["overdue_milestones"][0]
    assert first["due_date"] == "2023-11-30" and first["days_overdue"] == 31


def test_milestones_of_a_completed_action_are_not_overdue(district, make_action, author):
    action = make_action()
    record(action, Q3, "completed", author)
    _milestone(action, date(2023, 10, 31))
    assert snap(district)["exceptions"]["overdue_milestones"] == []


def test_an_interim_report_is_as_at_today():
    assert report_as_at(quarter=Q3, today=date(2023, 11, 15)) == date(2023, 11, 15)
    assert report_as_at(quarter=Q3, today=date(2024, 1, 5)) == date(2023, 12, 31)
    assert report_as_at(quarter=Q3, today=date(2023, 6, 1)) == date(2023, 12, 31)


def test_scope_is_plans_covering_the_quarter_and_not_superseded(district, make_action, author):
    in_scope = make_action()
    old = factories.PlanFactory(
        partnership=district, start_year=2022, end_year=2023, title="Old plan"
    )
    factories.ActionFactory(priority=factories.PriorityFactory(plan=old), plan=old)
    superseded = factories.PlanFactory(
        partnership=district,
        start_year=2023,
        end_year=2026,
        status=Plan.Status.SUPERSEDED,
        kind=Plan.Kind.STRATEGY,
    )
    factories.ActionFactory(priority=factories.PriorityFactory(plan=superseded), plan=superseded)
    elsewhere = factories.PlanFactory(start_year=2023, end_year=2024)
    factories.ActionFactory(priority=factories.PriorityFactory(plan=elsewhere), plan=elsewhere)
    s = snap(district)
    assert s["action_count"] == 1
    assert refs(s, "no_update") == [in_scope.reference]


def test_history_of_an_earlier_plans_version_of_the_action_counts(district, author):
    old_plan = factories.PlanFactory(partnership=district, start_year=2022, end_year=2023)
    old = factories.ActionFactory(priority=factories.PriorityFactory(plan=old_plan), plan=old_plan)
    new_plan = factories.PlanFactory(
        partnership=district, start_year=2023, end_year=2024, kind=Plan.Kind.STRATEGY
    )
    new = factories.ActionFactory(
        priority=factories.PriorityFactory(plan=new_plan), plan=new_plan, lineage=old.lineage
    )
    record(old, Q2, "on_track", author)
    record(new, Q3, "off_track", author)
    s = snap(district)
    assert refs(s, "worse") == [new.reference]


def test_summary_by_priority_and_theme_and_comparison(district, plan, make_action, author):
    theme = factories.ThemeFactory(plan=plan, number=1, title="Reducing reoffending")
    a, b = make_action(), make_action()
    c = factories.ActionFactory(theme=theme, priority=None, plan=plan, reference="5.1")
    record(a, Q2, "on_track", author)
    record(a, Q3, "off_track", author)
    record(b, Q2, "at_risk", author)
    record(b, Q3, "at_risk", author)
    record(c, Q2, "on_track", author)
    s = snap(district)
    labels = [g["label"] for g in s["summary"]["groups"]]
    assert labels == ["Priority 1: Domestic abuse", "Cross-cutting theme 1: Reducing reoffending"]
    # counts follow s["buckets"]: on track, at risk, off track, completed, not started, none
    assert s["summary"]["groups"][0]["counts"] == [0, 1, 1, 0, 0, 0]
    assert s["summary"]["groups"][1]["counts"] == [0, 0, 0, 0, 0, 1]
    comparison = {row["key"]: (row["previous"], row["current"]) for row in s["comparison"]}
    assert comparison["on_track"] == (2, 0)
    assert comparison["off_track"] == (0, 1)
    assert comparison["no_update"] == (0, 1)
    changed = {item["reference"]: (item["before"], item["after"]) for item in s["changes"]}
    assert changed == {a.reference: ("on_track", "off_track"), "5.1": ("on_track", "no_update")}


def test_in_an_interim_report_a_milestone_due_today_is_not_overdue_yet(
    district, make_action, author
):
    action = make_action()
    record(action, Q3, "on_track", author, day=1)
    due_today = _milestone(action, date(2023, 11, 15))
    due_yesterday = _milestone(action, date(2023, 11, 14))
    s = snap(district, today=date(2023, 11, 15))
    assert s["interim"] is True
    listed = [m["milestone"] for m in s["exceptions"]["overdue_milestones"]]
    assert listed == [due_yesterday.description]
    assert due_today.description not in listed


def test_the_snapshot_and_the_reminders_take_the_same_queries_for_5_actions_or_60(
    district, plan, make_action, author, django_assert_num_queries
):
    """Actions, their leads, their latest updates as of the quarter and as of the one
    before (one query for both), their overdue milestones (four queries) and the indicators
    and funded projects the report adds (two): six, however many actions, updates, earlier
    plans' versions and milestones there are."""
    from reporting.reminders import reminder_recipients

    old_plan = factories.PlanFactory(partnership=district, start_year=2022, end_year=2023)
    old_priority = factories.PriorityFactory(plan=old_plan)

    def grow(n: int) -> None:
        for _ in range(n):
            old = factories.ActionFactory(plan=old_plan, priority=old_priority)
            record(old, Quarter(2022, 4), "at_risk", author)
            action = make_action(lineage=old.lineage, carried_from=old)
            record(action, Q2, "on_track", author)
            record(action, Q3, "off_track", author)
            _milestone(action, date(2023, 10, 31))

    grow(5)
    with django_assert_num_queries(6):
        few = snap(district)
    with django_assert_num_queries(4):  # actions in force, leads, milestones, officers
        reminder_recipients(quarter=Q3.next)
    grow(55)
    with django_assert_num_queries(6):
        many = snap(district)
    with django_assert_num_queries(4):
        reminder_recipients(quarter=Q3.next)
    assert (few["action_count"], many["action_count"]) == (5, 60)
    assert len(many["exceptions"]["overdue_milestones"]) == 60
    assert len(many["exceptions"]["worse"]) == 60
