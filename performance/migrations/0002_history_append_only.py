from django.db import migrations

from performance import triggers


def create_triggers(apps, schema_editor):
    conn = schema_editor.connection
    triggers.execute(conn, triggers.create_sql(conn.vendor))


def drop_triggers(apps, schema_editor):
    conn = schema_editor.connection
    triggers.execute(conn, triggers.drop_sql(conn.vendor))


class Migration(migrations.Migration):
    dependencies = [("performance", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
