"""The manager's treatment settings, and treatment plans to look up (read-only).

Plans and sessions change only through sessions_app.plans (via the staff pages), so
the gap, length and booking rules hold for every change.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from .models import TreatmentPlan, TreatmentSession, TreatmentSettings


@admin.register(TreatmentSettings)
class TreatmentSettingsAdmin(admin.ModelAdmin):
    """One row of rules: the list goes straight to it, and it cannot be added or deleted."""

    fieldsets = (
        (
            "Session lengths",
            {"fields": ("first_session_minutes", "step_down_minutes", "minimum_session_minutes")},
        ),
        ("Gaps", {"fields": ("minimum_gap_days",)}),
    )

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not TreatmentSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        rules = TreatmentSettings.current()
        return redirect(reverse("admin:sessions_app_treatmentsettings_change", args=[rules.pk]))


class TreatmentSessionInline(admin.TabularInline):
    model = TreatmentSession
    fields = ("number", "kind", "extra_reason", "planned_minutes", "appointment", "logged")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("appointment", "log")

    @admin.display(boolean=True)
    def logged(self, obj):
        return obj.is_logged


@admin.register(TreatmentPlan)
class TreatmentPlanAdmin(admin.ModelAdmin):
    list_display = ("client", "lead_artist", "status", "planned_sessions", "created_at")
    list_filter = ("status", "lead_artist")
    search_fields = ("client__first_name", "client__last_name", "client__email")
    list_select_related = ("client", "lead_artist")
    date_hierarchy = "created_at"
    inlines = [TreatmentSessionInline]
    readonly_fields = (
        "client",
        "lead_artist",
        "planned_sessions",
        "pigment",
        "hairline_design",
        "target_look",
        "target_density",
        "status",
        "notes",
        "created_by",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
