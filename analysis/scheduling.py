"""When to recompute: after any committed change to a debate, queue one analysis of its motion,
unless one is already waiting (debounced: at most one pending per motion)."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from analysis import tasks
from analysis.models import MotionAnalysis

# A burst of votes is analysed once: the queued run waits this long (backends that can defer).
DELAY = timedelta(seconds=5)
# A mark older than this is taken for a run that died with its worker, and queued again.
STALE = timedelta(minutes=10)


def request_analysis(*, motion_id: int) -> bool:
    """Queue a recomputation of the motion's analysis; False when one is already pending."""
    now = timezone.now()
    waiting = Q(queued_at__isnull=True) | Q(queued_at__lt=now - STALE)
    queued = MotionAnalysis.objects.filter(waiting, motion_id=motion_id).update(queued_at=now)
    if not queued:
        _, queued = MotionAnalysis.objects.get_or_create(
            motion_id=motion_id, defaults={"queued_at": now}
        )
    if queued:
        task = tasks.analyse_motion
        if task.get_backend().supports_defer:
            task = task.using(run_after=now + DELAY)
        task.enqueue(motion_id)
    return queued


def on_debate_changed(sender, *, event, **kwargs):
    request_analysis(motion_id=event.motion_id)
