"""The texts Crux holds are found by paragraph (search.models.Passage, cut by a trigger on
debates_sourcetext and indexed as details are), and the pieces of what a claim cites are indexed
with a separator between them, so that an excerpt no longer runs a quote into who said it and
the source's title (search.schema.SEPARATOR).

On PostgreSQL, install makes the passages' column, triggers and index, cuts the texts there are,
and makes every kind's trigger function again with the separator. The stored vectors need no
reindex: a separator is no word, so to_tsvector reads the same lexemes at the same positions
(tests/test_search_passages.py checks it), and excerpts are made from the rows as they are read.
On SQLite the index, passages too, is rebuilt after every migrate (search.apps), by the same rule.
"""

import django.db.models.deletion
from django.db import migrations, models

from search import schema


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    schema.uninstall(schema_editor.connection, kinds=("passage",))


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_hidden_source_titles"),
        ("debates", "0015_source_texts_and_anchors"),
    ]

    operations = [
        migrations.CreateModel(
            name="Passage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField()),
                ("text", models.TextField()),
                (
                    "source",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="debates.source",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("source", "number"), name="search_passage_once"
                    )
                ],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
