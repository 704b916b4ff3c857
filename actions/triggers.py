"""Database triggers that make status updates append-only, on SQLite and PostgreSQL.

Code never updates or deletes a status update; these triggers make sure nothing else
does either (a shell, the admin, a bulk query). A whole-database flush is the one
exception: see actions/management/commands/flush.py.
"""

from csp_tracker.db import AppendOnly, execute

__all__ = ["create_sql", "drop_sql", "execute", "truncate_create_sql", "truncate_drop_sql"]

APPEND_ONLY_TABLES = ["actions_statusupdate", "actions_statusupdatemilestone"]

_TRIGGERS = AppendOnly(
    tables=APPEND_ONLY_TABLES,
    function="csp_refuse_change",
    refusal="Status updates are history",
)
create_sql = _TRIGGERS.create_sql
drop_sql = _TRIGGERS.drop_sql
truncate_create_sql = _TRIGGERS.truncate_create_sql
truncate_drop_sql = _TRIGGERS.truncate_drop_sql
