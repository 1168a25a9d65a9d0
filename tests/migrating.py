"""Migrations a test runs by hand, as `manage.py migrate` runs them."""

from contextlib import contextmanager

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from search import schema


@contextmanager
def by_hand():
    """A MigrationExecutor to migrate with, the search index's SQLite triggers down meanwhile (as
    migrate's pre_migrate takes them: a debates table remade while they name it fails), then
    every migration applied again and the triggers put back, the index rebuilt."""
    schema.before_migrate(sender=None)
    try:
        yield MigrationExecutor(connection)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
        schema.after_migrate(sender=None)
