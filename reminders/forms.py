"""Forms for the clinic's message wording."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from .kinds import HOURS_BEFORE, UNIT_WORDS, describe_timing, get_kind, timing_problems
from .models import MessageTemplate
from .wording import SMS_MAX, validate_template


class MessageTemplateForm(forms.ModelForm):
    """The wording and timing of one kind of message; unknown placeholders and timings the
    kind does not take are refused when saved."""

    class Meta:
        model = MessageTemplate
        fields = ("kind", "enabled", "subject", "email_text", "sms_text", "offsets", "send_at")
        widgets = {
            "email_text": forms.Textarea(attrs={"rows": 14, "cols": 80}),
            "sms_text": forms.Textarea(attrs={"rows": 4, "cols": 80, "maxlength": SMS_MAX}),
            "offsets": forms.TextInput(attrs={"size": 20}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        declared = get_kind(getattr(self.instance, "kind", "") or "")
        if declared and declared.timing.has_offsets and "offsets" in self.fields:
            unit = UNIT_WORDS[declared.timing.unit]
            where = "before" if declared.timing.unit == HOURS_BEFORE else "after"
            self.fields["offsets"].label = f"when ({unit} {where} {declared.timing.anchor})"
            self.fields["offsets"].help_text = (
                f"e.g. {list(declared.timing.default)}; empty for the default, "
                f"{describe_timing(declared.slug).lower()}."
            )

    def clean_offsets(self):
        offsets = self.cleaned_data.get("offsets")
        if offsets in (None, ""):
            return []
        kind = self.data.get("kind") or getattr(self.instance, "kind", "")
        problems = timing_problems(kind, offsets)
        if problems:
            raise ValidationError(problems)
        return list(dict.fromkeys(offsets))

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind") or getattr(self.instance, "kind", "")
        if kind:
            try:
                validate_template(
                    kind,
                    cleaned.get("subject", ""),
                    cleaned.get("email_text", ""),
                    cleaned.get("sms_text", ""),
                )
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    for message in messages:
                        self.add_error(field, message)
        return cleaned

    def _post_clean(self):
        # The model's clean() repeats the placeholder check made above: show each message once.
        super()._post_clean()
        for field, errors in list(self._errors.items()):
            unique = list(dict.fromkeys(errors))
            if len(unique) != len(errors):
                self._errors[field] = self.error_class(unique, renderer=self.renderer)
