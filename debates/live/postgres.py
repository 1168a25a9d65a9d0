"""Events across processes and machines through PostgreSQL's LISTEN/NOTIFY.

Publishers NOTIFY; one LISTEN connection per process, shared by all its pages, receives every
event in commit order. Ids come from a sequence taken under an advisory lock, so id order is
delivery order, and a listener that comes back after losing its connection can tell whether it
missed any.
"""

import asyncio
import contextlib
import logging

import psycopg
from django.db import connections

from debates.live.fanout import STALE, Broker, LiveEvent

logger = logging.getLogger(__name__)

LISTEN_TIMEOUT_SECONDS = 5


class PostgresBroker(Broker):
    CHANNEL = "crux_debate_events"
    SEQUENCE = "crux_live_event_id"
    LOCK_KEY = 0x43525558  # "CRUX"
    FIRST_RETRY_SECONDS = 0.5

    def __init__(self, alias="default"):
        super().__init__()
        self.alias = alias
        self.listener_pid = None
        self._listener = None
        self._listening = None

    stamps_motion = True

    def publish(self, event) -> None:
        # One statement, its own transaction after the caller's commit: the function (migration
        # 0008) stamps the motion, then numbers and notifies under a lock held until it commits.
        with connections[self.alias].cursor() as cursor:
            cursor.execute(
                "SELECT crux_publish_event(%s, %s::jsonb, %s, %s)",
                [event.motion_id, event.payload(), self.CHANNEL, self.LOCK_KEY],
            )

    def publish_many(self, events) -> None:
        # One statement for the lot, in their order: each is numbered and notified as `publish`
        # does it, and the lock is taken once (the function's is the transaction's).
        with connections[self.alias].cursor() as cursor:
            cursor.execute(
                "SELECT crux_publish_event((payload ->> 'motion_id')::bigint, payload, %s, %s)"
                " FROM unnest(%s::jsonb[]) WITH ORDINALITY AS batch(payload, n) ORDER BY n",
                [self.CHANNEL, self.LOCK_KEY, [event.payload() for event in events]],
            )

    def announcing_statement(self) -> tuple[str, int]:
        return self.CHANNEL, self.LOCK_KEY

    def connection_params(self) -> dict:
        """The app's own connection's parameters (DATABASE_URL with its OPTIONS: sslmode,
        sslrootcert, ...), less Django's cursor class, which an async connection can't use."""
        params = connections[self.alias].get_connection_params()
        params.pop("cursor_factory", None)
        return params

    async def start(self) -> None:
        await super().start()
        stale = self._listener is None or self._listener.done()
        if stale or self._listener.get_loop() is not self.loop:
            self._listening = asyncio.get_running_loop().create_future()
            self._listener = asyncio.create_task(self._listen())
        try:
            await asyncio.wait_for(asyncio.shield(self._listening), LISTEN_TIMEOUT_SECONDS)
        except TimeoutError:
            # Pages still get their stream; events flow once the listener gets through.
            logger.warning("Live listener is not connected yet; streaming without it")

    async def _listen(self) -> None:
        delay = self.FIRST_RETRY_SECONDS
        while not self.closed:
            try:
                async with await psycopg.AsyncConnection.connect(
                    **self.connection_params(), autocommit=True
                ) as conn:
                    await conn.execute(f"LISTEN {self.CHANNEL}")
                    cursor = await conn.execute(
                        f"SELECT last_value, is_called FROM {self.SEQUENCE}"
                    )
                    last_value, is_called = await cursor.fetchone()
                    self._heard_up_to(last_value if is_called else 0)
                    self.listener_pid = conn.info.backend_pid
                    if not self._listening.done():
                        self._listening.set_result(None)
                    delay = self.FIRST_RETRY_SECONDS
                    async for notify in conn.notifies():
                        self._deliver(LiveEvent.from_payload(notify.payload))
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("Live listener lost its database connection; retrying")
                self.listener_pid = None
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30)

    def _heard_up_to(self, numbered: int) -> None:
        """Events numbered before LISTEN took effect were never heard here: no page may take
        what it has for all there is, neither the pages open now nor those that come back."""
        if numbered > self.high_water:
            self.high_water = self.floor = numbered
            self.tell_everyone(STALE)

    async def close(self) -> None:
        await super().close()
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None
