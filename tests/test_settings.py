import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x7!k2$e9-production-like-secret-of-sufficient-length-and-variety-3q",
    "ALLOWED_HOSTS": "crux.example.org",
    "DATABASE_URL": "sqlite:////tmp/crux-deploy-check.sqlite3",
    "EMAIL_URL": "smtp+tls://crux:secret@mail.example.org:587",
}


def manage(*args, env):
    inherited = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in inherited}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = PRODUCTION | {"SECRET_KEY": ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_redis_cache_url_gives_djangos_redis_cache():
    env = PRODUCTION | {"CACHE_URL": "redis://127.0.0.1:6379/9"}
    script = "from django.core.cache import cache; print(type(cache._cache).__name__)"
    result = manage("shell", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "RedisCacheClient"


def test_sqlite_gets_no_pool_and_postgresql_a_checked_one():
    script = (
        "from django.conf import settings; from config.database import check_connection; "
        "pool = settings.DATABASES['default']['OPTIONS'].get('pool'); "
        "print(pool and pool['check'] is check_connection)"
    )
    sqlite = manage("shell", "-c", script, env=PRODUCTION)
    postgresql = PRODUCTION | {"DATABASE_URL": "postgres://crux@db.example.org:5432/crux"}
    postgresql = manage("shell", "-c", script, env=postgresql)
    assert sqlite.returncode == 0 and postgresql.returncode == 0, sqlite.stderr + postgresql.stderr
    assert sqlite.stdout.split()[-1] == "None"
    assert postgresql.stdout.split()[-1] == "True"


def test_postgresql_prepares_statements_unless_told_not_to():
    script = (
        "from django.conf import settings; options = settings.DATABASES['default']['OPTIONS']; "
        "print(options.get('server_side_binding'), options.get('prepare_threshold'))"
    )
    postgresql = PRODUCTION | {"DATABASE_URL": "postgres://crux@db.example.org:5432/crux"}
    on = manage("shell", "-c", script, env=postgresql)
    off = manage("shell", "-c", script, env=postgresql | {"DATABASE_PREPARED_STATEMENTS": "false"})
    sqlite = manage("shell", "-c", script, env=PRODUCTION)
    assert on.returncode == off.returncode == sqlite.returncode == 0, on.stderr + off.stderr
    assert on.stdout.split()[-2:] == ["True", "2"]
    assert off.stdout.split()[-2:] == sqlite.stdout.split()[-2:] == ["None", "None"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="Prepared statements: PostgreSQL.")
@pytest.mark.django_db
def test_postgresql_keeps_prepared_what_a_connection_has_run_twice(client):
    def prepared_motion_reads():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ['%FROM "debates_motion"%'],
            )
            return cursor.fetchone()[0]

    for _ in range(2):
        assert client.get("/").status_code == 200
    assert prepared_motion_reads() == 0
    assert client.get("/").status_code == 200  # the third time: parsed and planned no more
    assert prepared_motion_reads() >= 1


def terminate_pooled_connections():
    """What a PostgreSQL restart does to the pool's idle connections: their backends end.

    Every client backend of the test database but this one and a live-update listener's. Each
    termination is waited for (up to 5 s): a backend told to end but not yet gone keeps its socket
    quiet, and a connection lent in that instant fails the request that borrows it."""
    params = connection.get_connection_params() | {"autocommit": True}
    with psycopg.connect(**params) as admin:
        return admin.execute(
            "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND backend_type = 'client backend' AND query NOT ILIKE 'LISTEN%'"
        ).fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="A connection pool: PostgreSQL.")
@pytest.mark.django_db(transaction=True)
def test_requests_after_the_database_dropped_its_connections_are_answered_at_once(client):
    """As after a restart under load: many idle connections in the pool, all of them dead."""
    assert client.get("/").status_code == 200
    connection.close()  # back to the pool, as at the end of every request served
    pool = connection.pool
    borrowed = [pool.getconn() for _ in range(8)]
    for conn in borrowed:
        pool.putconn(conn)

    assert terminate_pooled_connections() >= 8

    try:
        for _ in range(3):
            started = time.monotonic()
            assert client.get("/").status_code == 200
            assert time.monotonic() - started < 5  # not the pool's 10 s timeout, nor near it
            connection.close()
    finally:
        # Whatever happened, the tests after this one start from the pool, not a dead connection.
        connection.close()
