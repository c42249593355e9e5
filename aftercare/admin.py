"""The manager edits the aftercare wording here; plans and check-ins are shown for reference."""

from django.contrib import admin

from .forms import AftercareInstructionForm, AftercareInstructionTranslationForm
from .models import (
    AftercareInstruction,
    AftercareInstructionTranslation,
    AftercarePlan,
    AftercareStep,
    CheckIn,
)
from .services import aftercare_instruction_save


class AftercareInstructionTranslationInline(admin.StackedInline):
    """The instruction as clients in another language get it: a title and the instructions,
    both required. Plans already given keep their own copy."""

    model = AftercareInstructionTranslation
    form = AftercareInstructionTranslationForm
    extra = 0
    verbose_name = "wording in another language"
    verbose_name_plural = "wording in other languages"


@admin.register(AftercareInstruction)
class AftercareInstructionAdmin(admin.ModelAdmin):
    form = AftercareInstructionForm
    inlines = [AftercareInstructionTranslationInline]
    list_display = ["days", "title", "send_message", "is_shipped_default"]
    list_display_links = ["days", "title"]
    list_filter = ["send_message", "is_shipped_default"]
    ordering = ["day_from", "position", "id"]
    search_fields = ["title", "body"]

    @admin.display(description="Days after the session", ordering="day_from")
    def days(self, obj):
        if obj.day_from == obj.day_to:
            return f"Day {obj.day_from}"
        return f"Days {obj.day_from}–{obj.day_to}"

    def save_model(self, request, obj, form, change):
        aftercare_instruction_save(instruction=obj, edited=change and form.has_changed())


class AftercareStepInline(admin.TabularInline):
    model = AftercareStep
    extra = 0
    can_delete = False
    fields = ["day_from", "day_to", "title", "send_message"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AftercarePlan)
class AftercarePlanAdmin(admin.ModelAdmin):
    list_display = ["session", "client", "starts_on"]
    list_select_related = ["session__plan__client", "client"]
    readonly_fields = ["session", "client", "starts_on", "created_at"]
    inlines = [AftercareStepInline]
    search_fields = ["client__first_name", "client__last_name"]

    def has_add_permission(self, request):
        return False


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["client", "session", "kind", "status", "submitted_at", "reviewed_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["client", "session__plan__client"]
    search_fields = ["client__first_name", "client__last_name"]
    fields = [
        "client",
        "session",
        "kind",
        "status",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "reply",
        "proposal",
        "proposal_note",
        "proposal_handled_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False
