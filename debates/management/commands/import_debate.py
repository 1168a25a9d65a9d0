"""python manage.py import_debate debate.json [--slug new-slug]: create a debate from an export.

All or nothing; refuses a slug already in use (give --slug to import under another one).
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from debates.transfer import ImportRefused, import_debate


class Command(BaseCommand):
    help = "Create a debate from a file written by export_debate."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the export (- for standard input)")
        parser.add_argument("--slug", help="import under this slug instead of the exported one")

    def handle(self, *args, file, slug=None, **options):
        try:
            if file == "-":
                data = json.load(sys.stdin)
            else:
                with open(file, encoding="utf-8") as handle:
                    data = json.load(handle)
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        try:
            motion, summary = import_debate(data, slug=slug)
        except (ImportRefused, KeyError, TypeError) as error:
            raise CommandError(f"Not imported: {error}") from None
        self.stdout.write(
            f"Imported {motion.slug!r}: {summary['arguments']} arguments, "
            f"{summary['sources']} sources."
        )
        if summary["people_not_found"]:
            names = ", ".join(summary["people_not_found"])
            self.stdout.write(
                f"Not found here (words kept as attributions, votes dropped): {names}."
            )
        if summary["votes_dropped"]:
            self.stdout.write(f"Votes dropped (voter not found): {summary['votes_dropped']}.")
