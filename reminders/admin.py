"""The clinic's message wording and reminder rules, and the reminders sent (read-only).

Reminders change only through the outbox, the dispatcher and the staff pages'
Retry button, so the admin shows them without letting anyone edit them.
"""

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from smpclinic.admin import SingleRowAdmin

from .forms import MessageTemplateForm
from .kinds import PLACEHOLDER_HELP, get_kind, placeholders_of
from .models import (
    EmailSuppression,
    MessageTemplate,
    MessageTemplateTranslation,
    Reminder,
    ReminderKind,
    ReminderSettings,
)

LINE_RULE = (
    "A line whose placeholders are all empty is left out (e.g. the forms link once the "
    "forms are filled in). Write {{ or }} for a curly bracket on its own."
)


def _placeholder_list(kind: str):
    return format_html(
        "<ul class='reminder-placeholders'>{}</ul><p>{}</p>",
        format_html_join(
            "",
            "<li><code>{{{}}}</code> – {}</li>",
            ((name, PLACEHOLDER_HELP.get(name, "")) for name in sorted(placeholders_of(kind))),
        ),
        LINE_RULE,
    )


class MessageTemplateTranslationInline(admin.StackedInline):
    """The wording in another language: it must use the same placeholders as the wording above."""

    model = MessageTemplateTranslation
    extra = 0
    fields = ("language", "subject", "email_text", "sms_text")


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    form = MessageTemplateForm
    inlines = [MessageTemplateTranslationInline]
    list_display = ("__str__", "enabled", "subject", "timing", "updated_at")
    list_filter = ("enabled",)
    search_fields = ("subject", "email_text", "sms_text")
    readonly_fields = ("placeholders", "timing")
    fieldsets = (
        (None, {"fields": ("kind", "enabled", "timing", "offsets", "send_at")}),
        ("Wording", {"fields": ("placeholders", "subject", "email_text", "sms_text")}),
    )

    def get_readonly_fields(self, request, obj=None):
        # The kind of an existing template stays what it is; its placeholders depend on it.
        if not obj:
            return ("placeholders", "timing")
        fixed = ["kind", "placeholders", "timing"]
        declared = get_kind(obj.kind)
        if declared and not declared.timing.has_offsets:
            fixed.append("offsets")
        if declared and not declared.timing.has_time_of_day:
            fixed.append("send_at")
        return tuple(fixed)

    @admin.display(description="when")
    def timing(self, obj):
        return obj.timing_words

    @admin.display(description="placeholders you can use")
    def placeholders(self, obj):
        if obj and obj.kind:
            return _placeholder_list(obj.kind)
        return format_html_join(
            "",
            "<p><strong>{}</strong></p>{}",
            ((label, _placeholder_list(kind)) for kind, label in ReminderKind.choices),
        )


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(SingleRowAdmin):
    """One row of rules: the list goes straight to it, and it cannot be added or deleted."""

    fieldsets = (
        ("Text messages", {"fields": ("quiet_hours_start", "quiet_hours_end")}),
        ("Sending", {"fields": ("max_attempts",)}),
    )


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = (
        "client",
        "kind",
        "status",
        "channel",
        "due_at",
        "sent_at",
        "attempts",
        "delivery_status",
    )
    list_filter = ("status", "kind", "channel", "delivery_status")
    # The provider's id finds the message Twilio's console shows.
    search_fields = (
        "client__first_name",
        "client__last_name",
        "client__email",
        "key",
        "provider_message_id",
    )
    list_select_related = ("client",)
    date_hierarchy = "due_at"
    readonly_fields = [field.name for field in Reminder._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EmailSuppression)
class EmailSuppressionAdmin(admin.ModelAdmin):
    """Addresses the provider reported as bouncing or complaining, for the manager to see.

    They come only from the provider's reports and are cleared from the client's record
    (reminders.deliverability), so the admin shows them without editing.
    """

    list_display = ("address", "reason", "since", "client", "cleared_at", "provider")
    list_filter = ("reason", ("cleared_at", admin.EmptyFieldListFilter))
    search_fields = ("address", "client__first_name", "client__last_name")
    list_select_related = ("client",)
    readonly_fields = [field.name for field in EmailSuppression._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
