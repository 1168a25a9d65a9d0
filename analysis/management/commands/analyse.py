from django.core.management.base import BaseCommand, CommandError

from analysis import services
from debates.models import Motion


class Command(BaseCommand):
    help = "Compute a motion's analysis now (what the background worker does after a change)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the motion's slug")

    def handle(self, *args, slug, **options):
        try:
            motion = Motion.objects.get(slug=slug)
        except Motion.DoesNotExist:
            raise CommandError(f"No motion with slug {slug!r}.") from None
        stored = services.refresh(motion_id=motion.pk)
        result = stored.result
        groups = len(result["groups"])
        self.stdout.write(
            f"Analysed {motion.slug}: {result['voters']} voters, {groups} opinion groups."
        )
        if result.get("reason"):
            self.stdout.write(result["reason"])
