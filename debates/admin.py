"""The admin for debates: nothing people wrote can be deleted here, and the log is read-only.

Moderation (hide, lock, feature, suspend) goes through the site's moderation tools, which log
every act, so the admin shows those fields but does not change them.
"""

from django.contrib import admin

from debates import events
from debates.models import (
    Argument,
    ArgumentRevision,
    Flag,
    ModerationAction,
    Motion,
    Source,
    Vote,
)


class NoDeleteMixin:
    """No delete permission: the admin then offers no delete view (403) and drops its
    "delete selected" action, which requires that permission."""

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyMixin(NoDeleteMixin):
    """Viewable, never added to or changed here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


MODERATED_FIELDS = ("visibility", "hidden_reason")


@admin.register(Motion)
class MotionAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("title", "author", "state", "visibility", "featured", "created_at")
    list_filter = ("state", "visibility", "featured")
    search_fields = ("title", "claim", "slug")
    raw_id_fields = ("author", "source")
    readonly_fields = (
        "state",
        "lock_reason",
        "featured",
        *MODERATED_FIELDS,
        "agree_count",
        "disagree_count",
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            events.announce(obj.pk, events.MOTION_CHANGED)


@admin.register(Argument)
class ArgumentAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("__str__", "motion", "stance", "author", "visibility", "created_at")
    list_filter = ("visibility", "stance")
    search_fields = ("claim", "details")
    raw_id_fields = ("motion", "parent", "author", "source")
    readonly_fields = (*MODERATED_FIELDS, "agree_count", "disagree_count")

    def get_readonly_fields(self, request, obj=None):
        # Moving an argument would break its depth and could make a cycle; it stays put.
        fixed = ("motion", "parent") if obj is not None else ()
        return (*super().get_readonly_fields(request, obj), *fixed)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            events.announce(obj.motion_id, events.ARGUMENT_CHANGED, argument_id=obj.pk)


@admin.register(Source)
class SourceAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("title", "author", "publisher", "url")
    search_fields = ("title", "author", "url")


@admin.register(ArgumentRevision)
class ArgumentRevisionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("__str__", "argument", "written_at", "replaced_at")
    raw_id_fields = ("argument",)


@admin.register(Vote)
class VoteAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("user", "choice", "motion", "argument", "created_at")
    list_filter = ("choice",)
    raw_id_fields = ("user", "motion", "argument")


@admin.register(Flag)
class FlagAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("__str__", "flagger", "reason", "status", "created_at", "resolved_by")
    list_filter = ("status", "reason")
    raw_id_fields = ("flagger", "motion", "argument", "resolved_by")


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("created_at", "moderator", "action", "target_label", "reason")
    list_filter = ("action",)
    search_fields = ("reason",)
    raw_id_fields = ("moderator", "motion", "argument", "user")
