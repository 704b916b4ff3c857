from django.db import migrations

from performance import triggers


def create_triggers(apps, schema_editor):
    conn = schema_editor.connection
    triggers.execute(conn, triggers.truncate_create_sql(conn.vendor))


def drop_triggers(apps, schema_editor):
    conn = schema_editor.connection
    triggers.execute(conn, triggers.truncate_drop_sql(conn.vendor))


class Migration(migrations.Migration):
    dependencies = [("performance", "0002_history_append_only")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
