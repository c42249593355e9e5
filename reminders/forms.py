"""Forms for the clinic's message wording."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smpclinic import formats

from .kinds import OFFSETS_LABEL, UNIT_WORDS, describe_timing, get_kind, timing_problems
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
            when = OFFSETS_LABEL[declared.timing.unit] % {"anchor": declared.timing.anchor}
            self.fields["offsets"].label = _("when (%(when)s)") % {"when": when.lower()}
            self.fields["offsets"].help_text = _(
                "e.g. %(example)s; empty for the default, %(default)s."
            ) % {
                "example": list(declared.timing.default),
                "default": describe_timing(declared.slug).lower(),
            }

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


class OffsetsField(forms.CharField):
    """Whole numbers typed as "48, 24" (or "48 and 24"), kept as a list; empty is the default."""

    unit = gettext_lazy("hours")

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return ", ".join(str(n) for n in value)
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        text = (super().to_python(value) or "").strip().strip("[]")
        numbers = []
        for part in re.split(r"\s*(?:,|;|\band\b)\s*|\s+", text):
            if not part:
                continue
            if not part.isdigit():
                raise ValidationError(
                    _("“%(part)s” is not a whole number of %(unit)s: write numbers such as 48, 24.")
                    % {"part": part, "unit": self.unit}
                )
            numbers.append(int(part))
        return numbers


class MessageSettingsForm(MessageTemplateForm):
    """The message editor of the clinic's settings: the admin form's checks (placeholders,
    SMS length, timing) with the timing typed as plain numbers in the kind's own unit."""

    TEXT_FIELDS = ("subject", "email_text", "sms_text")

    offsets = OffsetsField(required=False)

    class Meta(MessageTemplateForm.Meta):
        fields = ("enabled", "subject", "email_text", "sms_text", "offsets", "send_at")
        labels = {
            "enabled": gettext_lazy("Send this message"),
            "email_text": gettext_lazy("Email"),
            "sms_text": gettext_lazy("SMS"),
        }
        widgets = {
            "email_text": forms.Textarea(attrs={"rows": 14}),
            "sms_text": forms.Textarea(attrs={"rows": 4, "maxlength": SMS_MAX}),
            "send_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        declared = get_kind(self.instance.kind)
        timing = declared.timing if declared else None
        if timing and timing.has_offsets:
            field = self.fields["offsets"]
            field.unit = UNIT_WORDS[timing.unit]
            field.label = OFFSETS_LABEL[timing.unit] % {"anchor": timing.anchor}
            words = {
                "unit": field.unit,
                "maximum": timing.maximum,
                "default": describe_timing(declared.slug).lower(),
            }
            field.help_text = (
                _(
                    "Whole numbers of %(unit)s, separated by commas, from 1 to %(maximum)s. "
                    "Empty: the default, %(default)s."
                )
                if timing.several
                else _(
                    "Whole numbers of %(unit)s, from 1 to %(maximum)s. Empty: the default, "
                    "%(default)s."
                )
            ) % words
        else:
            del self.fields["offsets"]
        if timing and timing.has_time_of_day:
            self.fields["send_at"].label = _("At (the clinic's time)")
            self.fields["send_at"].help_text = _("Empty: %(time)s.") % {
                "time": formats.clock(timing.at)
            }
        else:
            del self.fields["send_at"]
        self.fields["subject"].label = _("Email subject")
        self.fields["sms_text"].help_text = _(
            "At most %(maximum)s characters as written; a longer text once filled in is cut."
        ) % {"maximum": SMS_MAX}
        for name in self.TEXT_FIELDS:
            self.fields[name].widget.attrs["data-placeholder-target"] = ""

    def _clean_text(self, name: str) -> str:
        # Browsers send a textarea's lines ending in CRLF; the wording is kept with plain LF.
        return (self.cleaned_data.get(name) or "").replace("\r\n", "\n").replace("\r", "\n")

    def clean_subject(self):
        return self._clean_text("subject")

    def clean_email_text(self):
        return self._clean_text("email_text")

    def clean_sms_text(self):
        return self._clean_text("sms_text")
