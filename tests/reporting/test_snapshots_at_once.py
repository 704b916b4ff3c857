"""Every partnership's report snapshot at once (reporting.snapshot.exception_report_snapshots),
as the quarterly sweep takes them: the same answer as one partnership at a time, in the same
few queries for one partnership or many."""

import gc
from datetime import date

import pytest
from django.utils import timezone

from actions.models import Action, UpdateReview
from reporting import services, snapshot, tasks
from reporting.models import ExceptionReport
from reporting.snapshot import exception_report_snapshot, exception_report_snapshots
from tests import factories
from tests.reporting.conftest import Q2, Q3, record

pytestmark = pytest.mark.django_db

AFTER_Q3 = date(2024, 1, 5)


def _partnership_with_actions(county, n, statuses, author_agency):
    """A district with a plan of ``n`` actions, each updated in Q2 and Q3 with the given
    statuses, one milestone overdue, its leads, and an earlier plan's version carried."""
    district = factories.DistrictFactory(parent=county)
    plan = factories.PlanFactory(partnership=district)
    old_plan = factories.PlanFactory(partnership=district, start_year=2022, end_year=2023)
    priority = factories.PriorityFactory(plan=plan)
    old_priority = factories.PriorityFactory(plan=old_plan)
    author = factories.MembershipFactory(
        partnership=district, role="officer", agency=author_agency
    ).user
    for i in range(n):
        old = factories.ActionFactory(plan=old_plan, priority=old_priority)
        record(old, Q2, statuses[(i + 1) % len(statuses)], author)
        action = factories.ActionFactory(
            plan=plan,
            priority=priority,
            lineage=old.lineage,
            carried_from=old,
            lead_agencies=[author_agency],
        )
        record(action, Q3, statuses[i % len(statuses)], author)
        factories.MilestoneFactory(action=action, due_date=date(2023, 11, 30))
    return district


@pytest.fixture
def districts(county, agency):
    statuses = ["on_track", "at_risk", "off_track", "completed", "not_started"]
    return [
        _partnership_with_actions(county, n, statuses[k:] + statuses[:k], agency)
        for k, n in enumerate([3, 5, 7])
    ]


def test_at_once_is_the_same_as_one_at_a_time(districts):
    together = exception_report_snapshots(partnerships=districts, quarter=Q3, today=AFTER_Q3)
    assert set(together) == {d.pk for d in districts}
    for district in districts:
        alone = exception_report_snapshot(partnership=district, quarter=Q3, today=AFTER_Q3)
        assert together[district.pk] == alone
        assert alone["action_count"] in (3, 5, 7)
    counts = [s["action_count"] for s in together.values()]
    assert sorted(counts) == [3, 5, 7]
    # Each report holds its own partnership's actions only.
    for district in districts:
        groups = together[district.pk]["summary"]["groups"]
        assert sum(g["total"] for g in groups) == together[district.pk]["action_count"]


def test_an_update_waiting_for_sign_off_counts_the_same_at_once(districts, county):
    district = districts[0]
    action = Action.objects.filter(plan__partnership=district, plan__start_year=2023)[0]
    update = action.updates.order_by("-created_at")[0]
    UpdateReview.objects.create(
        update=update, decision=UpdateReview.Decision.SUBMITTED, created_at=timezone.now()
    )
    together = exception_report_snapshots(partnerships=districts, quarter=Q3, today=AFTER_Q3)
    alone = exception_report_snapshot(partnership=district, quarter=Q3, today=AFTER_Q3)
    assert together[district.pk] == alone
    assert alone["awaiting_sign_off"] == 1


def test_the_same_queries_for_one_partnership_or_three(districts, django_assert_num_queries):
    with django_assert_num_queries(6) as one:
        exception_report_snapshots(partnerships=districts[:1], quarter=Q3, today=AFTER_Q3)
    with django_assert_num_queries(6) as three:
        exception_report_snapshots(partnerships=districts, quarter=Q3, today=AFTER_Q3)
    assert len(one.captured_queries) == len(three.captured_queries)


def test_the_sweep_takes_every_snapshot_at_once_and_the_builds_only_render(
    districts, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """The quarterly sweep takes the snapshots together before it sends the builds: a build
    then renders its PDF from the report's snapshot and takes none of its own."""
    settings.CSP_TODAY = "2024-01-05"

    def not_again(**kwargs):
        raise AssertionError("a scheduled build took its own snapshot")

    taken = []
    real = services.exception_report_snapshots

    def counted(**kwargs):
        taken.append(len(kwargs["partnerships"]))
        return real(**kwargs)

    monkeypatch.setattr(services, "exception_report_snapshot", not_again)
    monkeypatch.setattr(services, "exception_report_snapshots", counted)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.build_quarter_reports.run() == 3
    assert taken == [3]
    reports = ExceptionReport.objects.filter(partnership__in=districts)
    assert {r.status for r in reports} == {ExceptionReport.Status.READY}
    for report in reports:
        alone = exception_report_snapshot(
            partnership=report.partnership, quarter=Q3, today=AFTER_Q3
        )
        assert report.snapshot == alone


def test_a_build_now_takes_its_own_snapshot(
    districts, settings, django_capture_on_commit_callbacks
):
    settings.CSP_TODAY = "2024-01-05"
    with django_capture_on_commit_callbacks(execute=True):
        report = services.exception_report_request(partnership=districts[1], quarter=Q3)
    report.refresh_from_db()
    assert report.status == ExceptionReport.Status.READY
    assert report.snapshot["action_count"] == 5


def test_the_collector_is_held_off_while_the_snapshots_are_built_and_restored(
    districts, monkeypatch
):
    """The cyclic collector does not run during a build (its full passes were a fifth of
    one), and is on again afterwards, also when the build fails."""
    seen = []
    build_one = snapshot._snapshot

    def watched(*args, **kwargs):
        seen.append(gc.isenabled())
        return build_one(*args, **kwargs)

    monkeypatch.setattr(snapshot, "_snapshot", watched)
    assert gc.isenabled()
    snapshots = exception_report_snapshots(partnerships=districts, quarter=Q3, today=AFTER_Q3)
    assert len(snapshots) == len(districts)
    assert seen and not any(seen)
    assert gc.isenabled()

    def broken(*args, **kwargs):
        raise RuntimeError("a build that fails")

    monkeypatch.setattr(snapshot, "_snapshot", broken)
    with pytest.raises(RuntimeError):
        exception_report_snapshots(partnerships=districts, quarter=Q3, today=AFTER_Q3)
    assert gc.isenabled()
