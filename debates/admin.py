"""The admin for debates: it shows what people wrote and the log, and changes neither.

An edit here would keep no earlier wording, set no "edited" mark and leave the rendered HTML
stale, so motions, arguments and the sources they cite are read-only: authors edit on the site
(a revision kept), and moderators hide, restore, lock and feature with the site's tools, which
log every act. Nothing can be deleted here.
"""

from django.contrib import admin

from debates.models import (
    Appeal,
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


@admin.register(Motion)
class MotionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("title", "author", "state", "visibility", "featured", "created_at")
    list_filter = ("state", "visibility", "featured")
    search_fields = ("title", "claim", "slug")


@admin.register(Argument)
class ArgumentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("__str__", "motion", "stance", "author", "visibility", "created_at")
    list_filter = ("visibility", "stance")
    search_fields = ("claim", "details")


@admin.register(Source)
class SourceAdmin(ReadOnlyMixin, admin.ModelAdmin):
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
    raw_id_fields = ("flagger", "motion", "argument", "source", "resolved_by")


@admin.register(Appeal)
class AppealAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("__str__", "author", "status", "created_at", "resolved_by")
    list_filter = ("status",)
    raw_id_fields = ("argument", "motion", "author", "resolved_by")


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("created_at", "moderator", "action", "target_label", "reason")
    list_filter = ("action",)
    search_fields = ("reason",)
    raw_id_fields = ("moderator", "motion", "argument", "user")
