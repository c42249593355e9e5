"""Settings for the client's forms: the health questionnaire and the consent forms.

A version that clients have answered or signed is a record: it shows read-only,
and a change is made on a copy ("Copy as a new draft version"), which the
manager then publishes. The newest published version is the one clients see.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count

from .consent import (
    consent_version_copy_as_draft,
    consent_version_publish,
    statements_from_text,
)
from .models import (
    Answer,
    ConsentSignature,
    ConsentTemplate,
    ConsentVersion,
    Question,
    QuestionnaireResponse,
    QuestionnaireVersion,
)
from .questionnaire import (
    questionnaire_copy_as_draft,
    questionnaire_publish,
)

NOT_ADVICE = (
    "The wording shipped with the app is a starting point for the clinic to review and "
    "adapt; it is not legal or medical advice."
)


# --- health questionnaire ------------------------------------------------------------------


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = [
        "position",
        "text",
        "help_text",
        "kind",
        "required",
        "contraindication",
        "ask_details",
    ]

    def _answered(self, obj) -> bool:
        return obj is not None and obj.is_answered

    def has_add_permission(self, request, obj=None):
        return not self._answered(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._answered(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._answered(obj) and super().has_delete_permission(request, obj)


@admin.register(QuestionnaireVersion)
class QuestionnaireVersionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "state", "question_count", "response_count", "note", "created_at"]
    fields = ["number", "note", "published_at"]
    readonly_fields = ["published_at"]
    inlines = [QuestionInline]
    actions = ["copy_as_draft", "publish"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_questions=Count("questions", distinct=True),
                n_responses=Count("responses", distinct=True),
            )
        )

    @admin.display(description="questions")
    def question_count(self, obj):
        return obj.n_questions

    @admin.display(description="answered")
    def response_count(self, obj):
        return obj.n_responses

    @admin.display(description="state")
    def state(self, obj):
        if obj.published_at is None:
            return "Draft"
        current = QuestionnaireVersion.objects.filter(published_at__isnull=False).first()
        return "Current" if current and current.pk == obj.pk else "Published earlier"

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_answered:
            return ["number", "note", "published_at"]
        return super().get_readonly_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.is_answered or obj.published_at):
            return False
        return super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and request.method == "GET" and obj.is_answered:
            messages.warning(
                request,
                "Clients have answered this version, so it cannot change. "
                "Use “Copy as a new draft version” in the list, edit the copy and publish it.",
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if obj.pk is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        # The inline is read-only for answered versions; this refuses a forged post too.
        try:
            form.instance.check_editable()
        except ValidationError:
            if formset.has_changed():
                raise
        super().save_formset(request, form, formset, change)

    @admin.action(description="Copy as a new draft version")
    def copy_as_draft(self, request, queryset):
        for version in queryset:
            draft = questionnaire_copy_as_draft(version=version, by=request.user)
            self.message_user(
                request,
                f"Version {draft.number} is a draft copy of version {version.number}: "
                "edit it, then publish it.",
                messages.SUCCESS,
            )

    @admin.action(description="Publish (clients answer the newest published version)")
    def publish(self, request, queryset):
        for version in queryset.order_by("number"):
            try:
                questionnaire_publish(version=version)
            except ValidationError as error:
                self.message_user(request, f"{version}: {error.messages[0]}", messages.ERROR)
            else:
                self.message_user(request, f"{version} is published.", messages.SUCCESS)


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ["question_text", "display", "details", "flags_contraindication"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(QuestionnaireResponse)
class QuestionnaireResponseAdmin(admin.ModelAdmin):
    list_display = ["client", "version", "flagged", "channel", "submitted_at"]
    list_filter = ["flagged", "channel"]
    list_select_related = ["client", "version"]
    search_fields = ["client__first_name", "client__last_name"]
    readonly_fields = [
        "client",
        "consultation",
        "version",
        "flagged",
        "channel",
        "submitted_at",
        "ip_address",
        "user_agent",
    ]
    fields = readonly_fields
    inlines = [AnswerInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- consent -------------------------------------------------------------------------------


class StatementsField(forms.CharField):
    """The statements a client ticks, one a line, stored as a list."""

    widget = forms.Textarea(attrs={"rows": 8})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        return statements_from_text(super().to_python(value) or "")

    def validate(self, value):
        if self.required and not value:
            raise ValidationError("Give at least one statement for the client to tick.")


class ConsentVersionForm(forms.ModelForm):
    statements = StatementsField(
        help_text="One statement a line; the client ticks each one. " + NOT_ADVICE
    )

    class Meta:
        model = ConsentVersion
        fields = ["template", "number", "title", "body", "statements"]
        help_texts = {"body": "What the client reads before the statements. " + NOT_ADVICE}

    def clean(self):
        cleaned = super().clean()
        for field in ("title", "body", "statements"):
            if field in cleaned:
                setattr(self.instance, field, cleaned[field])
        try:
            self.instance.check_editable()
        except ValidationError as error:
            raise ValidationError(error.messages) from error
        return cleaned


@admin.register(ConsentTemplate)
class ConsentTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_active", "position"]
    list_editable = ["is_active", "position"]
    prepopulated_fields = {"slug": ["name"]}

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.base_fields["name"].help_text = "Edit the wording in its versions. " + NOT_ADVICE
        return form


@admin.register(ConsentVersion)
class ConsentVersionAdmin(admin.ModelAdmin):
    form = ConsentVersionForm
    list_display = ["__str__", "template", "state", "signature_count", "published_at"]
    list_filter = ["template"]
    list_select_related = ["template"]
    readonly_fields = ["published_at"]
    actions = ["copy_as_draft", "publish"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_signatures=Count("signatures"))

    @admin.display(description="signed")
    def signature_count(self, obj):
        return obj.n_signatures

    @admin.display(description="state")
    def state(self, obj):
        if obj.published_at is None:
            return "Draft"
        current = (
            ConsentVersion.objects.filter(template_id=obj.template_id, published_at__isnull=False)
            .order_by("-published_at", "-number")
            .first()
        )
        return "Current" if current and current.pk == obj.pk else "Published earlier"

    def get_fields(self, request, obj=None):
        return ["template", "number", "title", "body", "statements", "published_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_signed:
            return ["template", "number", "title", "body", "statements", "published_at"]
        return super().get_readonly_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.is_signed or obj.published_at):
            return False
        return super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and request.method == "GET" and obj.is_signed:
            messages.warning(
                request,
                "Clients have signed this version, so its text cannot change. "
                "Use “Copy as a new draft version” in the list, edit the copy and publish it; "
                "clients then sign the new version before their next session.",
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if obj.pk is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Copy as a new draft version")
    def copy_as_draft(self, request, queryset):
        for version in queryset.select_related("template"):
            draft = consent_version_copy_as_draft(version=version, by=request.user)
            self.message_user(
                request,
                f"{draft.template.name} version {draft.number} is a draft copy of version "
                f"{version.number}: edit it, then publish it.",
                messages.SUCCESS,
            )

    @admin.action(description="Publish (clients sign the newest published version)")
    def publish(self, request, queryset):
        for version in queryset.select_related("template").order_by("number"):
            try:
                consent_version_publish(version=version)
            except ValidationError as error:
                self.message_user(request, f"{version}: {error.messages[0]}", messages.ERROR)
            else:
                self.message_user(request, f"{version} is published.", messages.SUCCESS)


@admin.register(ConsentSignature)
class ConsentSignatureAdmin(admin.ModelAdmin):
    list_display = ["client", "version", "typed_name", "channel", "signed_at"]
    list_select_related = ["client", "version__template"]
    list_filter = ["version__template", "channel"]
    search_fields = ["client__first_name", "client__last_name", "typed_name"]
    fields = [
        "client",
        "version",
        "consultation",
        "typed_name",
        "text_shown",
        "text_sha256",
        "channel",
        "signed_at",
        "ip_address",
        "user_agent",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
