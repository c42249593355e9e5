"""The manager's treatment settings, and treatment plans to look up (read-only).

Plans and sessions change only through sessions_app.plans (via the staff pages), so
the gap, length and booking rules hold for every change.
"""

from django.contrib import admin

from smpclinic.admin import SingleRowAdmin

from .models import TreatmentPlan, TreatmentSession, TreatmentSettings


@admin.register(TreatmentSettings)
class TreatmentSettingsAdmin(SingleRowAdmin):
    """One row of rules: the list goes straight to it, and it cannot be added or deleted."""

    fieldsets = (
        (
            "Session lengths",
            {"fields": ("first_session_minutes", "step_down_minutes", "minimum_session_minutes")},
        ),
        ("Gaps", {"fields": ("minimum_gap_days",)}),
    )


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
