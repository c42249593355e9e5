"""The audit trail in the admin: to read, never to add, change or delete."""

from auditlog.admin import LogEntryAdmin
from django.contrib import admin

from .models import ChangeEntry, RecordView


class ReadOnlyAdmin(admin.ModelAdmin):
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Not even as part of deleting something else through the admin.
        return False


# django-auditlog registers its own admin for the log entry model; its delete rule
# lets a cascade through, so it is replaced.
if admin.site.is_registered(ChangeEntry):
    admin.site.unregister(ChangeEntry)


@admin.register(ChangeEntry)
class ChangeEntryAdmin(ReadOnlyAdmin, LogEntryAdmin):
    list_display = ["created", "resource_url", "action", "msg_short", "user_url", "client_pk"]
    search_fields = ["object_repr", "actor__email", "actor_email", "client_pk"]


@admin.register(RecordView)
class RecordViewAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "what", "client", "object_id", "ip"]
    list_select_related = ["user", "client"]
    list_filter = ["what"]
    search_fields = ["user__email", "path", "client__last_name"]
    date_hierarchy = "at"
    fields = ["at", "user", "ip", "client", "what", "object_id", "path"]
    readonly_fields = fields
