"""Database triggers that make status updates (and their sign-off steps) append-only, on
SQLite and PostgreSQL, built by csp_tracker.db.AppendOnly as performance's are.

Code never updates or deletes a status update; these triggers make sure nothing else
does either (a shell, the admin, a bulk query). A whole-database flush is the one
exception: see actions/management/commands/flush.py.
"""

from collections.abc import Sequence

from csp_tracker.db import AppendOnly, execute

__all__ = ["create_sql", "drop_sql", "execute", "truncate_create_sql", "truncate_drop_sql"]

# Every append-only table, for the flush command. Each migration names the tables it guards
# itself: it must not reach a table a later migration makes (a fresh database runs them in
# order).
APPEND_ONLY_TABLES = [
    "actions_statusupdate",
    "actions_statusupdatemilestone",
    "actions_updatereview",
]


def _triggers(tables: Sequence[str]) -> AppendOnly:
    return AppendOnly(
        tables=list(tables), function="csp_refuse_change", refusal="Status updates are history"
    )


def create_sql(vendor: str, tables: Sequence[str] = APPEND_ONLY_TABLES) -> list[str]:
    return _triggers(tables).create_sql(vendor)


def drop_sql(vendor: str, tables: Sequence[str] = APPEND_ONLY_TABLES) -> list[str]:
    return _triggers(tables).drop_sql(vendor)


def truncate_create_sql(vendor: str, tables: Sequence[str] = APPEND_ONLY_TABLES) -> list[str]:
    """PostgreSQL: TRUNCATE (which row triggers do not see) is refused too, for every role
    that may run it, the tables' owner included. SQLite has no TRUNCATE."""
    return _triggers(tables).truncate_create_sql(vendor)


def truncate_drop_sql(vendor: str, tables: Sequence[str] = APPEND_ONLY_TABLES) -> list[str]:
    return _triggers(tables).truncate_drop_sql(vendor)
