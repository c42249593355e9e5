"""The manager's consultation settings, and consultations to look up (read-only).

The record changes only through consultations.services (via the staff pages), so its
rules hold for every change.
"""

from django.contrib import admin

from smpclinic.admin import SingleRowAdmin

from . import admin_forms  # noqa: F401  (the questionnaire and consent admin)
from .models import Consultation, ConsultationSettings, HairlineDesign, PatchTest


@admin.register(ConsultationSettings)
class ConsultationSettingsAdmin(SingleRowAdmin):
    fieldsets = (
        ("Patch test", {"fields": ("patch_test_read_hours",)}),
        ("Forms", {"fields": ("forms_link_days",)}),
        ("Estimates", {"fields": ("currency", "default_price_per_session", "default_deposit")}),
    )


class PatchTestInline(admin.TabularInline):
    model = PatchTest
    fields = ("pigment", "site", "applied_at", "read_after", "reading", "read_at", "notes")
    readonly_fields = fields
    extra = 0
    can_delete = False


class HairlineDesignInline(admin.TabularInline):
    model = HairlineDesign
    fields = ("version", "style", "notes", "approved_at", "approved_via")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ("client", "appointment", "artist", "review_required", "outcome", "created_at")
    list_filter = ("outcome", "review_required", "mode")
    list_select_related = ("client", "appointment", "artist")
    search_fields = ("client__first_name", "client__last_name", "client__email")
    inlines = [PatchTestInline, HairlineDesignInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
