from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import User


@admin.register(User)
class CruxUserAdmin(UserAdmin):
    ordering = ("email",)
    list_display = ("email", "display_name", "is_staff", "is_active", "date_joined")
    search_fields = ("email", "display_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("display_name", "bio")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"fields": ("email", "display_name", "password1", "password2")}),)

    # Accounts are never deleted here: what people wrote points at them (PROTECT), and closing
    # an account will be deactivate-and-anonymise, not delete. Suspensions go through the
    # site's moderation tools, which log them.
    # (Without the delete permission the "delete selected" action is not offered either.)
    def has_delete_permission(self, request, obj=None):
        return False
