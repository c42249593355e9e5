"""Forms for the clinic's message wording."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from .models import MessageTemplate
from .wording import SMS_MAX, validate_template

MAX_OFFSET_HOURS = 24 * 400


class MessageTemplateForm(forms.ModelForm):
    """The wording of one kind of message; unknown placeholders are refused when saved."""

    class Meta:
        model = MessageTemplate
        fields = ("kind", "enabled", "subject", "email_text", "sms_text", "offsets_hours")
        widgets = {
            "email_text": forms.Textarea(attrs={"rows": 14, "cols": 80}),
            "sms_text": forms.Textarea(attrs={"rows": 4, "cols": 80, "maxlength": SMS_MAX}),
            "offsets_hours": forms.TextInput(attrs={"size": 20}),
        }

    def clean_offsets_hours(self):
        offsets = self.cleaned_data.get("offsets_hours")
        if offsets in (None, ""):
            return []
        if not isinstance(offsets, list):
            raise ValidationError("Write the hours as a list, e.g. [48, 24].")
        cleaned = []
        for hours in offsets:
            if isinstance(hours, bool) or not isinstance(hours, int):
                raise ValidationError(f"{hours!r} is not a whole number of hours.")
            if not 1 <= hours <= MAX_OFFSET_HOURS:
                raise ValidationError(f"{hours} hours: use between 1 and {MAX_OFFSET_HOURS}.")
            if hours not in cleaned:
                cleaned.append(hours)
        return cleaned

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
