"""Atomic counting of attempts, on SQLite and PostgreSQL alike.

One statement counts every window a request falls in (per member and per address, per rate):

    INSERT INTO ratelimits_counter (key, hits, expires) VALUES (...), (...)
    ON CONFLICT (key) DO UPDATE SET hits = ratelimits_counter.hits + excluded.hits
    RETURNING key, hits

An attempt usually counts one; one may cost more (an import, by the arguments it writes).

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
    values = ", ".join(["(%s, %s, %s)"] * rows)
    return (
        f"INSERT INTO {table} ({key}, {hits}, {expires}) VALUES {values} "
        f"ON CONFLICT ({key}) DO UPDATE SET {hits} = {table}.{hits} + excluded.{hits} "
        f"RETURNING {key}, {hits}"
    )


def count_attempt(windows: dict[str, int], *, now: int, cost: int = 1) -> dict[str, int]:
    """Add an attempt costing `cost` to each window {key: when it expires}; return each
    window's count.

    The first attempt in a window also deletes windows that are over (by the index on
    `expires`), so the table holds about one row per active member or address and rate.
    """
    if not windows:
        return {}
    params = [value for key, expires in windows.items() for value in (key, cost, expires)]
    # The upsert is atomic by itself: a transaction around it would cost two more round trips
    # on every vote. Inside a caller's transaction a savepoint keeps a failure from breaking it.
    guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
    with guard, connection.cursor() as cursor:
        cursor.execute(_upsert_sql(len(windows)), params)
        counts = dict(cursor.fetchall())
    if cost in counts.values():
        Counter.objects.filter(expires__lt=now).delete()
    return counts


def give_back(keys: list[str], *, cost: int = 1) -> None:
    """Take an attempt costing `cost` off each window in `keys` (what count_attempt counted)."""
    if keys:
        Counter.objects.filter(key__in=keys, hits__gte=cost).update(hits=F("hits") - cost)
