"""Settings → Forms: the health questionnaire and the consent forms as versions. The manager
sees the live version and the history, edits a draft, compares it with the live version and
publishes it. A thin layer over consultations.questionnaire and consultations.consent, which
check and save (the same services the admin uses)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.access import manager_required
from smpclinic.diffs import diff_html, has_changes
from smpclinic.language_forms import OtherLanguagesMixin

from . import consent, questionnaire
from .models import ConsentTemplate, QuestionKind

NOT_ADVICE = gettext_lazy(
    "The wording shipped with the app is a starting point for the clinic to review and adapt; "
    "it is not legal or medical advice."
)


# --- forms -------------------------------------------------------------------------------------


class QuestionForm(OtherLanguagesMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(
        label=gettext_lazy("Question"), max_length=questionnaire.QUESTION_TEXT_MAX
    )
    help_text = forms.CharField(
        label=gettext_lazy("Help beneath it"),
        required=False,
        max_length=questionnaire.QUESTION_TEXT_MAX,
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Answered by"), choices=QuestionKind.choices, initial=QuestionKind.YES_NO
    )
    required = forms.BooleanField(
        label=gettext_lazy("Must be answered"), required=False, initial=True
    )
    contraindication = forms.BooleanField(
        label=gettext_lazy("A yes needs practitioner review"), required=False
    )
    ask_details = forms.BooleanField(
        label=gettext_lazy("Ask for details after a yes"), required=False
    )

    TRANSLATED = ("text", "help_text")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_language_fields()

    def translated_field(self, name: str, language_name: str) -> forms.Field:
        label = (_("Question in %(language)s") if name == "text" else _("Help in %(language)s")) % {
            "language": language_name
        }
        return forms.CharField(
            label=label,
            required=False,
            max_length=questionnaire.QUESTION_TEXT_MAX,
        )

    def translations(self):
        """(language, question, help) for each language posted; None when none was."""
        posted = self.wording() if self.is_bound else {}
        if not posted:
            return None
        return tuple((code, text, help_text) for code, (text, help_text) in posted.items())


class BaseQuestionFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["ORDER"].label = _("No.")
        form.fields["DELETE"].label = _("Remove")


QuestionFormSet = forms.formset_factory(
    QuestionForm,
    formset=BaseQuestionFormSet,
    extra=2,
    can_order=True,
    can_delete=True,
    max_num=200,
    validate_max=True,
)


class ConsentDraftForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    body = forms.CharField(
        label=gettext_lazy("What the client reads first"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=NOT_ADVICE,
    )
    statements = forms.CharField(
        label=gettext_lazy("Statements the client ticks"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("One statement a line; the client ticks each one to sign."),
    )


def _question_initial(version) -> list[dict]:
    return [
        {
            "id": question.pk,
            "text": question.text,
            "help_text": question.help_text,
            "kind": question.kind,
            "required": question.required,
            "contraindication": question.contraindication,
            "ask_details": question.ask_details,
            **{
                f"{field}_{translated.language}": getattr(translated, field)
                for translated in question.translations.all()
                for field in ("text", "help_text")
            },
            "ORDER": position,
        }
        for position, question in enumerate(version.questions.all(), start=1)
    ]


# --- pages -------------------------------------------------------------------------------------


@require_safe
@manager_required
def forms_index(request):
    history = questionnaire.questionnaire_history()
    live = questionnaire.current_questionnaire()
    return render(
        request,
        "consultations/settings/index.html",
        {
            "questionnaire_live": live,
            "questionnaire_draft": next(
                (
                    v
                    for v in history
                    if v.published_at is None and (live is None or v.number > live.number)
                ),
                None,
            ),
            "consent_forms": consent.consent_forms_versions(),
        },
    )


def _questionnaire_page(request, *, formset=None, status=200):
    live = questionnaire.current_questionnaire()
    draft = questionnaire.questionnaire_draft()
    if draft is not None and formset is None:
        formset = QuestionFormSet(initial=_question_initial(draft), prefix="q")
    live_text = questionnaire.questionnaire_as_text(live)
    draft_text = questionnaire.questionnaire_as_text(draft)
    return render(
        request,
        "consultations/settings/questionnaire.html",
        {
            "live": live,
            "draft": draft,
            "formset": formset,
            "history": questionnaire.questionnaire_history(),
            "diff": diff_html(live_text, draft_text) if draft is not None else "",
            "changed": has_changes(live_text, draft_text),
        },
        status=status,
    )


def _question_drafts(formset) -> tuple[list, list]:
    """The questions in their new order, and the form each came from."""
    chosen = [form for form in formset.ordered_forms if form.cleaned_data.get("text")]
    return [
        questionnaire.QuestionDraft(
            pk=form.cleaned_data.get("id"),
            text=form.cleaned_data["text"],
            help_text=form.cleaned_data.get("help_text", ""),
            kind=form.cleaned_data["kind"],
            required=form.cleaned_data.get("required", False),
            contraindication=form.cleaned_data.get("contraindication", False),
            ask_details=form.cleaned_data.get("ask_details", False),
            translations=form.translations(),
        )
        for form in chosen
    ], chosen


@require_http_methods(["GET", "POST"])
@manager_required
def questionnaire_settings(request):
    if request.method == "GET":
        return _questionnaire_page(request)
    draft = questionnaire.questionnaire_draft()
    if draft is None:
        messages.error(request, _("There is no draft to save: start one first."))
        return redirect("form_settings:questionnaire")
    formset = QuestionFormSet(request.POST, prefix="q")
    if not formset.is_valid():
        return _questionnaire_page(request, formset=formset, status=400)
    questions, chosen = _question_drafts(formset)
    try:
        questionnaire.questionnaire_draft_update(version=draft, questions=questions)
    except questionnaire.QuestionsRefused as refused:
        for index, problems in refused.problems.items():
            for field, message in problems.items():
                chosen[index].add_error(field, message)
        return _questionnaire_page(request, formset=formset, status=400)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
        return redirect("form_settings:questionnaire")
    messages.success(request, _("Draft version %(number)s saved.") % {"number": draft.number})
    return redirect("form_settings:questionnaire")


@require_POST
@manager_required
def questionnaire_draft_start(request):
    draft = questionnaire.questionnaire_draft_start(by=request.user)
    messages.success(
        request,
        _("Version %(number)s is a draft: change it, then publish it.") % {"number": draft.number},
    )
    return redirect("form_settings:questionnaire")


@require_POST
@manager_required
def questionnaire_publish(request):
    draft = questionnaire.questionnaire_draft()
    if draft is None:
        messages.error(request, _("There is no draft to publish."))
        return redirect("form_settings:questionnaire")
    try:
        questionnaire.questionnaire_draft_publish(version=draft)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(
            request,
            _(
                "Version %(number)s is live: clients answer it from now on; answers already "
                "given keep the version they answered."
            )
            % {"number": draft.number},
        )
    return redirect("form_settings:questionnaire")


# --- consent forms ------------------------------------------------------------------------------


def _consent_of(slug: str):
    template = get_object_or_404(ConsentTemplate, slug=slug)
    return consent.consent_forms_versions(ConsentTemplate.objects.filter(pk=template.pk))[0]


def _consent_page(request, versions, *, form=None, status=200):
    draft = versions.draft
    if draft is not None and form is None:
        form = ConsentDraftForm(
            initial={
                "title": draft.title,
                "body": draft.body,
                "statements": "\n".join(draft.statements or []),
            }
        )
    live_text = consent.consent_document(versions.live).text if versions.live else ""
    draft_text = consent.consent_document(draft).text if draft else ""
    return render(
        request,
        "consultations/settings/consent.html",
        {
            "template": versions.template,
            "live": consent.consent_document(versions.live) if versions.live else None,
            "draft": draft,
            "history": versions.history,
            "form": form,
            "diff": diff_html(live_text, draft_text) if draft else "",
            "changed": has_changes(live_text, draft_text),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@manager_required
def consent_settings(request, slug: str):
    versions = _consent_of(slug)
    if request.method == "GET":
        return _consent_page(request, versions)
    if versions.draft is None:
        messages.error(request, _("There is no draft to save: start one first."))
        return redirect("form_settings:consent", slug=slug)
    form = ConsentDraftForm(request.POST)
    if not form.is_valid():
        return _consent_page(request, versions, form=form, status=400)
    try:
        consent.consent_draft_update(
            version=versions.draft,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            statements=consent.statements_from_text(form.cleaned_data["statements"]),
        )
    except ValidationError as refusal:
        if hasattr(refusal, "error_dict"):
            for field, errors in refusal.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            form.add_error(None, refusal)
        return _consent_page(request, versions, form=form, status=400)
    messages.success(
        request, _("Draft version %(number)s saved.") % {"number": versions.draft.number}
    )
    return redirect("form_settings:consent", slug=slug)


@require_POST
@manager_required
def consent_draft_start(request, slug: str):
    versions = _consent_of(slug)
    draft = consent.consent_draft_start(template=versions.template, by=request.user)
    messages.success(
        request,
        _("Version %(number)s is a draft: change it, then publish it.") % {"number": draft.number},
    )
    return redirect("form_settings:consent", slug=slug)


@require_POST
@manager_required
def consent_publish(request, slug: str):
    versions = _consent_of(slug)
    if versions.draft is None:
        messages.error(request, _("There is no draft to publish."))
        return redirect("form_settings:consent", slug=slug)
    try:
        consent.consent_draft_publish(version=versions.draft)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(
            request,
            _(
                "Version %(number)s is live. Clients who signed an earlier version "
                "sign this one before their next session starts."
            )
            % {"number": versions.draft.number},
        )
    return redirect("form_settings:consent", slug=slug)
