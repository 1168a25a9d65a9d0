"""Accounts' rules in one place: display names, profiles, moderators, profile statistics.

Sign-up (accounts.forms.SignupForm), the profile form and the admin all validate display names
through `normalise_display_name`, so the rules cannot drift apart.
"""

import unicodedata
import uuid
from importlib import import_module

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from accounts.models import MODERATORS_GROUP, User, fold_display_name

DISPLAY_NAME_MIN_LENGTH = 3
DISPLAY_NAME_MAX_LENGTH = 40
BIO_MAX_LENGTH = 500

NAME_TAKEN = (
    "That display name is taken (names that differ only in case or spacing count as the same)."
)

# What moderation needs: edit and hide arguments and motions, suspend people, and the marker
# permission the moderation views check (`user.has_perm("accounts.moderate")`).
MODERATOR_PERMISSIONS = [
    "accounts.moderate",
    "accounts.change_user",
    "debates.change_argument",
    "debates.change_motion",
]


def _invisible_or_control(char):
    # Cc control, Cf format (zero-width joiners, bidi overrides), Co private use, Cs, Cn unassigned:
    # none belongs in a name, and several let two names look identical.
    return unicodedata.category(char).startswith("C")


def normalise_display_name(raw, *, user=None):
    """The display name to store for `raw`, or ValidationError saying what is wrong with it.

    Trims, collapses inner whitespace, checks 3-40 characters, refuses control and invisible
    characters, and refuses a look-alike (by case, width or spacing) of anyone else's name.
    `user` is the person choosing it, whose own current name does not count as taken.
    """
    name = unicodedata.normalize("NFC", " ".join(str(raw or "").split()))
    if not name:
        raise ValidationError("Choose a display name.", code="required")
    if any(_invisible_or_control(char) for char in name):
        raise ValidationError(
            "Display names cannot contain control or invisible characters.", code="invalid"
        )
    if len(name) < DISPLAY_NAME_MIN_LENGTH:
        raise ValidationError(
            f"Display names need at least {DISPLAY_NAME_MIN_LENGTH} characters.", code="min_length"
        )
    if len(name) > DISPLAY_NAME_MAX_LENGTH:
        raise ValidationError(
            f"Display names can have at most {DISPLAY_NAME_MAX_LENGTH} characters "
            f"(this one has {len(name)}).",
            code="max_length",
        )
    if not any(char.isalnum() for char in name):
        raise ValidationError("Display names need at least one letter or digit.", code="invalid")
    if is_former_member_name(name) and not (user is not None and user.display_name == name):
        raise ValidationError(
            f"Names starting “{FORMER_MEMBER}” are kept for closed accounts.", code="reserved"
        )
    if display_name_taken(name, user=user):
        raise ValidationError(NAME_TAKEN, code="taken")
    return name


def display_name_taken(name, *, user=None):
    others = User.objects.filter(display_name_key=fold_display_name(name))
    if user is not None and user.pk is not None:
        others = others.exclude(pk=user.pk)
    return others.exists()


def clean_bio(raw):
    """Plain text, at most BIO_MAX_LENGTH characters; line breaks kept, other controls dropped."""
    text = str(raw or "").replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(char for char in text if char in "\n\t" or not _invisible_or_control(char))
    text = "\n".join(line.rstrip() for line in text.strip().split("\n"))
    if len(text) > BIO_MAX_LENGTH:
        raise ValidationError(
            f"Keep your bio to {BIO_MAX_LENGTH} characters (this one has {len(text)}).",
            code="max_length",
        )
    return text


def update_profile(user, display_name, bio):
    """Set `user`'s display name and bio, or raise ValidationError keyed by field."""
    errors = {}
    try:
        display_name = normalise_display_name(display_name, user=user)
    except ValidationError as error:
        errors["display_name"] = error.error_list
    try:
        bio = clean_bio(bio)
    except ValidationError as error:
        errors["bio"] = error.error_list
    if errors:
        raise ValidationError(errors)
    before = user.display_name, user.bio
    user.display_name, user.bio = display_name, bio
    try:
        with transaction.atomic():
            user.save(update_fields=["display_name", "bio"])
    except IntegrityError as error:
        # Someone took the name between the check and the save.
        user.display_name, user.bio = before
        raise ValidationError({"display_name": [NAME_TAKEN]}) from error
    return user


