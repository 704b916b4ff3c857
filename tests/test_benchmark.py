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
    ]:
        assert label in out
