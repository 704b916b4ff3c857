"""Each app's migrations are squashed into one that `replaces` the old files, which are
gone. Django takes the squashed migration as applied where all the files it replaces
were, and as the thing to run where none were; a database stopped part-way through them
it would take as having no migrations at all for the app, and carry on without the rest.
migrate refuses such a database instead, by a database system check, which it runs first
(an earlier release, which still has the old files, migrates it to their end first)."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import connections
from django.db.migrations.loader import MigrationLoader


def squashes_part_applied(using: str) -> list[str]:
    """The squashed migrations of which some, but not all, replaced files are applied."""
    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    applied = loader.applied_migrations or {}
    return sorted(
        f"{app}.{name}"
        for (app, name), migration in loader.replacements.items()
        if len({key in applied for key in migration.replaces}) == 2
    )


@register(Tags.database)
def refuse_part_applied_squashes(
    *, app_configs: Sequence[AppConfig] | None, databases: Sequence[str] | None, **kwargs: Any
) -> list[CheckMessage]:
    """A database check, which migrate runs before it reads the migrations' state (where
    a later migration of the app would fail on the tables the missing files make)."""
    errors: list[CheckMessage] = []
    for using in databases or []:
        part_applied = squashes_part_applied(using)
        if part_applied:
            errors.append(
                Error(
                    "This database stopped part-way through the migrations that "
                    f"{', '.join(part_applied)} replaces. Migrate it with a release that "
                    "still has them, then with this one.",
                    id="csp_tracker.E001",
                )
            )
    return errors
