from django.core.management.base import BaseCommand, CommandError

from debates.seeding import SeedRefused, load_seed_file


class Command(BaseCommand):
    help = "Load (or refresh) the seeded Karabakh debate. Safe to run any number of times."

    def handle(self, *args, **options):
        try:
            result = load_seed_file()
        except SeedRefused as refused:
            # Nothing was written: the seed is checked before it is loaded, in one transaction.
            raise CommandError(f"The seed was refused: {refused}") from refused
        self.stdout.write(
            self.style.SUCCESS(
                f"Karabakh debate seeded: {result.sources} sources, {result.motions} motions, "
                f"{result.arguments} arguments."
            )
        )
