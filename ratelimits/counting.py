"""Atomic counting of attempts, on SQLite and PostgreSQL alike.

One statement counts every window a request falls in (per member and per address, per rate):

    INSERT INTO ratelimits_counter (key, hits, expires) VALUES (...), (...)
    ON CONFLICT (key) DO UPDATE SET hits = ratelimits_counter.hits + 1 RETURNING key, hits

The database makes the read and the increment one step: simultaneous requests each get their
own number, so exactly the limit gets through. Both databases accept the same text (SQLite
since 3.35, PostgreSQL since 9.5), so there is one code path.
"""

from contextlib import nullcontext

from django.db import connection, transaction
from django.db.models import F

from ratelimits.models import Counter


def _upsert_sql(rows: int) -> str:
    quote = connection.ops.quote_name
    table = quote(Counter._meta.db_table)
    key, hits, expires = (quote(name) for name in ("key", "hits", "expires"))
    values = ", ".join(["(%s, 1, %s)"] * rows)
    return (
        f"INSERT INTO {table} ({key}, {hits}, {expires}) VALUES {values} "
        f"ON CONFLICT ({key}) DO UPDATE SET {hits} = {table}.{hits} + 1 "
        f"RETURNING {key}, {hits}"
    )


def count_attempt(windows: dict[str, int], *, now: int) -> dict[str, int]:
    """Add one attempt to each window {key: when it expires}; return each window's count.

    The first attempt in a window also deletes windows that are over (by the index on
    `expires`), so the table holds about one row per active member or address and rate.
    """
    if not windows:
        return {}
    params = [value for item in windows.items() for value in item]
    # The upsert is atomic by itself: a transaction around it would cost two more round trips
    # on every vote. Inside a caller's transaction a savepoint keeps a failure from breaking it.
    guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
    with guard, connection.cursor() as cursor:
        cursor.execute(_upsert_sql(len(windows)), params)
        counts = dict(cursor.fetchall())
    if 1 in counts.values():
        Counter.objects.filter(expires__lt=now).delete()
    return counts


def give_back(keys: list[str]) -> None:
    """Take one attempt off each window in `keys` (what count_attempt counted)."""
    if keys:
        Counter.objects.filter(key__in=keys, hits__gt=0).update(hits=F("hits") - 1)
