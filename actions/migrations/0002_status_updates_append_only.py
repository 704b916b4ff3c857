from django.db import migrations

from actions import append_only


def create_triggers(apps, schema_editor):
    conn = schema_editor.connection
    append_only.execute(conn, append_only.create_sql(conn.vendor))


def drop_triggers(apps, schema_editor):
    conn = schema_editor.connection
    append_only.execute(conn, append_only.drop_sql(conn.vendor))


class Migration(migrations.Migration):
    dependencies = [("actions", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
