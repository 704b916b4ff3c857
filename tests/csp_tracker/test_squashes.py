"""Each app's one migration stands in for exactly the files it was squashed from, so a
database those files migrated takes it as applied; migrate refuses a database stopped
part-way through them (csp_tracker/squashes.py)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from csp_tracker.squashes import squashes_part_applied

# The migration files each app had when they were squashed (main at 1eb4929).
REPLACED = {
    ("plans", "0001_squashed_0011_partnership_updates_need_sign_off"): [
        "0001_initial",
        "0002_publication",
        "0003_published_versions_frozen",
        "0004_plan_years_bounded",
        "0005_published_versions_frozen_on_delete",
        "0006_plan_yearly_action_plan_of_a_strategy",
        "0007_coordinators_publish_their_plans",
        "0008_admin_rights_for_service_administrators_only",
        "0009_generated_performance_tables",
        "0010_published_versions_no_truncate",
        "0011_partnership_updates_need_sign_off",
    ],
    ("priorities", "0001_squashed_0002_priority_lists_categories_and_headings"): [
        "0001_initial",
        "0002_priority_lists_categories_and_headings",
    ],
    ("actions", "0001_squashed_0006_update_reviews"): [
        "0001_initial",
        "0002_status_updates_append_only",
        "0003_action_updates_version",
        "0004_status_updates_no_truncate",
        "0005_update_requests",
        "0006_update_reviews",
    ],
    ("performance", "0001_squashed_0003_history_no_truncate"): [
        "0001_initial",
        "0002_history_append_only",
        "0003_history_no_truncate",
    ],
    ("reporting", "0001_squashed_0005_update_request_emails"): [
        "0001_initial",
        "0002_email_deliveries",
        "0003_reporting_calendar",
        "0004_reminder_digests",
        "0005_update_request_emails",
    ],
}
UNSQUASHED = {
    ("accounts", "0001_initial"),
    ("jobs", "0001_initial"),
    ("partnerships", "0001_invitations"),
}


def test_each_squashed_migration_replaces_exactly_the_files_it_was_made_from():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    replaces = {key: list(migration.replaces) for key, migration in loader.replacements.items()}
    assert replaces == {key: [(key[0], name) for name in names] for key, names in REPLACED.items()}


def test_each_app_starts_from_its_squash_and_none_of_the_replaced_files_is_back():
    """Each app's first migration is its squash (or its one file); migrations written
    since follow it; none of the files it replaced is on disk again."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    apps = {app for app, _name in [*REPLACED, *UNSQUASHED]}
    on_disk = {key for key in loader.disk_migrations if key[0] in apps}
    firsts = {key for key in on_disk if key[1].startswith("0001_")}
    assert firsts == {*REPLACED, *UNSQUASHED}
    replaced = {(key[0], name) for key, names in REPLACED.items() for name in names}
    assert not on_disk & replaced
    for key in on_disk - firsts:
        assert int(key[1][:4]) > max(
            (int(name[:4]) for k, names in REPLACED.items() if k[0] == key[0] for name in names),
            default=1,
        ), f"{key} is numbered among the files the squash replaced"


@pytest.mark.django_db
def test_migrate_refuses_a_database_stopped_part_way_through_the_replaced_files():
    assert squashes_part_applied("default") == []
    MigrationRecorder.Migration.objects.filter(
        app="reporting",
        name__in=["0005_update_request_emails", "0001_squashed_0005_update_request_emails"],
    ).delete()
    assert squashes_part_applied("default") == [
        "reporting.0001_squashed_0005_update_request_emails"
    ]
    # As `manage.py migrate` runs it: with its system checks (call_command skips them
    # unless asked), which refuse before the migrations' state is read.
    with pytest.raises(CommandError, match=r"reporting\.0001_squashed_0005_update_request_emails"):
        call_command("migrate", verbosity=0, interactive=False, skip_checks=False)


@pytest.mark.parametrize("vendor", ["mysql", "oracle"])
def test_triggers_refuse_a_database_the_service_does_not_run_on(vendor):
    """The history that may not change is guarded by triggers written for PostgreSQL and
    SQLite: a migration elsewhere stops and says so, rather than leave it unguarded."""
    from django.core.exceptions import ImproperlyConfigured

    from actions import triggers as action_triggers
    from plans import triggers as plan_triggers

    for create in (action_triggers.create_sql, plan_triggers.create_sql):
        with pytest.raises(ImproperlyConfigured, match=f"PostgreSQL or SQLite, not {vendor}"):
            create(vendor)
