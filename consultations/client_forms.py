"""The forms a client fills in: the health questionnaire and a consent form.

The forms only carry what was typed; the rules (what is required, what flags a
contraindication, whose name signs) live in consultations.questionnaire and
consultations.consent, whose errors are put back next to the fields.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .consent import ConsentDocument
from .models import QuestionKind, QuestionnaireVersion
from .questionnaire import question_wording

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def answer_field(question_id: int) -> str:
    return f"q{question_id}"


def details_field(question_id: int) -> str:
    return f"d{question_id}"


class QuestionnaireForm(forms.Form):
    """One field per question (q<id>), plus d<id> for details after a yes."""

    def __init__(self, *args, version: QuestionnaireVersion, language: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.questions = list(version.questions.prefetch_related("translations"))
        # Each question as this client reads it (their language, or the clinic's own).
        self.wordings = {q.pk: question_wording(q, language) for q in self.questions}
        for question in self.questions:
            wording = self.wordings[question.pk]
            if question.kind == QuestionKind.YES_NO:
                field = forms.ChoiceField(
                    label=wording.text,
                    choices=YES_NO,
                    required=False,
                    widget=forms.RadioSelect,
                    help_text=wording.help_text,
                )
            else:
                field = forms.CharField(
                    label=wording.text,
                    required=False,
                    max_length=4000,
                    widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
                    help_text=wording.help_text,
                )
            self.fields[answer_field(question.pk)] = field
            if question.kind == QuestionKind.YES_NO and question.ask_details:
                self.fields[details_field(question.pk)] = forms.CharField(
                    label=_("If yes, please tell us more"),
                    required=False,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
                )

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data.get(answer_field(q.pk), "") for q in self.questions}

    def details(self) -> dict[int, str]:
        return {
            q.pk: self.cleaned_data.get(details_field(q.pk), "")
            for q in self.questions
            if details_field(q.pk) in self.fields
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """Put the service's per-question errors next to their questions."""
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.add_error(None, message)
            return
        for key, errors in error.message_dict.items():
            name = answer_field(int(key)) if str(key).isdigit() else None
            for message in errors:
                self.add_error(name if name in self.fields else None, message)

    def rows(self) -> list[dict]:
        """Each question with its bound fields, in order, for the template."""
        return [
            {
                "question": question,
                "text": self.wordings[question.pk].text,
                "help_text": self.wordings[question.pk].help_text,
                "number": number,
                "field": self[answer_field(question.pk)],
                "details": self[details_field(question.pk)]
                if details_field(question.pk) in self.fields
                else None,
                "yes_no": question.kind == QuestionKind.YES_NO,
            }
            for number, question in enumerate(self.questions, start=1)
        ]


class ConsentForm(forms.Form):
    ticked = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    typed_name = forms.CharField(
        label=_("Type your full name to sign"),
        max_length=200,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "name", "autocapitalize": "words", "class": "form-control"}
        ),
    )
    text_sha256 = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, document: ConsentDocument, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("text_sha256", document.sha256)
        super().__init__(*args, **kwargs)
        self.document = document
        self.fields["ticked"].choices = [
            (number, statement) for number, statement in document.numbered_statements
        ]

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.add_error(None, message)
            return
        for key, errors in error.message_dict.items():
            for message in errors:
                self.add_error(key if key in self.fields else None, message)
