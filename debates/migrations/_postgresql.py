"""For migrations that only PostgreSQL needs (functions, sequences); SQLite gets a no-op.

Django's migration loader skips modules whose names start with an underscore.
"""

from django.db import migrations


def postgresql_only(sql, reverse_sql):
    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(reverse_sql)

    return migrations.RunPython(forwards, backwards)
