from urllib.parse import quote

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from scheduling.admin import ARTIST_INLINES, warn_hours_outside_opening
from scheduling.models import ArtistHours
from smpclinic.admin import SingleRowAdmin
from smpclinic.cache import team_changed

from .models import Role, SecurityPolicy, User
from .services import user_deactivate, user_set_role
from .two_factor import api_token_refusal, enrolment_owed_now, two_factor_reset


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
    list_display = (
        "email",
        "first_name",
        "last_name",
        "role",
        "is_active",
        "two_factor",
        "last_login",
    )
    actions = ["reset_two_factor", "switch_off"]
    list_filter = ("role", "is_active")
    search_fields = ("email", "first_name", "last_name")
    readonly_fields = ("is_staff", "two_factor", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("first_name", "last_name")}),
        ("Role", {"fields": ("role", "is_active", "is_staff", "two_factor")}),
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

    def get_queryset(self, request):
        app = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_two_factor=Exists(app))

    @admin.display(boolean=True, description="two-factor sign-in")
    def two_factor(self, obj):
        return getattr(obj, "has_two_factor", False)

    @admin.action(description="Reset two-factor sign-in (lost phone) and sign them out")
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            two_factor_reset(user=user, by=request.user, request=request)
        self.message_user(
            request,
            f"Two-factor sign-in reset for {queryset.count()} people. They set it up again "
            "at their next sign-in if the clinic requires it.",
            messages.SUCCESS,
        )

    @admin.action(description="Switch off and sign out everywhere")
    def switch_off(self, request, queryset):
        for user in queryset.exclude(pk=request.user.pk):
            user_deactivate(user=user, by=request.user, request=request)
        self.message_user(request, "Switched off and signed out.", messages.SUCCESS)

    def get_inlines(self, request, obj):
        # Working hours and time off belong to artists only. The role as saved
        # decides: the page was drawn for it, so the posted inline rows match.
        if obj is not None and obj.pk is not None and obj.role == Role.ARTIST:
            return ARTIST_INLINES
        return ()

    def save_model(self, request, obj, form, change):
        obj.email = obj.email.strip().lower()
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # Switched off here: their open sessions end now, not at their next click.
            user_deactivate(user=obj, by=request.user, request=request)
        if not change or "role" in form.changed_data:
            # Role decides group and admin access; set both in one place.
            user_set_role(user=obj, role=obj.role)

    def save_related(self, request, form, formsets, change):
        # Name, role, switched on or off, working hours and time off (the inlines): what
        # the diary offers may change, so its stored free times are renewed.
        super().save_related(request, form, formsets, change)
        team_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        team_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        team_changed()

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is ArtistHours:
            saved = [*formset.new_objects, *(row for row, _fields in formset.changed_objects)]
            warn_hours_outside_opening(request, saved)


@admin.register(SecurityPolicy)
class SecurityPolicyAdmin(SingleRowAdmin):
    fields = ("require_staff_two_factor", "allow_trusted_browsers")

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        if enrolment_owed_now(request):
            # Required from now on, for the manager too: set it up at once.
            messages.warning(
                request,
                "Two-factor sign-in is now required for all staff, you included. "
                "Set up yours now; other staff are asked at their next sign-in.",
            )
            back = reverse("admin:accounts_securitypolicy_change", args=[obj.pk])
            return redirect(f"{reverse('accounts:two_factor')}?next={quote(back, safe='/')}")
        return response


class TokenForm(forms.ModelForm):
    """No API token for someone it would be refused for (accounts.two_factor)."""

    class Meta:
        model = TokenProxy
        fields = ("user",)

    def clean_user(self):
        user = self.cleaned_data["user"]
        refusal = api_token_refusal(user)
        if refusal:
            raise forms.ValidationError(
                "The clinic requires two-factor sign-in and this person has not set it up: "
                "a token would be refused. Ask them to set it up first."
            )
        return user


admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class ClinicTokenAdmin(TokenAdmin):
    form = TokenForm
