from django.db import models
from django.db.models import Q

from debates.models import Argument, Motion


class ImportedTally(models.Model):
    """How many agreed and disagreed with a claim where a debate came from (Argdown's
    `agree: n, disagree: m`). Somebody else counted them: they are never Crux members' votes, so
    they stay out of the claim's tally, its ranking and the analysis, and an export adds them
    back so that exporting an imported debate gives the file it came from."""

    motion = models.OneToOneField(
        Motion, null=True, blank=True, on_delete=models.CASCADE, related_name="imported_tally"
    )
    argument = models.OneToOneField(
        Argument, null=True, blank=True, on_delete=models.CASCADE, related_name="imported_tally"
    )
    agree = models.PositiveIntegerField(default=0)
    disagree = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "imported tallies"
        constraints = [
            models.CheckConstraint(
                condition=Q(motion__isnull=True) ^ Q(argument__isnull=True),
                name="imported_tally_of_one_claim",
            ),
        ]

    def __str__(self):
        of = f"motion {self.motion_id}" if self.motion_id else f"argument {self.argument_id}"
        return f"{self.agree} agree, {self.disagree} disagree imported for {of}"
