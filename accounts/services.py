"""Accounts' rules in one place: display names, profiles, moderators, closing an account.

Sign-up (accounts.forms.SignupForm), the profile form and the admin all validate display names
with accounts.names, so the rules cannot drift apart; this module adds whether a name is taken.
"""

import uuid

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q

from accounts import suspension
from accounts.models import MODERATORS_GROUP, User
from accounts.names import (
    FORMER_MEMBER,
    NAME_TAKEN,
    clean_display_name,
    fold_display_name,
    invisible_or_control,
)
from debates import events, policy
from debates.models import MODERATION_REASON_MAX_LENGTH, Argument, ModerationAction, Motion, Source

BIO_MAX_LENGTH = 500

# What moderation needs: edit and hide arguments and motions, suspend people, and the marker
# permission the moderation views check (`user.has_perm("accounts.moderate")`).
MODERATOR_PERMISSIONS = [
    "accounts.moderate",
    "accounts.change_user",
    "debates.change_argument",
    "debates.change_motion",
]


def normalise_display_name(raw, *, user=None):
    """The display name to store for `raw`, or ValidationError saying what is wrong with it.

    accounts.names.clean_display_name's rules, then no look-alike of anyone else's name.
    `user` is the person choosing it, who may keep their own current name.
    """
    current = user.display_name if user is not None else None
    name = clean_display_name(raw, current=current)
    if name != current and display_name_taken(name, user=user):
        raise ValidationError(NAME_TAKEN, code="taken")
    # Her own name, re-cased or re-spaced, stays hers; a new one may not be someone Crux quotes.
    renamed = current is None or fold_display_name(name) != fold_display_name(current)
    if renamed and _quoted(name):
        raise ValidationError(
            "Crux quotes someone by this name, or one that looks like it: a member may not take "
            "it, or their posts would pass for that person's. If it is yours, ask a moderator.",
            code="quoted",
        )
    return name


