import pytest
from django.core.management import call_command

from demo.loader import load_demo


@pytest.mark.django_db
def test_the_benchmark_runs_on_the_demo_data(capsys):
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
    ]:
        assert label in out


def test_the_largest_allowed_section_is_at_every_limit():
    from demo.management.commands.benchmark import largest_allowed_section
    from plans.text import MAX_NESTING, MAX_SECTION_LENGTH, MAX_TABLE_CELLS, text_measure

    text = largest_allowed_section()
    measure = text_measure(text)
    assert MAX_SECTION_LENGTH - 1000 < len(text) <= MAX_SECTION_LENGTH
    assert measure.nesting == MAX_NESTING and measure.cells == MAX_TABLE_CELLS
