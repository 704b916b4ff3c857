from django.db import migrations

from plans import triggers as published_triggers


def recreate_on_sqlite(apps, schema_editor):
    """SQLite now refuses DELETE of a published version too (PostgreSQL always did)."""
    conn = schema_editor.connection
    if conn.vendor == "sqlite":
        published_triggers.execute(conn, published_triggers.drop_sql(conn.vendor))
        published_triggers.execute(conn, published_triggers.create_sql(conn.vendor))


class Migration(migrations.Migration):
    dependencies = [("plans", "0004_plan_years_bounded")]

    operations = [migrations.RunPython(recreate_on_sqlite, migrations.RunPython.noop)]
