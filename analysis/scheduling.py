"""When to recompute: after any committed change to a debate, queue one analysis of its motion,
unless one is already waiting (debounced: at most one pending per motion)."""

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from analysis import tasks
from analysis.models import MotionAnalysis

# A burst of votes is analysed once: the queued run waits this long (backends that can defer).
DELAY = timedelta(seconds=5)
# A mark older than this is taken for a run that died with its worker, and queued again.
STALE = timedelta(minutes=10)

# Every vote asks, so one statement does it all: it creates the row or claims a free or stale
# mark, and returns a row only when it did. A mark already pending (what most votes find) is seen
# by the NOT EXISTS, which takes no lock: the upsert alone would lock the motion's row for every
# vote on it. SQLite and PostgreSQL both take this text.
_MARK = """
INSERT INTO {table} (motion_id, queued_at, activity, group_votes)
SELECT %s, %s, 0, '{{}}'
WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE motion_id = %s AND queued_at >= %s)
ON CONFLICT (motion_id) DO UPDATE SET queued_at = excluded.queued_at
WHERE {table}.queued_at IS NULL OR {table}.queued_at < %s
RETURNING motion_id
"""


def request_analysis(*, motion_id: int) -> bool:
    """Queue a recomputation of the motion's analysis; False when one is already pending."""
    now = timezone.now()
    table = connection.ops.quote_name(MotionAnalysis._meta.db_table)
    queued_at, stale = (connection.ops.adapt_datetimefield_value(t) for t in (now, now - STALE))
    with connection.cursor() as cursor:
        cursor.execute(_MARK.format(table=table), [motion_id, queued_at, motion_id, stale, stale])
        queued = cursor.fetchone() is not None
    if queued:
        task = tasks.analyse_motion
        if task.get_backend().supports_defer:
            task = task.using(run_after=now + DELAY)
        task.enqueue(motion_id)
    return queued


def on_debate_changed(sender, *, event, **kwargs):
    request_analysis(motion_id=event.motion_id)