def _quoted(name) -> bool:
    """Whether `name` is, or looks like, the attribution of a claim or source that no member
    stands behind (the seeded debate's, Crux's own) and everyone reads: a name members add to
    what they post or paste binds nobody else, or anyone could take names from the rest."""
    key = fold_display_name(name)
    # One query: the names are few (a debate quotes a handful of people); the fold is Python's.
    motions = Motion._meta.db_table
    # An argument counts while its motion is shown too, as lists outside a debate count it.
    shown_motion = f"AND motion_id IN (SELECT id FROM {motions} WHERE visibility = 'visible')"
    sql = " UNION ".join(
        f"SELECT {column} FROM {model._meta.db_table} WHERE {column} <> '' "
        f"AND {member} IS NULL AND visibility = 'visible' {also}"
        for model, column, member, also in (
            (Argument, "attribution", "author_id", shown_motion),
            (Motion, "attribution", "author_id", ""),
            (Source, "author", "added_by_id", ""),
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return any(fold_display_name(quoted) == key for (quoted,) in cursor.fetchall())


def display_name_taken(name, *, user=None):
    others = User.objects.with_display_name(name)
    if user is not None and user.pk is not None:
        others = others.exclude(pk=user.pk)
    return others.exists()


def clean_bio(raw):
    """Plain text, at most BIO_MAX_LENGTH characters; line breaks kept, other controls dropped."""
    text = str(raw or "").replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(char for char in text if char in "\n\t" or not invisible_or_control(char))
    text = "\n".join(line.rstrip() for line in text.strip().split("\n"))
    if len(text) > BIO_MAX_LENGTH:
        raise ValidationError(
            f"Keep your bio to {BIO_MAX_LENGTH} characters (this one has {len(text)}).",
            code="max_length",
        )
    return text


@transaction.atomic
def update_profile(*, user: User, display_name: str, bio: str) -> User:
    """Set `user`'s display name and bio, or raise ValidationError keyed by field;
    DebateRuleError (403) while they may not (debates.policy.profile_edit_refusal)."""
    policy.enforce(policy.profile_edit_refusal(user))
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
        with transaction.atomic():  # a savepoint: the unique key's refusal is answered below
            user.save(update_fields=["display_name", "bio"])
            if user.display_name != before[0]:
                events.stamp_activity_of_writer(user.pk)
    except IntegrityError as error:
        # Someone took the name between the check and the save.
        user.display_name, user.bio = before
        raise ValidationError({"display_name": [NAME_TAKEN]}) from error
    return user


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


@transaction.atomic
def grant_moderator(*, user: User) -> bool:
    """Put `user` in the Moderators group. True if that changed anything."""
    group = moderators_group()
    if user.groups.filter(pk=group.pk).exists():
        return False
    user.groups.add(group)
    return True


@transaction.atomic
def revoke_moderator(*, user: User) -> bool:
    """Take `user` out of the Moderators group. True if they were in it."""
    group = Group.objects.filter(name=MODERATORS_GROUP).first()
    if group is None or not user.groups.filter(pk=group.pk).exists():
        return False
    user.groups.remove(group)
    return True


# --- Closing an account ------------------------------------------------------------------------


@transaction.atomic
def delete_account(*, user: User) -> User:
    """Close `user`'s account for good, keeping what they wrote in the debates.

    Nothing is deleted that others read or replied to: their arguments, motions, votes and
    flags stay, and show as by "Former member <id>". The account itself is emptied: deactivated,
    email replaced by an undeliverable placeholder, name and bio anonymised, password unusable,
    staff rights, groups and permissions taken away, email addresses (allauth) removed. Returns
    the user.

    Closed while suspended, the account keeps its addresses' keys, and its suspension follows
    them to the next account that verifies one (carry_over_suspension).

    That also ends every session signed in as them, wherever it is stored: Django signs a
    session in only for an active user whose password hash still matches the one the session
    was signed in with, and both have changed.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_suspended:
        addresses = EmailAddress.objects.filter(user=user).values_list("email", flat=True)
        suspension.keep_addresses(user=user, emails=[user.email, *addresses])
    user.is_active = False
    user.is_staff = user.is_superuser = False
    user.email = f"deleted-{user.pk}@invalid"
    user.display_name = f"{FORMER_MEMBER} {user.pk}"
    if display_name_taken(user.display_name, user=user):  # chosen before such names were kept
        user.display_name = f"{FORMER_MEMBER} {user.pk} {uuid.uuid4().hex[:8]}"
    user.bio = ""
    user.set_unusable_password()
    user.save()
    events.stamp_activity_of_writer(user.pk)  # the debates she wrote in name her no more
    user.groups.clear()
    user.user_permissions.clear()
    EmailAddress.objects.filter(user=user).delete()
    return user


@transaction.atomic
def carry_over_suspension(*, user: User, email: str) -> ModerationAction | None:
    """`user` has just verified `email`: if an account closed while suspended held it, suspend
    `user` for what is left of that suspension, logged as the moderator who suspended the closed
    account, so the log says whose suspension it is. The entry, or None when nothing was carried
    over, or when the closed account's suspension has no entry to name its moderator by (set
    outside the moderation pages, in the admin)."""
    closed = suspension.closed_and_suspended(email)
    if closed is None or closed.pk == user.pk:
        return None
    reason = (
        f"Carried over from a closed account ({closed.display_name}): {closed.suspension_reason}"
    )[:MODERATION_REASON_MAX_LENGTH]
    person = suspension.carry_over(closed=closed, user=user, reason=reason)
    if person is None:
        return None
    suspending = (
        ModerationAction.objects.filter(user=closed, action=ModerationAction.Action.SUSPEND)
        .order_by("-created_at", "-pk")
        .first()
    )
    if suspending is None:
        return None
    return ModerationAction.objects.create(
        moderator_id=suspending.moderator_id,
        action=ModerationAction.Action.SUSPEND,
        user=person,
        reason=reason,
        suspended_until=person.suspended_until,
    )