def profile_stats(user):
    """Arguments written and votes they received, in one query."""
    from debates.models import Argument

    return Argument.objects.filter(author=user).aggregate(
        arguments=Count("pk"),
        agree=Coalesce(Sum("agree_count"), 0),
        disagree=Coalesce(Sum("disagree_count"), 0),
    )


def find_user(identifier):
    """The user with this email, or else this display name (look-alikes match); None if neither."""
    identifier = str(identifier).strip()
    if "@" in identifier:
        user = User.objects.filter(email__iexact=identifier).first()
        if user:
            return user
    return User.objects.filter(display_name_key=fold_display_name(identifier)).first()


def moderators_group():
    """The Moderators group, created or brought up to date with MODERATOR_PERMISSIONS."""
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    wanted = Q()
    for perm in MODERATOR_PERMISSIONS:
        app_label, codename = perm.split(".")
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    permissions = list(Permission.objects.filter(wanted))
    if len(permissions) != len(MODERATOR_PERMISSIONS):
        found = {f"{p.content_type.app_label}.{p.codename}" for p in permissions}
        missing = ", ".join(sorted(set(MODERATOR_PERMISSIONS) - found))
        raise LookupError(f"Permissions missing (run `manage.py migrate` first): {missing}")
    group.permissions.add(*permissions)
    return group


def grant_moderator(user):
    """Put `user` in the Moderators group. True if that changed anything."""
    group = moderators_group()
    if user.groups.filter(pk=group.pk).exists():
        return False
    user.groups.add(group)
    return True


def revoke_moderator(user):
    """Take `user` out of the Moderators group. True if they were in it."""
    group = Group.objects.filter(name=MODERATORS_GROUP).first()
    if group is None or not user.groups.filter(pk=group.pk).exists():
        return False
    user.groups.remove(group)
    return True


# --- Closing an account ------------------------------------------------------------------------

FORMER_MEMBER = "Former member"


def is_former_member_name(name):
    """Names kept for closed accounts ("Former member 12"): nobody may choose one."""
    return fold_display_name(name).startswith(fold_display_name(FORMER_MEMBER))


@transaction.atomic
def delete_account(user):
    """Close `user`'s account for good, keeping what they wrote in the debates.

    Nothing is deleted that others read or replied to: their arguments, motions, votes and
    flags stay, and show as by "Former member <id>". The account itself is emptied: deactivated,
    email replaced by an undeliverable placeholder, name and bio anonymised, password unusable,
    staff rights, groups and permissions taken away, email addresses (allauth) removed, and every
    session signed out. Returns the user.
    """
    from allauth.account.models import EmailAddress

    user = User.objects.select_for_update().get(pk=user.pk)
    user.is_active = False
    user.is_staff = user.is_superuser = False
    user.email = f"deleted-{user.pk}@invalid"
    user.display_name = f"{FORMER_MEMBER} {user.pk}"
    if display_name_taken(user.display_name, user=user):  # chosen before such names were kept
        user.display_name = f"{FORMER_MEMBER} {user.pk} {uuid.uuid4().hex[:8]}"
    user.bio = ""
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    EmailAddress.objects.filter(user=user).delete()
    end_sessions(user)
    return user


def end_sessions(user):
    """Delete every database session signed in as `user`; Crux's sessions name their user.

    Other session engines need no sweep: a session carries a hash of the password, which no
    longer matches, and inactive users are refused anyway.
    """
    from django.conf import settings

    from accounts.models import Session
    from accounts.sessions import SessionStore

    if not issubclass(import_module(settings.SESSION_ENGINE).SessionStore, SessionStore):
        return 0
    return Session.objects.filter(user=user).delete()[0]
