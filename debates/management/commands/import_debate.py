"""python manage.py import_debate FILE [--format json|argdown|kialo] [--slug new-slug]: create a
debate from a Crux JSON export, an Argdown file (debates.interchange.argdown_import) or a Kialo
plain-text export (debates.interchange.kialo).

All or nothing; refuses a slug already in use (give --slug to import under another one).
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from debates.errors import DebateRuleError
from debates.interchange.importing import import_text
from debates.transfer import TALLIES_NOTE, ImportRefused, import_debate


class Command(BaseCommand):
    help = "Create a debate from a file written by export_debate."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the export (- for standard input)")
        parser.add_argument("--slug", help="import under this slug instead of the exported one")
        parser.add_argument("--format", choices=["json", "argdown", "kialo"], default="json")

    def handle(self, *args, file, slug=None, format="json", **options):
        try:
            if file == "-":
                text = sys.stdin.read()
            else:
                # Windows Notepad saves UTF-8 with a byte-order mark, which json.loads refuses.
                with open(file, encoding="utf-8-sig") as handle:
                    text = handle.read()
            data = json.loads(text) if format == "json" else None
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        try:
            if data is None:
                motion, summary, warnings = import_text(text=text, format=format, slug=slug)
            else:
                motion, summary = import_debate(data, slug=slug)
                warnings = summary["warnings"]
        except DebateRuleError as error:
            raise CommandError(f"Not imported: {error.message}") from None
        except (ImportRefused, KeyError, TypeError) as error:
            raise CommandError(f"Not imported: {error}") from None
        for warning in warnings:
            self.stdout.write(f"Warning: {warning}")
        self.stdout.write(
            f"Imported {motion.slug!r}: {summary['arguments']} arguments, "
            f"{summary['sources']} sources."
        )
        if summary["people_not_found"]:
            names = ", ".join(summary["people_not_found"])
            self.stdout.write(
                f"Not found here (words kept as attributions, votes dropped): {names}."
            )
        if summary["imported_tallies"]:
            self.stdout.write(TALLIES_NOTE.format(n=summary["imported_tallies"]))
        if summary["votes_dropped"]:
            self.stdout.write(f"Votes dropped (voter not found): {summary['votes_dropped']}.")
