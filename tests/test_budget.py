"""Work within a time and memory budget (csp_tracker/budget.py)."""

import os
import signal
import time

import pytest

from csp_tracker.budget import Budget, BudgetExceeded, run_within_budget
from plans.models import Partnership

ROOMY = Budget(seconds=30, memory_mb=512)


def _answer(x: int) -> dict[str, int]:
    return {"answer": x * 2}


def _sleep() -> None:
    time.sleep(30)


def _hog() -> bytes:
    return bytes(400 * 1024 * 1024)


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _fail() -> None:
    raise ValueError("fonts went missing")


def _query() -> int:
    return Partnership.objects.count()


def test_the_answer_comes_back():
    assert run_within_budget(_answer, 21, budget=ROOMY, what="The sum") == {"answer": 42}


def test_work_past_the_time_is_stopped_with_the_reason():
    started = time.monotonic()
    with pytest.raises(BudgetExceeded) as exceeded:
        run_within_budget(_sleep, budget=Budget(seconds=0.5, memory_mb=512), what="The document")
    assert time.monotonic() - started < 10
    assert exceeded.value.kind == "time"
    assert exceeded.value.reason.startswith(
        "The document took too long to make: it was stopped after 0.5 seconds"
    )


def test_work_past_the_memory_is_stopped_with_the_reason():
    with pytest.raises(BudgetExceeded) as exceeded:
        run_within_budget(_hog, budget=Budget(seconds=30, memory_mb=100), what="The document")
    assert exceeded.value.kind == "memory"
    assert "needed more memory than the 100 MB allowed" in exceeded.value.reason


def test_a_child_that_dies_is_reported():
    with pytest.raises(BudgetExceeded) as exceeded:
        run_within_budget(_die, budget=ROOMY, what="The document")
    assert exceeded.value.kind == "crash"
    assert "The document could not be made" in exceeded.value.reason


def test_an_error_in_the_work_is_raised_as_it_was():
    with pytest.raises(ValueError, match="fonts went missing"):
        run_within_budget(_fail, budget=ROOMY, what="The document")


@pytest.mark.django_db
def test_the_work_cannot_use_the_parents_database_connection():
    Partnership.objects.count()  # the connection is open when the child is forked
    with pytest.raises(RuntimeError, match="must not use the database"):
        run_within_budget(_query, budget=ROOMY, what="The count")
    assert Partnership.objects.count() == 0  # and the parent's still works


def test_it_works_from_a_daemonic_process_as_celery_pool_workers_are(monkeypatch):
    import multiprocessing

    # Celery's pool marks its children daemonic in this private dict.
    config = multiprocessing.current_process()._config  # type: ignore[attr-defined]
    monkeypatch.setitem(config, "daemon", True)
    assert run_within_budget(_answer, 1, budget=ROOMY, what="The sum") == {"answer": 2}
