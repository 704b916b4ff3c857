"""Real concurrent saves, on PostgreSQL: threads with their own connections."""

from collections.abc import Callable

import pytest
from django.db import connection

from actions.models import Action, StatusUpdate
from actions.services import ActionData, StaleEdit, action_update, status_update_record
from tests import factories
from tests.race import race

pytestmark = pytest.mark.django_db(transaction=True)

RUNNERS = 6


def _race(work: Callable[[int], None]) -> tuple[int, int, list[BaseException]]:
    result = race(work, runners=RUNNERS, lost=(StaleEdit,))
    return len(result.won), len(result.lost), result.errors


def test_concurrent_status_updates_exactly_one_wins(require_postgres):
    assert connection.vendor == "postgresql"
    action = factories.ActionFactory()
    author = factories.UserFactory()
    opened = action.updates_version

    def work(i: int) -> None:
        status_update_record(
            action=Action.objects.get(pk=action.pk),
            author=author,
            status="on_track",
            commentary=f"Runner {i}",
            expected_version=opened,
        )

    wins, stale, errors = _race(work)
    assert errors == []
    assert (wins, stale) == (1, RUNNERS - 1)
    assert StatusUpdate.objects.filter(action=action).count() == wins


def test_concurrent_action_edits_exactly_one_wins(require_postgres):
    action = factories.ActionFactory(title="Before")
    user = factories.UserFactory()
    opened = action.lock_version
    before = action.history.count()

    def work(i: int) -> None:
        fresh = Action.objects.get(pk=action.pk)
        action_update(
            action=fresh,
            data=ActionData(
                reference=fresh.reference, title=f"Runner {i}", priority=fresh.priority
            ),
            expected_version=opened,
            user=user,
        )

    wins, stale, errors = _race(work)
    assert errors == []
    assert (wins, stale) == (1, RUNNERS - 1)
    assert action.history.count() - before == wins
    action.refresh_from_db()
    assert action.title.startswith("Runner ")
