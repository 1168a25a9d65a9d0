"""The search index and the triggers that keep it in step (search.schema, per database).

On SQLite the index is built after every migrate instead (search.apps): triggers made here would
break a later migration of the same run that remakes a debates table."""

from django.db import migrations

from search import schema


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    schema.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("debates", "0014_vote_function_lives_with_voting")]

    operations = [migrations.RunPython(install, uninstall)]
