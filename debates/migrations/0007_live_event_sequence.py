from django.db import migrations

SEQUENCE = "crux_live_event_id"


def create_sequence(apps, schema_editor):
    # Live events are numbered by PostgreSQL when it carries them (debates.live.PostgresBroker);
    # SQLite runs one process, which numbers its own.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}")


def drop_sequence(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


class Migration(migrations.Migration):
    dependencies = [("debates", "0006_motion_activity")]

    operations = [migrations.RunPython(create_sequence, drop_sequence)]
