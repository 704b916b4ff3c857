import pytest
from django.core.management import call_command
from django.test import override_settings

from demo.loader import load_demo


@pytest.mark.django_db
def test_the_benchmark_runs_on_the_demo_data(capsys: pytest.CaptureFixture[str]) -> None:
    """Keeps the benchmark working; it measures, it does not judge times."""
    load_demo()
    call_command("benchmark", repeat=1)
    out = capsys.readouterr().out
    for label in [
        "exception report PDF render",
        "Swale plan PDF render",
        "CSA PDF render",
        "page: all actions (officer)",
        "largest section: plan PDF within the budget",
        "largest section: raw WeasyPrint, same HTML",
        "largest section: ratio to raw WeasyPrint",
        "exception report PDF: ratio to raw WeasyPrint",
        "page: bare page: base.html, signed in",
        "page: action list (county admin)",
        "page: /published/ (signed out)",
        "report snapshots: ratio to raw SQL",
        "Swale plan: whole publish path (document_make)",
        "CSA: whole publish path (document_make)",
        "exception report: render + tag step (a report build)",
        "exception report: render + tag step + check",
    ]:
        assert label in out


@pytest.mark.django_db
def test_the_benchmark_refuses_a_day_when_the_officers_list_is_empty() -> None:
    """On a day no demo plan is in force, "Your actions" is an empty page: measuring it
    would be measuring something else, so the benchmark says which day to use."""
    load_demo()
    with override_settings(CSP_TODAY="2031-01-15"), pytest.raises(SystemExit, match="CSP_TODAY"):
        call_command("benchmark", repeat=1, pages_only=True)


def test_the_largest_allowed_section_is_at_every_limit() -> None:
    from demo.management.commands.benchmark import largest_allowed_section
    from plans.text import MAX_NESTING, MAX_SECTION_LENGTH, MAX_TABLE_CELLS, text_measure

    text = largest_allowed_section()
    measure = text_measure(text)
    assert MAX_SECTION_LENGTH - 1000 < len(text) <= MAX_SECTION_LENGTH
    assert measure.nesting == MAX_NESTING and measure.cells == MAX_TABLE_CELLS


@pytest.mark.django_db
def test_the_raw_sql_yardstick_returns_a_row_per_action_in_scope() -> None:
    """The snapshot's yardstick reads the same actions the snapshots report on."""
    from csp_tracker.periods import Quarter
    from demo.management.commands.benchmark import _raw_snapshot_rows
    from reporting.snapshot import exception_report_snapshots, partnerships_with_plans_for

    load_demo()
    quarter = Quarter(2023, 3)
    rows = _raw_snapshot_rows(quarter, quarter.end)
    partnerships = list(partnerships_with_plans_for(quarter=quarter))
    snapshots = exception_report_snapshots(partnerships=partnerships, quarter=quarter)
    assert len(rows) == sum(s["action_count"] for s in snapshots.values()) > 0


