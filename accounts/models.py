from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property


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


class User(AbstractUser):
    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(max_length=40)
    bio = models.TextField(max_length=500, blank=True)
    suspended_until = models.DateTimeField(
        null=True, blank=True, help_text="Suspended until this time; far future for indefinitely."
    )
    suspension_reason = models.CharField(max_length=500, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    objects = CruxUserManager()

    class Meta:
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

    @property
    def is_suspended(self):
        return self.suspended_until is not None and self.suspended_until > timezone.now()

    @cached_property
    def has_verified_email(self):
        return self.emailaddress_set.filter(verified=True).exists()
