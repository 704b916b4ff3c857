"""Database triggers that make a project's status history and an indicator's values
append-only, on SQLite and PostgreSQL (as actions/triggers.py does for status updates).

A correction is a new row; nothing (a shell, the admin, a bulk query) changes or deletes
one. A whole-database flush is the one exception: see actions/management/commands/flush.py.
"""

from csp_tracker.db import AppendOnly, execute

__all__ = ["create_sql", "drop_sql", "execute", "truncate_create_sql", "truncate_drop_sql"]

APPEND_ONLY_TABLES = ["performance_fundedprojectstatus", "performance_indicatorvalue"]

_TRIGGERS = AppendOnly(
    tables=APPEND_ONLY_TABLES,
    function="csp_performance_refuse_change",
    refusal="Performance history is append-only",
)
create_sql = _TRIGGERS.create_sql
drop_sql = _TRIGGERS.drop_sql
truncate_create_sql = _TRIGGERS.truncate_create_sql
truncate_drop_sql = _TRIGGERS.truncate_drop_sql
