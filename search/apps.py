from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate

from search import schema


class SearchConfig(AppConfig):
    name = "search"

    def ready(self):
        # SQLite: a migration that remakes a debates table (Django copies it to a new one and
        # renames that) fails while triggers elsewhere name the table, so the index's triggers
        # are taken down for every migrate and put back, the index rebuilt, after it.
        pre_migrate.connect(schema.before_migrate, sender=self)
        post_migrate.connect(schema.after_migrate, sender=self)
