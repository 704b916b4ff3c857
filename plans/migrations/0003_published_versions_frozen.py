from django.db import migrations

from plans import triggers as published_triggers


def create_triggers(apps, schema_editor):
    conn = schema_editor.connection
    published_triggers.execute(conn, published_triggers.create_sql(conn.vendor))


def drop_triggers(apps, schema_editor):
    conn = schema_editor.connection
    published_triggers.execute(conn, published_triggers.drop_sql(conn.vendor))


class Migration(migrations.Migration):
    dependencies = [("plans", "0002_publication")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
