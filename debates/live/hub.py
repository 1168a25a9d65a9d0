"""The process's one broker: events cross processes through PostgreSQL, or stay in the one
process SQLite allows."""

import threading

from django.db import connections

from debates.live.fanout import Broker, LocalBroker
from debates.live.postgres import PostgresBroker

_broker = None
_broker_lock = threading.Lock()


def broker() -> Broker:
    global _broker
    with _broker_lock:
        if _broker is None:
            vendor = connections["default"].vendor
            _broker = PostgresBroker() if vendor == "postgresql" else LocalBroker()
        return _broker


def reset_broker(replacement: Broker | None = None) -> None:
    """Forget the process's broker (tests switch databases and event loops), or use another."""
    global _broker
    with _broker_lock:
        _broker = replacement
