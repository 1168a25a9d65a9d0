"""A source a moderator hid lends its title to no claim's indexed text (search.schema): the
triggers are made again with that rule, and the claims citing a source hidden already are
indexed again under it.

On SQLite the index is rebuilt after every migrate (search.apps), by the same rule."""

from django.db import migrations

from search import schema


def install(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    schema.install(connection)
    hidden = "SELECT id FROM debates_source WHERE visibility <> 'visible'"
    with connection.cursor() as cursor:
        for kind in schema.CITING:
            # Touching source_id re-runs the row's trigger (see search.schema).
            cursor.execute(
                f"UPDATE {schema.KINDS[kind]} SET source_id = source_id "
                f"WHERE source_id IN ({hidden})"
            )


class Migration(migrations.Migration):
    dependencies = [("search", "0002_sources")]

    # Nothing to undo: the earlier migrations make the triggers by search.schema's rule too.
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
