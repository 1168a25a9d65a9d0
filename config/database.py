"""PostgreSQL connections that outlive a database restart."""

import select

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections
from psycopg_pool import ConnectionPool


def check_connection(conn) -> None:
    """The pool's check of each connection it lends, without a round trip when it can.

    An idle connection has nothing to read unless the server spoke: a restart, or
    pg_terminate_backend, sends a fatal error and closes the socket, which makes it readable. Only
    then (or when psycopg already knows it is broken) is the connection tried with a query: a
    round trip on every request cost votes about a tenth of their throughput.

    A dead one means the server restarted or dropped its sessions, so the other idle ones are
    most likely dead too. The pool would find that out one request at a time, backing off 1, 2,
    4, 8 s between tries and giving up after its timeout; pool.check() (psycopg's own remedy)
    replaces them all at once, so the request waits for one fresh connection only.
    """
    if not conn.closed and not _server_spoke(conn):
        return
    try:
        ConnectionPool.check_connection(conn)
    except psycopg.Error:
        connections[DEFAULT_DB_ALIAS].pool.check()
        raise


def _server_spoke(conn) -> bool:
    try:
        readable, _, _ = select.select([conn.fileno()], [], [], 0)
    except (OSError, ValueError, psycopg.Error):
        return True
    return bool(readable)
