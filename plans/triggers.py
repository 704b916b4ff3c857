"""Database triggers that freeze a published version, on SQLite and PostgreSQL.

Once a PlanVersion is published, nothing may change it or its list of changes: not the
pages, the admin, a service call, a shell or a bulk query. The services check first and
say why (plans.services.PublishedVersionFrozen); these triggers are the guarantee.

Both databases refuse UPDATE and DELETE of a published version and of its changes. Only
a whole-database flush empties them: PostgreSQL's uses TRUNCATE, which row triggers do not
see, and on SQLite actions/management/commands/flush.py lifts the triggers for it.
"""

from csp_tracker.db import execute, unsupported_database

__all__ = ["create_sql", "drop_sql", "execute"]

_PG_FUNCTIONS = [
    """
CREATE OR REPLACE FUNCTION csp_refuse_published_version_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'A published version is frozen: % on plans_planversion is not allowed',
        TG_OP USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
""",
    """
CREATE OR REPLACE FUNCTION csp_refuse_published_change_row() RETURNS trigger AS $$
DECLARE
    version_id bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN version_id := OLD.version_id; ELSE version_id := NEW.version_id;
    END IF;
    IF EXISTS (SELECT 1 FROM plans_planversion WHERE id = version_id AND status = 'published')
       OR (TG_OP = 'UPDATE' AND EXISTS (
           SELECT 1 FROM plans_planversion WHERE id = OLD.version_id AND status = 'published'))
    THEN
        RAISE EXCEPTION 'A published version is frozen: % on plans_planversionchange is not '
            'allowed', TG_OP USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
""",
]


def create_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            *_PG_FUNCTIONS,
            "CREATE TRIGGER plans_planversion_frozen BEFORE UPDATE OR DELETE ON "
            "plans_planversion FOR EACH ROW WHEN (OLD.status = 'published') "
            "EXECUTE FUNCTION csp_refuse_published_version_change();",
            "CREATE TRIGGER plans_planversionchange_frozen BEFORE INSERT OR UPDATE OR DELETE "
            "ON plans_planversionchange FOR EACH ROW "
            "EXECUTE FUNCTION csp_refuse_published_change_row();",
        ]
    if vendor == "sqlite":
        refuse = (
            "SELECT RAISE(ABORT, 'A published version is frozen: {op} on {table} is not allowed')"
        )
        return [
            "CREATE TRIGGER IF NOT EXISTS plans_planversion_frozen_update BEFORE UPDATE ON "
            "plans_planversion FOR EACH ROW WHEN OLD.status = 'published' BEGIN "
            + refuse.format(op="UPDATE", table="plans_planversion")
            + "; END;",
            "CREATE TRIGGER IF NOT EXISTS plans_planversion_frozen_delete BEFORE DELETE ON "
            "plans_planversion FOR EACH ROW WHEN OLD.status = 'published' BEGIN "
            + refuse.format(op="DELETE", table="plans_planversion")
            + "; END;",
            "CREATE TRIGGER IF NOT EXISTS plans_planversionchange_frozen_delete BEFORE DELETE "
            "ON plans_planversionchange FOR EACH ROW WHEN EXISTS (SELECT 1 FROM "
            "plans_planversion WHERE id = OLD.version_id AND status = 'published') BEGIN "
            + refuse.format(op="DELETE", table="plans_planversionchange")
            + "; END;",
            "CREATE TRIGGER IF NOT EXISTS plans_planversionchange_frozen_insert BEFORE INSERT "
            "ON plans_planversionchange FOR EACH ROW WHEN EXISTS (SELECT 1 FROM "
            "plans_planversion WHERE id = NEW.version_id AND status = 'published') BEGIN "
            + refuse.format(op="INSERT", table="plans_planversionchange")
            + "; END;",
            "CREATE TRIGGER IF NOT EXISTS plans_planversionchange_frozen_update BEFORE UPDATE "
            "ON plans_planversionchange FOR EACH ROW WHEN EXISTS (SELECT 1 FROM "
            "plans_planversion WHERE status = 'published' AND id IN "
            "(OLD.version_id, NEW.version_id)) BEGIN "
            + refuse.format(op="UPDATE", table="plans_planversionchange")
            + "; END;",
        ]
    raise unsupported_database(vendor, "frozen-version triggers")


def drop_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            "DROP TRIGGER IF EXISTS plans_planversion_frozen ON plans_planversion;",
            "DROP TRIGGER IF EXISTS plans_planversionchange_frozen ON plans_planversionchange;",
            "DROP FUNCTION IF EXISTS csp_refuse_published_version_change();",
            "DROP FUNCTION IF EXISTS csp_refuse_published_change_row();",
        ]
    return [
        "DROP TRIGGER IF EXISTS plans_planversion_frozen_update;",
        "DROP TRIGGER IF EXISTS plans_planversion_frozen_delete;",
        "DROP TRIGGER IF EXISTS plans_planversionchange_frozen_delete;",
        "DROP TRIGGER IF EXISTS plans_planversionchange_frozen_insert;",
        "DROP TRIGGER IF EXISTS plans_planversionchange_frozen_update;",
    ]


FROZEN_TABLES = ["plans_planversion", "plans_planversionchange"]

_PG_TRUNCATE_FUNCTION = """
CREATE OR REPLACE FUNCTION csp_refuse_published_truncate() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM plans_planversion WHERE status = 'published') THEN
        RAISE EXCEPTION 'A published version is frozen: TRUNCATE on % is not allowed',
            TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def truncate_create_sql(vendor: str) -> list[str]:
    """PostgreSQL: TRUNCATE (which row triggers do not see) of the versions or their
    changes is refused while any version is published, for every role, the tables' owner
    included. SQLite has no TRUNCATE."""
    if vendor != "postgresql":
        return []
    return [_PG_TRUNCATE_FUNCTION] + [
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION csp_refuse_published_truncate();"
        for table in FROZEN_TABLES
    ]


def truncate_drop_sql(vendor: str) -> list[str]:
    if vendor != "postgresql":
        return []
    return [f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};" for table in FROZEN_TABLES]