@pytest.mark.django_db
def test_the_raw_sql_yardstick_selects_what_the_snapshots_contain(county, district, agency):
    """The yardstick applies the snapshots' rules: only updates that count (not one waiting
    for sign-off, not a returned one), an action's history across its lineage, and no
    overdue milestones for a completed action. Its rows give the same statuses, previous
    statuses and overdue milestones, per action, as the snapshot."""
    from collections import Counter
    from datetime import date

    from actions.models import Status, UpdateReview
    from demo.management.commands.benchmark import _raw_snapshot_rows
    from reporting.snapshot import NO_UPDATE, exception_report_snapshots
    from tests import factories
    from tests.reporting.conftest import Q2, Q3, record

    plan = factories.PlanFactory(partnership=district)
    old_plan = factories.PlanFactory(partnership=district, start_year=2022, end_year=2023)
    priority = factories.PriorityFactory(plan=plan)
    author = factories.MembershipFactory(partnership=district, role="officer", agency=agency).user
    coordinator = factories.MembershipFactory(partnership=district, role="coordinator").user

    def action(reference, **kwargs):
        return factories.ActionFactory(plan=plan, priority=priority, reference=reference, **kwargs)

    def review(update, decision, comment=""):
        UpdateReview.objects.create(
            update=update,
            decision=decision,
            reviewer=None if decision == UpdateReview.Decision.SUBMITTED else coordinator,
            comment=comment,
            created_at=update.created_at,
        )

    def milestone(of, due, done=None):
        factories.MilestoneFactory(action=of, due_date=due, done_date=done)

    plain = action("1.1")
    record(plain, Q2, "on_track", author)
    record(plain, Q3, "at_risk", author)
    milestone(plain, date(2023, 12, 31))  # due on the as-at day, which is over: overdue
    milestone(plain, date(2023, 12, 1), done=date(2024, 1, 2))  # done after: overdue
    milestone(plain, date(2023, 11, 1), done=date(2023, 11, 15))  # done in time
    milestone(plain, date(2024, 1, 15))  # not due yet
    milestone(plain, None)  # ongoing
    waiting = action("1.2")
    record(waiting, Q2, "on_track", author)
    review(record(waiting, Q3, "off_track", author), UpdateReview.Decision.SUBMITTED)
    returned = action("1.3")
    record(returned, Q2, "at_risk", author)
    approved = record(returned, Q3, "on_track", author)
    review(approved, UpdateReview.Decision.SUBMITTED)
    review(approved, UpdateReview.Decision.APPROVED)
    sent_back = record(returned, Q3, "completed", author, minute=5)
    review(sent_back, UpdateReview.Decision.SUBMITTED)
    review(sent_back, UpdateReview.Decision.RETURNED, comment="Not finished yet")
    earlier = factories.ActionFactory(
        plan=old_plan, priority=factories.PriorityFactory(plan=old_plan)
    )
    record(earlier, Q2, "off_track", author)
    carried = action("1.4", lineage=earlier.lineage, carried_from=earlier)
    record(carried, Q3, "on_track", author)
    done_now = action("1.5")
    record(done_now, Q2, "on_track", author)
    record(done_now, Q3, "completed", author)
    milestone(done_now, date(2023, 10, 1))
    done_before = action("1.6")
    record(done_before, Q2, "completed", author)
    milestone(done_before, date(2023, 9, 1))
    silent = action("1.7")
    milestone(silent, date(2023, 12, 31))

    rows = _raw_snapshot_rows(Q3, Q3.end)
    # Per action: the quarter and status of its latest update as of Q3 and as of Q2, and
    # how many of its milestones are overdue.
    raw = {row[2]: (row[4], row[5], row[6], row[10], row[11], row[12], row[13]) for row in rows}
    assert raw == {
        "1.1": (2023, 3, "at_risk", 2023, 2, "on_track", 2),
        "1.2": (2023, 2, "on_track", 2023, 2, "on_track", 0),
        "1.3": (2023, 3, "on_track", 2023, 2, "at_risk", 0),
        "1.4": (2023, 3, "on_track", 2023, 2, "off_track", 0),
        "1.5": (2023, 3, "completed", 2023, 2, "on_track", 0),
        "1.6": (2023, 2, "completed", 2023, 2, "completed", 0),
        "1.7": (None, None, None, None, None, None, 1),
    }

    def bucket(year, number, status, quarter):
        updated = (year, number) == (quarter.financial_year, quarter.number)
        return status if updated or status == Status.COMPLETED else NO_UPDATE

    now = {ref: bucket(*r[0:3], Q3) for ref, r in raw.items()}
    before = {ref: bucket(*r[3:6], Q2) for ref, r in raw.items()}
    snapshot = exception_report_snapshots(
        partnerships=[district], quarter=Q3, today=date(2024, 1, 5)
    )[district.pk]
    assert snapshot["action_count"] == len(rows)
    assert {c["key"]: c["current"] for c in snapshot["comparison"]} == {
        key: Counter(now.values())[key] for key in {c["key"] for c in snapshot["comparison"]}
    }
    assert {c["key"]: c["previous"] for c in snapshot["comparison"]} == {
        key: Counter(before.values())[key] for key in {c["key"] for c in snapshot["comparison"]}
    }
    assert {(c["reference"], c["before"], c["after"]) for c in snapshot["changes"]} == {
        (ref, before[ref], now[ref]) for ref in raw if before[ref] != now[ref]
    }
    exceptions = snapshot["exceptions"]
    assert {
        (e["reference"], e["status"], e["status_before"], e["commentary"])
        for e in exceptions["off_track"] + exceptions["at_risk"]
    } == {
        (row[2], row[6], row[12] or "", row[7])
        for row in rows
        if now[row[2]] in (Status.OFF_TRACK, Status.AT_RISK)
    }
    assert {(e["reference"], e["last_status"]) for e in exceptions["no_update"]} == {
        (row[2], row[12] or "") for row in rows if now[row[2]] == NO_UPDATE
    }
    assert Counter(m["reference"] for m in exceptions["overdue_milestones"]) == {
        ref: r[6] for ref, r in raw.items() if r[6]
    }
    assert snapshot["awaiting_sign_off"] == 1


@pytest.mark.django_db
def test_a_page_is_measured_as_served_and_one_that_writes_is_refused() -> None:
    """Pages are timed in their own committed transaction, as a web process serves them
    (a rollback would make psycopg drop every prepared statement); so a page must not
    write, and the benchmark says so if one does."""
    from accounts.models import User
    from demo.management.commands.benchmark import Command

    seconds, queries = Command._measured_as_served(lambda: list(User.objects.all()))
    assert seconds > 0 and queries == 1
    with pytest.raises(SystemExit, match="wrote to the database"):
        Command._measured_as_served(lambda: User.objects.create(email="w@example.org"))
