from django.db import migrations

from actions import triggers


def create_triggers(apps, schema_editor):
    conn = schema_editor.connection
    triggers.execute(conn, triggers.truncate_create_sql(conn.vendor, triggers.STATUS_UPDATE_TABLES))


def drop_triggers(apps, schema_editor):
    conn = schema_editor.connection
    triggers.execute(conn, triggers.truncate_drop_sql(conn.vendor, triggers.STATUS_UPDATE_TABLES))


class Migration(migrations.Migration):
    dependencies = [("actions", "0003_action_updates_version")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
