from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from scheduling.admin import ARTIST_INLINES, warn_hours_outside_opening
from scheduling.models import ArtistHours

from .models import Role, User
from .services import user_set_role


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "role")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreationForm
    form = UserEditForm
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "role", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("email", "first_name", "last_name")
    readonly_fields = ("is_staff", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("first_name", "last_name")}),
        ("Role", {"fields": ("role", "is_active", "is_staff")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "first_name",
                    "last_name",
                    "role",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    def get_inlines(self, request, obj):
        # Working hours and time off belong to artists only. The role as saved
        # decides: the page was drawn for it, so the posted inline rows match.
        if obj is not None and obj.pk is not None and obj.role == Role.ARTIST:
            return ARTIST_INLINES
        return ()

    def save_model(self, request, obj, form, change):
        obj.email = obj.email.strip().lower()
        super().save_model(request, obj, form, change)
        if not change or "role" in form.changed_data:
            # Role decides group and admin access; set both in one place.
            user_set_role(user=obj, role=obj.role)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is ArtistHours:
            saved = [*formset.new_objects, *(row for row, _fields in formset.changed_objects)]
            warn_hours_outside_opening(request, saved)
