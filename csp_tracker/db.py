"""How the services write a row (checked_save), and the raw SQL the migrations and the
flush command run (database triggers)."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import migrations
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import Model

M = TypeVar("M", bound=Model)


def checked_save(obj: M, **changes: object) -> M:
    """``obj`` with ``changes`` set, checked by its model's validation (``full_clean``,
    which raises ValidationError) and saved: the one way a service writes a row."""
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    return obj


def unsupported_database(vendor: str, what: str) -> ImproperlyConfigured:
    """The refusal of a migration on a database the service does not run on: its triggers
    (the history that may not change) are written for PostgreSQL and SQLite only, and a
    database without them must not be migrated as if it had them."""
    return ImproperlyConfigured(
        f"CSP Tracker runs on PostgreSQL or SQLite, not {vendor}: it has no {what} for it"
    )


def execute(connection: BaseDatabaseWrapper, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def migration_sql(
    create: Callable[[str], list[str]], drop: Callable[[str], list[str]]
) -> migrations.RunPython:
    """A migration's step that runs the statements `create` gives for the database's vendor
    (the triggers are written per vendor, which RunSQL cannot choose), and `drop`'s when
    the migration is reversed."""

    def run(sql: Callable[[str], list[str]]) -> Callable[[Any, BaseDatabaseSchemaEditor], None]:
        def step(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
            execute(schema_editor.connection, sql(schema_editor.connection.vendor))

        return step

    return migrations.RunPython(run(create), run(drop))


class AppendOnly:
    """The triggers that make tables append-only: on PostgreSQL a function that refuses
    the change, called by a row trigger on UPDATE and DELETE and a statement trigger on
    TRUNCATE (which row triggers do not see); on SQLite a trigger per operation. An app's
    triggers module names its tables, its function and the words of the refusal."""

    def __init__(self, *, tables: list[str], function: str, refusal: str) -> None:
        self.tables = tables
        self.function = function
        self.refusal = refusal

    def _pg_function(self) -> str:
        return f"""
CREATE OR REPLACE FUNCTION {self.function}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{self.refusal}: % on % is not allowed', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""

    def create_sql(self, vendor: str) -> list[str]:
        statements = []
        if vendor == "postgresql":
            statements.append(self._pg_function())
        for table in self.tables:
            if vendor == "postgresql":
                statements.append(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION {self.function}();"
                )
            elif vendor == "sqlite":
                for op in ("UPDATE", "DELETE"):
                    statements.append(
                        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} "
                        f"ON {table} BEGIN SELECT RAISE(ABORT, '{self.refusal}: {op} on "
                        f"{table} is not allowed'); END;"
                    )
            else:
                raise unsupported_database(vendor, "append-only triggers")
        return statements

    def drop_sql(self, vendor: str) -> list[str]:
        statements = []
        for table in self.tables:
            if vendor == "postgresql":
                statements.append(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
            else:
                statements += [
                    f"DROP TRIGGER IF EXISTS {table}_no_update;",
                    f"DROP TRIGGER IF EXISTS {table}_no_delete;",
                ]
        return statements

    def truncate_create_sql(self, vendor: str) -> list[str]:
        """PostgreSQL: TRUNCATE is refused too, for every role that may run it, the
        tables' owner included. SQLite has no TRUNCATE."""
        if vendor != "postgresql":
            return []
        return [self._pg_function()] + [
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {self.function}();"
            for table in self.tables
        ]

    def truncate_drop_sql(self, vendor: str) -> list[str]:
        if vendor != "postgresql":
            return []
        return [f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};" for table in self.tables]
