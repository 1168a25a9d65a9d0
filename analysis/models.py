from django.db import models

from debates.models import Motion


class MotionAnalysis(models.Model):
    """The last analysis of one motion (analysis.compute's result as JSON) and whether another
    is queued. Pages serve this row; only the background task writes its result."""

    motion = models.OneToOneField(Motion, on_delete=models.PROTECT, related_name="+")
    result = models.JSONField(null=True, blank=True)
    # Motion.activity when the votes behind `result` were read: a later stamp means it is stale.
    activity = models.PositiveBigIntegerField(default=0)
    computed_at = models.DateTimeField(null=True, blank=True)
    # Agree and total votes on each argument per opinion group and per side of the motion, and
    # on the motion per group (see analysis.services): "view as group", personal cruxes and the
    # divisive claims read it, not the votes. Rows stored before the motion's entry lack it.
    group_votes = models.JSONField(default=dict, blank=True)
    # Set when a recomputation is queued, cleared when it starts: at most one pending per motion.
    queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "motion analyses"

    def __str__(self):
        return f"analysis of motion {self.motion_id}"
