"""Django's flush, able to empty the tables that keep history.

Emptying the whole database is the one time history may go: PostgreSQL's flush uses
TRUNCATE, which row triggers do not see, but SQLite's uses DELETE, which the triggers
refuse (status updates are append-only, published versions are frozen). On SQLite the
triggers are dropped for the flush and put back after. Test databases are flushed between
transactional tests this way.
"""

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from actions import triggers as status_update_triggers
from plans import triggers as published_version_triggers

GUARDS = [status_update_triggers, published_version_triggers]


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        for guard in GUARDS:
            guard.execute(connection, guard.drop_sql("sqlite"))
        try:
            super().handle(**options)
        finally:
            for guard in GUARDS:
                guard.execute(connection, guard.create_sql("sqlite"))
