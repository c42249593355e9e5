"""The manager's consultation settings, and consultations to look up (read-only).

The record changes only through consultations.services (via the staff pages), so its
rules hold for every change.
"""

from django import forms
from django.conf import settings
from django.contrib import admin

from smpclinic.admin import SingleRowAdmin

from . import admin_forms  # noqa: F401  (the questionnaire and consent admin)
from .models import (
    ConsentVersionTranslation,
    Consultation,
    ConsultationSettings,
    HairlineDesign,
    PatchTest,
    QuestionnaireResponse,
    QuestionTranslation,
)
from .questionnaire import translation_problems


class ConsentVersionTranslationForm(forms.ModelForm):
    class Meta:
        model = ConsentVersionTranslation
        fields = ("version", "language", "title", "body", "statements")

    def clean(self):
        cleaned = super().clean()
        version = cleaned.get("version") or getattr(self.instance, "version", None)
        statements = cleaned.get("statements")
        if not isinstance(statements, list) or not all(isinstance(s, str) for s in statements):
            self.add_error("statements", "Give the statements as a list of sentences.")
        elif version is not None and len(statements) != len(version.statements or []):
            self.add_error(
                "statements",
                f"The form has {len(version.statements or [])} statements: translate each one, "
                "in the same order.",
            )
        return cleaned


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


@admin.register(ConsentVersionTranslation)
class ConsentVersionTranslationAdmin(admin.ModelAdmin):
    """A consent form's text in another language; once signed in it, it cannot change."""

    form = ConsentVersionTranslationForm
    list_display = ("version", "language")
    list_filter = ("language",)
    fields = ("version", "language", "title", "body", "statements")

    def get_readonly_fields(self, request, obj=None):
        return ("version", "language") if obj else ()


class QuestionTranslationForm(forms.ModelForm):
    class Meta:
        model = QuestionTranslation
        fields = ("question", "language", "text", "help_text")

    def clean(self):
        cleaned = super().clean()
        question = cleaned.get("question") or getattr(self.instance, "question", None)
        language = cleaned.get("language") or self.instance.language
        if question is None:
            return cleaned
        if language and language == settings.LANGUAGE_CODE.lower():
            self.add_error(
                "language", "This is the clinic's own language: edit the question itself."
            )
        draft = QuestionTranslation(
            question=question,
            text=cleaned.get("text") or "",
            help_text=cleaned.get("help_text") or "",
        )
        for field, message in translation_problems(question, draft).items():
            self.add_error(field, message)
        if (
            self.instance.pk
            and QuestionnaireResponse.objects.filter(
                version_id=question.version_id, language=language
            ).exists()
        ):
            self.add_error(
                None,
                "Clients have answered this question in this language, so its wording cannot "
                "change. Copy the questionnaire as a new draft version and edit that instead.",
            )
        return cleaned


@admin.register(QuestionTranslation)
class QuestionTranslationAdmin(admin.ModelAdmin):
    """A health question in another language; once answered in it, it cannot change."""

    form = QuestionTranslationForm
    list_display = ("text", "question", "language")
    list_filter = ("language", "question__version")
    list_select_related = ("question",)
    fields = ("question", "language", "text", "help_text")

    def get_readonly_fields(self, request, obj=None):
        return ("question", "language") if obj else ()
