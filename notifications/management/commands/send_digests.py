from django.core.management.base import BaseCommand

from notifications import tasks


class Command(BaseCommand):
    help = (
        "Queue the run that emails the daily and weekly digests that are due (run it hourly or "
        "daily from cron; a member gets at most one digest per period however often it runs)."
    )

    def handle(self, *args, **options):
        result = tasks.send_digests.enqueue()
        self.stdout.write(f"Queued the digests ({result.id}); the worker sends them.")
