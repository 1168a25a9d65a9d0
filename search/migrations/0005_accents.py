"""Words are found whatever their accents, on PostgreSQL as on SQLite: "Erdogan" finds "Erdoğan".

On PostgreSQL the index, the queries and the excerpts read words by Crux's own text search
configuration (search.schema.CONFIGURATION: 'english' with unaccent before its stemmer), made by
install, which makes the triggers again with it; every stored vector is then read again by it.
Undone, the triggers and the vectors read words by 'english' again, and the configuration and the
extension go.

unaccent (like pg_trgm, which search.schema.install creates too) is a trusted extension: a role
with CREATE on the database creates it. For a role without, one that has it (a superuser) runs
`CREATE EXTENSION unaccent` in the database first; this migration then finds it there, but
undoing it would fail to drop it. The configuration is created in the schema the tables are in,
which asks for CREATE there, as the tables did.

On SQLite there is nothing to do: the index is rebuilt after every migrate (search.apps), by
search.schema's rule, which folds accents as PostgreSQL does.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

from search import schema

# How the index read words before this migration (PostgreSQL's own configuration).
BEFORE = "english"


def fold_accents(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema.install(connection)
        schema.reindex(connection)


def keep_accents(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema.reindex(connection, configuration=BEFORE)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {schema.CONFIGURATION}")


class Migration(migrations.Migration):
    dependencies = [("search", "0004_passages")]

    operations = [
        UnaccentExtension(),
        migrations.RunPython(fold_accents, keep_accents),
    ]
