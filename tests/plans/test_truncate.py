"""The database rules hold against the app's own role too (PostgreSQL): TRUNCATE, which
row triggers do not see, is refused on the append-only and frozen tables, and a role
granted only SELECT, INSERT, UPDATE and DELETE (README, production) can do neither."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from actions.models import StatusUpdate
from actions.services import status_update_record
from plans.models import PlanVersion
from tests import factories

APP_ROLE = "csp_tracker_app_test"


@pytest.fixture
def history(require_postgres, coordinator, district):
    plan = factories.PlanFactory(partnership=district)
    action = factories.ActionFactory(plan=plan, priority=factories.PriorityFactory(plan=plan))
    status_update_record(action=action, author=coordinator, status="on_track", commentary="Ok")
    return factories.published_version(plan)


def _refused(sql: str) -> str:
    with connection.cursor() as c:
        # The test's own inserts leave deferred foreign-key checks pending, which would
        # stop a TRUNCATE before any trigger is asked.
        c.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as c:
        c.execute(sql)
    return str(refused.value)


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ("actions_statusupdate", "Status updates are history: TRUNCATE"),
        ("actions_statusupdatemilestone", "Status updates are history: TRUNCATE"),
        ("actions_updatereview", "Status updates are history: TRUNCATE"),
        ("plans_planversion", "A published version is frozen: TRUNCATE on plans_planversion"),
        ("plans_planversionchange", "A published version is frozen: TRUNCATE"),
        ("performance_fundedprojectstatus", "Performance history is append-only: TRUNCATE"),
        ("performance_indicatorvalue", "Performance history is append-only: TRUNCATE"),
    ],
)
def test_truncate_is_refused_even_for_the_owner(history, table, words):
    assert words in _refused(f"TRUNCATE {table} CASCADE")
    assert StatusUpdate.objects.count() == 1 and PlanVersion.objects.count() == 1


def test_a_cascade_from_the_plans_does_not_empty_them_either(history):
    assert "TRUNCATE" in _refused("TRUNCATE plans_plan CASCADE")
    assert PlanVersion.objects.filter(status="published").count() == 1


def test_the_apps_role_without_ownership_can_neither_truncate_nor_rewrite(history):
    with connection.cursor() as c:
        c.execute(f"CREATE ROLE {APP_ROLE} NOLOGIN")  # rolled back with the test
        c.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}"
        )
        c.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}")
        c.execute(f"SET ROLE {APP_ROLE}")
    try:
        assert "permission denied" in _refused("TRUNCATE actions_statusupdate CASCADE")
        assert "Status updates are history" in _refused("DELETE FROM actions_statusupdate")
        assert "frozen" in _refused("UPDATE plans_planversion SET sha256 = ''")
        assert "must be owner" in _refused(
            "DROP TRIGGER actions_statusupdate_no_truncate ON actions_statusupdate"
        )
        assert StatusUpdate.objects.count() == 1  # and it reads and writes as usual
    finally:
        with connection.cursor() as c:
            c.execute("RESET ROLE")


@pytest.mark.django_db(transaction=True)
def test_the_flush_still_empties_everything_and_puts_the_guards_back(require_postgres):
    district = factories.DistrictFactory()
    user = factories.UserFactory()
    plan = factories.PlanFactory(partnership=district)
    action = factories.ActionFactory(plan=plan, priority=factories.PriorityFactory(plan=plan))
    status_update_record(action=action, author=user, status="on_track", commentary="Ok")
    factories.published_version(plan)
    call_command("flush", interactive=False, verbosity=0)
    assert not StatusUpdate.objects.exists() and not PlanVersion.objects.exists()
    with connection.cursor() as c:
        c.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE '%%_no_truncate' ORDER BY 1")
        names = [row[0] for row in c.fetchall()]
    assert names == [
        "actions_statusupdate_no_truncate",
        "actions_statusupdatemilestone_no_truncate",
        "actions_updatereview_no_truncate",
        "performance_fundedprojectstatus_no_truncate",
        "performance_indicatorvalue_no_truncate",
        "plans_planversion_no_truncate",
        "plans_planversionchange_no_truncate",
    ]
