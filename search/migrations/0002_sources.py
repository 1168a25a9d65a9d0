"""Sources are found by their title, author and publisher too (search.schema's "source" kind)."""

from django.db import migrations

from search import schema


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    schema.uninstall(schema_editor.connection, kinds=("source",))


class Migration(migrations.Migration):
    dependencies = [("search", "0001_index"), ("debates", "0015_source_texts_and_anchors")]

    operations = [migrations.RunPython(install, uninstall)]
