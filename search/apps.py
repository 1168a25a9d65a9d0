from django.apps import AppConfig
from django.db.models.signals import post_migrate

from search import schema


class SearchConfig(AppConfig):
    name = "search"

    def ready(self):
        # On SQLite, a migration that remakes a debates table (Django copies it to a new one)
        # drops the triggers that keep the index in step: every migrate puts them back.
        post_migrate.connect(schema.repair_after_migrate, sender=self)
