"""Each app's migrations are squashed into one that `replaces` the old files, which are
gone. Django takes the squashed migration as applied where all the files it replaces
were, and as the thing to run where none were; a database stopped part-way through them
it would take as having no migrations at all for the app, and carry on without the rest.
migrate refuses such a database instead (an earlier release, which still has the old
files, migrates it to their end first)."""

from typing import Any

from django.core.management.base import CommandError
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


def refuse_part_applied_squashes(*, using: str, **kwargs: Any) -> None:
    """pre_migrate receiver: stops migrate before it changes anything."""
    part_applied = squashes_part_applied(using)
    if part_applied:
        raise CommandError(
            "This database stopped part-way through the migrations that "
            f"{', '.join(part_applied)} replaces. Migrate it with a release that still has "
            "them, then with this one."
        )
