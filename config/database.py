"""PostgreSQL connections that outlive a database restart."""

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections
from psycopg_pool import ConnectionPool


def check_connection(conn) -> None:
    """The pool's check of each connection it lends: one round trip.

    A dead one means the server restarted or dropped its sessions, so the other idle ones are
    most likely dead too. The pool would find that out one request at a time, backing off 1, 2,
    4, 8 s between tries and giving up after its timeout; pool.check() (psycopg's own remedy)
    replaces them all at once, so the request waits for one fresh connection only.
    """
    try:
        ConnectionPool.check_connection(conn)
    except psycopg.Error:
        connections[DEFAULT_DB_ALIAS].pool.check()
        raise
