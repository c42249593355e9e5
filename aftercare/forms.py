"""Check-in and review forms: they turn what people type into values for aftercare.services."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from photos.models import PhotoAngle
from sessions_app.forms import collect_healing
from sessions_app.models import HealingStatus
from smpclinic.language_forms import OtherLanguagesMixin

from .models import AftercareInstruction, AftercareInstructionTranslation, Level, Proposal
from .services import CHECK_IN_ANGLES, NOTE_MAX_LENGTH, QUESTIONS_MAX_LENGTH, RegionLook

PHOTO_HELP = {
    PhotoAngle.FRONT: "Face the camera, hairline in view.",
    PhotoAngle.TOP: "From above, looking down on the top of your head.",
    PhotoAngle.CROWN: "The back of the top of your head (ask someone, or use a mirror).",
    PhotoAngle.HAIRLINE: "Close up, along the front hairline.",
}
PHOTO_LABELS = {
    PhotoAngle.FRONT: "Photo from the front",
    PhotoAngle.TOP: "Photo of the top",
    PhotoAngle.CROWN: "Photo of the crown",
    PhotoAngle.HAIRLINE: "Close-up of the hairline",
}


class CheckInForm(forms.Form):
    """Photos (at least one), redness, itching, each treated region, and questions."""

    redness = forms.ChoiceField(
        label=_("How red is your scalp?"),
        choices=Level.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how red your scalp is."),
            "invalid_choice": _("Choose none, mild, moderate or strong."),
        },
    )
    itching = forms.ChoiceField(
        label=_("How much does it itch?"),
        choices=Level.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how much it itches."),
            "invalid_choice": _("Choose none, mild, moderate or strong."),
        },
    )
    questions = forms.CharField(
        label=_("Anything you would like to ask or tell your artist?"),
        required=False,
        max_length=QUESTIONS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("Keep it under %(limit_value)s characters.")},
    )

    def __init__(self, *args, regions: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = regions
        for angle in CHECK_IN_ANGLES:
            self.fields[f"photo_{angle}"] = forms.FileField(
                label=PHOTO_LABELS[angle],
                required=False,
                help_text=PHOTO_HELP[angle],
                widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
            )
        for region, label in regions:
            self.fields[f"look_{region}"] = forms.ChoiceField(
                label=label,
                choices=RegionLook.choices,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Choose one of the descriptions.")},
            )
            self.fields[f"note_{region}"] = forms.CharField(
                label=_("In your words: %(area)s") % {"area": label.lower()},
                required=False,
                max_length=NOTE_MAX_LENGTH,
                error_messages={"max_length": _("Keep it under %(limit_value)s characters.")},
            )

    @property
    def photo_fields(self):
        return [self[f"photo_{angle}"] for angle in CHECK_IN_ANGLES]

    @property
    def region_rows(self):
        return [
            {
                "region": region,
                "label": label,
                "look": self[f"look_{region}"],
                "note": self[f"note_{region}"],
            }
            for region, label in self.regions
        ]

    def clean(self):
        cleaned = super().clean()
        photos = {angle: cleaned.get(f"photo_{angle}") for angle in CHECK_IN_ANGLES}
        if not any(photos.values()) and not any(
            f"photo_{angle}" in self.errors for angle in CHECK_IN_ANGLES
        ):
            self.add_error(
                f"photo_{CHECK_IN_ANGLES[0]}", _("Add at least one photo of your scalp.")
            )
        cleaned["photos"] = photos
        cleaned["region_views"] = {
            region: {
                "look": cleaned.get(f"look_{region}") or "",
                "note": (cleaned.get(f"note_{region}") or "").strip(),
            }
            for region, _ in self.regions
        }
        return cleaned


class ReviewForm(forms.Form):
    """The artist's judgement per treated region, the reply, and any proposal."""

    reply = forms.CharField(
        label=_("Your reply to the client"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        error_messages={
            "required": _("Write a reply to the client."),
            "max_length": _("Keep the reply under 4000 characters."),
        },
        help_text=_("Sent to the client as soon as you save, and shown on their check-in page."),
    )
    proposal = forms.ChoiceField(
        label=_("Do you propose anything more?"),
        choices=Proposal.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose what you propose.")},
    )
    proposal_note = forms.CharField(
        label=_("Note for the front desk"),
        required=False,
        max_length=300,
        help_text=_("E.g. which regions, how long, any timing."),
        error_messages={"max_length": _("Keep the note under 300 characters.")},
    )

    def __init__(self, *args, regions: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = regions
        for region, label in regions:
            self.fields[f"status_{region}"] = forms.ChoiceField(
                label=_("How %(region)s healed") % {"region": label.lower()},
                choices=HealingStatus.choices,
                required=False,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": _("Choose retained, faded, patchy or over-saturated.")
                },
            )
            self.fields[f"healing_note_{region}"] = forms.CharField(
                label=_("Note on %(region)s") % {"region": label.lower()},
                max_length=300,
                required=False,
            )

    @property
    def region_rows(self):
        return [
            {
                "region": region,
                "label": label,
                "status": self[f"status_{region}"],
                "note": self[f"healing_note_{region}"],
            }
            for region, label in self.regions
        ]

    def clean(self):
        cleaned = super().clean()
        cleaned["healing"] = collect_healing(
            self, cleaned, self.regions, note_prefix="healing_note"
        )
        if cleaned.get("proposal") and not (cleaned.get("proposal_note") or "").strip():
            self.add_error("proposal_note", _("Tell the front desk what to book."))
        return cleaned


class AftercareInstructionForm(forms.ModelForm):
    """One instruction by days after the session: the admin's form and the settings page's."""

    class Meta:
        model = AftercareInstruction
        fields = ["day_from", "day_to", "title", "body", "send_message", "position"]
        labels = {
            "day_from": _("From day"),
            "day_to": _("To day"),
            "title": _("Title"),
            "body": _("Body"),
            "position": _("Order within the same first day"),
        }
        help_texts = {
            "day_from": _("Day 0 is the session day."),
            "day_to": _("The same as the first day for one day only."),
        }

    def clean(self):
        cleaned = super().clean()
        day_from, day_to = cleaned.get("day_from"), cleaned.get("day_to")
        if day_from is not None and day_to is not None and day_to < day_from:
            self.add_error(
                "day_to",
                _("The last day (%(last)s) cannot be before the first day (%(first)s).")
                % {"last": day_to, "first": day_from},
            )
        return cleaned

    def validate_constraints(self):
        # The day order is checked in clean() with a message on the field itself.
        if "day_to" not in self.errors:
            super().validate_constraints()


class AftercareInstructionTranslationForm(forms.ModelForm):
    """An instruction in another language: a title and the instructions, both required."""

    class Meta:
        model = AftercareInstructionTranslation
        fields = ["language", "title", "body"]

    def clean_language(self):
        language = self.cleaned_data["language"]
        if language == settings.LANGUAGE_CODE.lower():
            raise forms.ValidationError(
                "This is the clinic's own language: edit the instruction itself."
            )
        return language


class AftercareInstructionSettingsForm(OtherLanguagesMixin, AftercareInstructionForm):
    """The settings page's instruction: with its title and body in the clinic's other
    languages beside it."""

    OWN_FIELDS = ("day_from", "day_to", "title", "body", "send_message", "position")
    TRANSLATED = ("title", "body")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        existing = {}
        if self.instance.pk:
            existing = {t.language: t for t in self.instance.translations.all()}
        self.add_language_fields(existing)

    def translated_field(self, name: str, language_name: str) -> forms.Field:
        if name == "title":
            return forms.CharField(
                label=_("Title in %(language)s") % {"language": language_name},
                max_length=150,
                required=False,
                initial="",
            )
        return forms.CharField(
            label=_("Instructions in %(language)s") % {"language": language_name},
            required=False,
            widget=forms.Textarea(attrs={"rows": 4}),
            initial="",
            help_text=_(
                "What clients who read this language are given; leave both empty "
                "for the wording above."
            ),
        )

    @property
    def own_wording_changed(self) -> bool:
        return any(name in self.OWN_FIELDS for name in self.changed_data)

    def clean(self):
        from .services import instruction_translation_problems

        cleaned = super().clean()
        for code, (title, body) in self.wording().items():
            for field, message in instruction_translation_problems(title, body).items():
                self.add_error(f"{field}_{code}", message)
        return cleaned
