"""python manage.py export_debate <slug> [--format json|argdown] [--output FILE]: one debate as
Crux JSON (all of it; debates.transfer says what is kept) or as Argdown (what the public sees;
debates.interchange.argdown_export), to standard output by default. Read either back with
import_debate."""

import json

from django.core.management.base import BaseCommand, CommandError

from debates.interchange.argdown_export import export_argdown
from debates.models import Motion
from debates.transfer import export_debate


class Command(BaseCommand):
    help = "Write one debate (motion, arguments, sources, revisions, votes) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the motion's slug, as in /motions/<slug>/")
        parser.add_argument("--output", "-o", help="a file to write (default: standard output)")
        parser.add_argument("--format", choices=["json", "argdown"], default="json")

    def handle(self, *args, slug, output=None, format="json", **options):
        motion = Motion.objects.filter(slug=slug).first()
        if motion is None:
            raise CommandError(f"No motion with the slug {slug!r}.")
        if format == "argdown":
            text = export_argdown(motion).rstrip("\n")
            if output:
                with open(output, "w", encoding="utf-8") as file:
                    file.write(text + "\n")
                self.stdout.write(f"Exported {slug!r} as Argdown to {output}.")
            else:
                self.stdout.write(text)
            return
        text = json.dumps(export_debate(motion), ensure_ascii=False, indent=2, sort_keys=True)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text + "\n")
            count = text.count('"ref": "a')
            self.stdout.write(f"Exported {slug!r} ({count} arguments) to {output}.")
        else:
            self.stdout.write(text)
