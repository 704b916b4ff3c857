"""Database triggers that make status updates append-only, on SQLite and PostgreSQL.

Code never updates or deletes a status update; these triggers make sure nothing else
does either (a shell, the admin, a bulk query). A whole-database flush is the one
exception: see actions/management/commands/flush.py.
"""

from collections.abc import Sequence

from csp_tracker.db import execute

__all__ = ["create_sql", "drop_sql", "execute"]

# The tables each migration guards, frozen there: a migration must not reach a table a
# later migration makes (a fresh database runs them in order).
STATUS_UPDATE_TABLES = ["actions_statusupdate", "actions_statusupdatemilestone"]
REVIEW_TABLES = ["actions_updatereview"]
APPEND_ONLY_TABLES = STATUS_UPDATE_TABLES + REVIEW_TABLES

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION csp_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Status updates are history: % on % is not allowed', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def create_sql(vendor: str, tables: Sequence[str] = APPEND_ONLY_TABLES) -> list[str]:
    statements = []
    if vendor == "postgresql":
        statements.append(_PG_FUNCTION)
    for table in tables:
        if vendor == "postgresql":
            statements.append(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION csp_refuse_change();"
            )
        elif vendor == "sqlite":
            for op in ("UPDATE", "DELETE"):
                statements.append(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'Status updates are history: {op} on {table} "
                    "is not allowed'); END;"
                )
        else:
            raise NotImplementedError(f"No append-only triggers for {vendor}")
    return statements


def drop_sql(vendor: str, tables: Sequence[str] = APPEND_ONLY_TABLES) -> list[str]:
    statements = []
    for table in tables:
        if vendor == "postgresql":
            statements.append(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
        else:
            statements += [
                f"DROP TRIGGER IF EXISTS {table}_no_update;",
                f"DROP TRIGGER IF EXISTS {table}_no_delete;",
            ]
    return statements


def truncate_create_sql(vendor: str, tables: Sequence[str] = APPEND_ONLY_TABLES) -> list[str]:
    """PostgreSQL: TRUNCATE (which row triggers do not see) is refused too, for every role
    that may run it, the tables' owner included. SQLite has no TRUNCATE."""
    if vendor != "postgresql":
        return []
    return [_PG_FUNCTION] + [
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION csp_refuse_change();"
        for table in tables
    ]


def truncate_drop_sql(vendor: str, tables: Sequence[str] = APPEND_ONLY_TABLES) -> list[str]:
    if vendor != "postgresql":
        return []
    return [f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};" for table in tables]
