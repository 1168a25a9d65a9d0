from functools import cache

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser, Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from accounts.names import NAME_TAKEN, clean_display_name, fold_display_name

MODERATORS_GROUP = "Moderators"
MODERATE_PERMISSION = "accounts.moderate"


@cache
def _moderator_sql() -> str:
    """Whether a user (the 1st, 5th and 6th parameters) is in the group named by the 2nd, or
    holds the permission (codename, app label) directly or through any group."""
    user_groups, user_perms = User.groups.through._meta, User.user_permissions.through._meta
    group_perms = Group.permissions.through._meta
    return f"""
        SELECT EXISTS (
            SELECT 1 FROM {user_groups.db_table} ug JOIN {Group._meta.db_table} g
              ON g.id = ug.group_id
             WHERE ug.user_id = %s AND g.name = %s
            UNION ALL
            SELECT 1 FROM {Permission._meta.db_table} p JOIN {ContentType._meta.db_table} ct
              ON ct.id = p.content_type_id
             WHERE p.codename = %s AND ct.app_label = %s AND (
                   p.id IN (SELECT permission_id FROM {user_perms.db_table} WHERE user_id = %s)
                   OR p.id IN (SELECT gp.permission_id FROM {group_perms.db_table} gp
                                 JOIN {user_groups.db_table} ug ON ug.group_id = gp.group_id
                                WHERE ug.user_id = %s))
        )
    """


class CruxUserManager(BaseUserManager):
    """Users sign in with their email; there is no separate username."""

    use_in_migrations = True

    def create_user(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra_fields)

    def with_display_name(self, name):
        """Whoever has `name` or a look-alike of it (accounts.names.fold_display_name)."""
        return self.filter(display_name_key=fold_display_name(name))


class User(AbstractUser):
    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(max_length=40)
    # fold_display_name(display_name), set by save(): the unique look-alike check.
    display_name_key = models.CharField(max_length=1000, unique=True, editable=False)
    bio = models.TextField(max_length=500, blank=True)
    suspended_until = models.DateTimeField(
        null=True, blank=True, help_text="Suspended until this time; far future for indefinitely."
    )
    suspension_reason = models.CharField(max_length=500, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    objects = CruxUserManager()

    class Meta:
        permissions = [("moderate", "Can moderate debates")]
        constraints = [
            models.UniqueConstraint(Lower("display_name"), name="user_display_name_ci_unique"),
            models.CheckConstraint(
                condition=~models.Q(display_name=""), name="user_display_name_not_empty"
            ),
        ]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("profile", args=[self.pk])

    def clean(self):
        # The admin's check; sign-up and profile edits go through accounts.services.
        super().clean()
        users = type(self)._default_manager
        stored = None
        if self.pk is not None:
            stored = users.filter(pk=self.pk).values_list("display_name", flat=True).first()
        try:
            self.display_name = clean_display_name(self.display_name, current=stored)
        except ValidationError as error:
            raise ValidationError({"display_name": error.messages}) from error
        if (
            self.display_name != stored
            and users.with_display_name(self.display_name).exclude(pk=self.pk).exists()
        ):
            raise ValidationError({"display_name": NAME_TAKEN})

    def save(self, *args, **kwargs):
        key = fold_display_name(self.display_name)
        # Migrations 0003 and 0005 gave look-alikes that predate the key in force a "<key> #<pk>"
        # one; keep it until the name itself changes, so such accounts can still be saved.
        if self.display_name_key != f"{key} #{self.pk}":
            self.display_name_key = key
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "display_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "display_name_key"}
        super().save(*args, **kwargs)

    @property
    def is_suspended(self):
        return self.suspended_until is not None and self.suspended_until > timezone.now()

    @cached_property
    def has_verified_email(self):
        return self.emailaddress_set.filter(verified=True).exists()

    @cached_property
    def is_moderator(self):
        """Staff, a member of the Moderators group, or anyone granted accounts.moderate."""
        if not self.is_active:
            return False
        if self.is_staff or self.is_superuser:
            return True
        # One query (pages check this for every signed-in viewer): the group, or the
        # permission held directly or through any group (what has_perm would find). Plain SQL:
        # composing the ORM's five joins cost ~0.9 ms of CPU a signed-in page (issue 18).
        app_label, codename = MODERATE_PERMISSION.split(".")
        params = [self.pk, MODERATORS_GROUP, codename, app_label, self.pk, self.pk]
        with connections[self._state.db or "default"].cursor() as cursor:
            cursor.execute(_moderator_sql(), params)
            return bool(cursor.fetchone()[0])


class ClosedAddress(models.Model):
    """An address of an account closed while suspended (accounts.services.delete_account), kept
    only as its key (accounts.suspension.address_key): the suspension follows the address to the
    next account that verifies it, for as long as the closed account's own suspension runs, so
    that closing and signing up again is no way out of one."""

    account = models.ForeignKey(User, on_delete=models.PROTECT, related_name="closed_addresses")
    key = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "key"], name="closed_address_once"),
        ]

    def __str__(self):
        return f"an address of {self.account}"
