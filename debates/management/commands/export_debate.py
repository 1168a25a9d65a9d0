"""python manage.py export_debate <slug> [--output debate.json]: one debate as JSON (stdout by
default). Read it back with import_debate; debates.transfer says what is kept."""

import json

from django.core.management.base import BaseCommand, CommandError

from debates.models import Motion
from debates.transfer import export_debate


class Command(BaseCommand):
    help = "Write one debate (motion, arguments, sources, revisions, votes) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the motion's slug, as in /motions/<slug>/")
        parser.add_argument("--output", "-o", help="a file to write (default: standard output)")

    def handle(self, *args, slug, output=None, **options):
        motion = Motion.objects.filter(slug=slug).first()
        if motion is None:
            raise CommandError(f"No motion with the slug {slug!r}.")
        text = json.dumps(export_debate(motion), ensure_ascii=False, indent=2, sort_keys=True)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text + "\n")
            count = text.count('"ref": "a')
            self.stdout.write(f"Exported {slug!r} ({count} arguments) to {output}.")
        else:
            self.stdout.write(text)
