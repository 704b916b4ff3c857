import pytest
from django.core.management import call_command

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
