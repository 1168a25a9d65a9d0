from django.db import models


class Counter(models.Model):
    """Attempts at one action by one member or address within one time window.

    Written only by ratelimits.counting, in one upsert per request; rows of windows that are
    over are deleted, as they hold no one's writing and count nothing any more.
    """

    # "<action>:<amount>/<seconds>:<u{user id} | ip{hash}>:<window number>" (config.ratelimit).
    key = models.CharField(max_length=150, primary_key=True)
    hits = models.PositiveIntegerField()
    # When the window is over, in seconds since the epoch: an integer reads the same in raw SQL
    # on SQLite and PostgreSQL, where a timestamp would need each backend's adapters.
    expires = models.BigIntegerField(db_index=True)

    def __str__(self):
        return f"{self.key}: {self.hits}"
