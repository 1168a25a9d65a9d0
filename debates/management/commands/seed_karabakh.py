from django.core.management.base import BaseCommand

from debates.seeding import load_seed_file


class Command(BaseCommand):
    help = "Load (or refresh) the seeded Karabakh debate. Safe to run any number of times."

    def handle(self, *args, **options):
        result = load_seed_file()
        self.stdout.write(
            self.style.SUCCESS(
                f"Karabakh debate seeded: {result.sources} sources, {result.motions} motions, "
                f"{result.arguments} arguments."
            )
        )
