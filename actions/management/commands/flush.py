"""Django's flush, able to empty the append-only tables.

Emptying the whole database is the one time history may go: PostgreSQL's flush uses
TRUNCATE, which row triggers do not see, but SQLite's uses DELETE, which the append-only
triggers refuse. On SQLite the triggers are dropped for the flush and put back after.
Test databases are flushed between transactional tests this way.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from actions import append_only


class Command(FlushCommand):
    def handle(self, **options: object) -> None:
        connection = connections[options["database"]]  # type: ignore[index]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        append_only.execute(connection, append_only.drop_sql("sqlite"))
        try:
            super().handle(**options)
        finally:
            append_only.execute(connection, append_only.create_sql("sqlite"))
