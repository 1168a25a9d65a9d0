from django.core.management.base import BaseCommand, CommandError

from accounts.queries import find_user
from accounts.services import grant_moderator, moderators_group, revoke_moderator


class Command(BaseCommand):
    help = (
        "Make a user a moderator (member of the Moderators group), or with --revoke stop them "
        "being one. Identify them by email or display name."
    )

    def add_arguments(self, parser):
        parser.add_argument("user", help="The user's email address or display name.")
        parser.add_argument(
            "--revoke", action="store_true", help="Remove the user from the Moderators group."
        )

    def handle(self, *args, user, revoke, **options):
        person = find_user(user)
        if person is None:
            raise CommandError(f"No user with the email address or display name {user!r}.")
        label = f"{person.display_name} <{person.email}>"
        if revoke:
            if revoke_moderator(user=person):
                self.stdout.write(self.style.SUCCESS(f"{label} is no longer a moderator."))
            else:
                self.stdout.write(f"{label} was not in the Moderators group; nothing changed.")
            if person.is_staff or person.is_superuser:
                self.stderr.write(
                    self.style.WARNING(
                        f"{label} is staff, so they can still moderate; "
                        "clear that in the admin if they should not."
                    )
                )
            return
        try:
            moderators_group()
        except LookupError as error:
            raise CommandError(str(error)) from error
        if grant_moderator(user=person):
            self.stdout.write(self.style.SUCCESS(f"{label} is now a moderator."))
        else:
            self.stdout.write(f"{label} is already a moderator; nothing changed.")
        if not person.is_active:
            self.stderr.write(
                self.style.WARNING(f"{label}'s account is deactivated, so they cannot moderate.")
            )
