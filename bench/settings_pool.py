"""What-if settings for the benchmarks only (never used by the app): config.settings plus a
psycopg connection pool per server process, instead of a new PostgreSQL connection per request.

    .venv/bin/python -m bench.load --settings bench.settings_pool

Needs psycopg-pool (bench/requirements.txt).
"""

from config.settings import *  # noqa: F403
from config.settings import DATABASES

if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # Django's pool requires it; close() returns to it
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {"min_size": 4, "max_size": 24}
