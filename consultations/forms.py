"""Consultation record forms: they turn what the artist types into values; the rules stay in
consultations.services, whose field errors come back next to the same fields."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from photos.forms import MultiplePhotoField
from photos.processing import ACCEPT_ATTRIBUTE
from scheduling.forms import ArtistChoiceField, active_artists
from smpclinic.scales import Scale, roman

from .models import (
    ESTIMATED_SESSIONS,
    FITZPATRICK_TYPES,
    LUDWIG_STAGES,
    NORWOOD_STAGES,
    ConsultationMode,
    Greys,
    HairlineStyle,
    HairLossScale,
    LookWanted,
    Oiliness,
    Outcome,
    PatchReading,
    PricingMode,
)


def _moment(label: str) -> forms.SplitDateTimeField:
    return forms.SplitDateTimeField(
        label=label,
        widget=forms.SplitDateTimeWidget(
            date_attrs={"type": "date", "aria-label": _("Date")},
            time_attrs={"type": "time", "aria-label": _("Time")},
            date_format="%Y-%m-%d",
            time_format="%H:%M",
        ),
        error_messages={
            "required": _("Give the date and the time."),
            "incomplete": _("Give the date and the time."),
            "invalid_date": _("Enter a date like 2027-03-01."),
            "invalid_time": _("Enter a time like 10:30."),
        },
        help_text=_("Clinic time."),
    )


NOT_RECORDED = _("Not recorded")


def _choice(label, choices, *, blank=NOT_RECORDED, **kwargs):
    return forms.ChoiceField(
        label=label,
        choices=[("", blank), *choices] if blank is not None else choices,
        required=blank is None,
        error_messages={"invalid_choice": _("Choose one of the options.")},
        **kwargs,
    )


def _number_choice(label, scale: Scale, show=str):
    return forms.TypedChoiceField(
        label=label,
        choices=[("", _("Not recorded")), *scale.choices(show)],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": scale.message},
    )


def _text(label, *, rows=None, max_length=None, **kwargs):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    return forms.CharField(
        label=label, required=False, max_length=max_length, widget=widget, **kwargs
    )


def _money(label, **kwargs):
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        decimal_places=2,
        max_digits=9,
        error_messages={
            "invalid": _("Give an amount as a number, e.g. 450 or 450.00."),
            "min_value": _("An amount cannot be negative."),
            "max_decimal_places": _("Use at most two decimal places."),
            "max_digits": _("That amount is too large: check it."),
            "max_whole_digits": _("That amount is too large: check it."),
        },
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
        **kwargs,
    )


class ServiceErrorsMixin:
    """Put each error a service raised next to its field (or on top)."""

    def add_service_error(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)


class RecordForm(ServiceErrorsMixin, forms.Form):
    """The whole record; the page shows it in sections, each with its own Save button."""

    SECTIONS = [
        ("mode", _("Consultation"), ["mode", "video_link"]),
        ("expectations", _("Expectations"), ["look_wanted", "expectations", "agreed_realistic"]),
        (
            "assessment",
            _("Scalp assessment"),
            [
                "hair_loss_scale",
                "norwood_stage",
                "ludwig_stage",
                "fitzpatrick",
                "oiliness",
                "scars",
                "natural_hair_colour",
                "greys",
            ],
        ),
        ("questions", _("Questions and the process"), ["client_questions", "process_explained"]),
        ("pigment", _("Pigment"), ["pigment_brand", "pigment_shade", "pigment_dilution"]),
        (
            "estimate",
            _("Cost estimate"),
            [
                "estimated_sessions",
                "pricing_mode",
                "price_per_session",
                "package_price",
                "deposit",
                "price_change_reason",
            ],
        ),
    ]

    # Long answers and radio rows take the full width of the section.
    WIDE_FIELDS = frozenset(
        {
            "mode",
            "video_link",
            "expectations",
            "agreed_realistic",
            "scars",
            "client_questions",
            "process_explained",
            "pricing_mode",
            "price_change_reason",
        }
    )

    mode = _choice(
        _("How the consultation takes place"),
        ConsultationMode.choices,
        blank=None,
        widget=forms.RadioSelect,
    )
    video_link = forms.URLField(
        label=_("Video call link"),
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": _("Enter the full link, e.g. https://zoom.us/j/123456789.")},
        help_text=_("Zoom, Skype, Messenger… for a video consultation."),
    )
    look_wanted = _choice(_("Look wanted"), LookWanted.choices)
    expectations = _text(_("What the client hopes for"), rows=3, max_length=5000)
    agreed_realistic = _text(_("What we agreed is realistic"), rows=3, max_length=5000)
    hair_loss_scale = _choice(_("Hair loss scale"), HairLossScale.choices)
    norwood_stage = _number_choice(_("Norwood stage"), NORWOOD_STAGES)
    ludwig_stage = _number_choice(_("Ludwig stage"), LUDWIG_STAGES, roman)
    fitzpatrick = _number_choice(_("Skin type (Fitzpatrick)"), FITZPATRICK_TYPES, roman)
    oiliness = _choice(_("Oiliness"), Oiliness.choices)
    scars = _text(_("Scars and where"), rows=2, max_length=2000)
    natural_hair_colour = _text(_("Natural hair colour"), max_length=100)
    greys = _choice(_("Greys"), Greys.choices)
    client_questions = _text(_("Questions asked and the answers given"), rows=3, max_length=5000)
    process_explained = forms.BooleanField(
        label=_("Process explained (sessions, healing, fading, aftercare)"), required=False
    )
    pigment_brand = _text(_("Pigment brand"), max_length=100)
    pigment_shade = _text(_("Shade"), max_length=100)
    pigment_dilution = _text(_("Dilution"), max_length=50, help_text=_("e.g. 1:3 with diluent."))
    estimated_sessions = _number_choice(_("Estimated sessions"), ESTIMATED_SESSIONS)
    pricing_mode = _choice(_("Pricing"), PricingMode.choices, blank=None, widget=forms.RadioSelect)
    price_per_session = _money(
        _("Price per session"),
        help_text=_("Starts from the price list; change it for this client."),
    )
    package_price = _money(_("Package price"), help_text=_("For all the estimated sessions."))
    deposit = _money(_("Deposit"))
    price_change_reason = _text(
        _("Why the price differs from the price list"),
        max_length=300,
        help_text=_("Needed only when it does, e.g. a returning client's rate."),
    )

    @classmethod
    def initial_from(cls, consultation) -> dict:
        return {name: getattr(consultation, name) for name in cls.base_fields}

    def sections(self):
        return [
            {
                "slug": slug,
                "title": title,
                "fields": [(self[name], name in self.WIDE_FIELDS) for name in names],
            }
            for slug, title, names in self.SECTIONS
        ]


class ReviewForm(ServiceErrorsMixin, forms.Form):
    note = forms.CharField(
        label=_("Review note"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what you checked and why treatment may go ahead.")},
        help_text=_("What you checked (e.g. GP letter seen, condition controlled)."),
    )


class PatchTestForm(ServiceErrorsMixin, forms.Form):
    prefix = "patch"

    pigment = forms.CharField(
        label=_("Pigment"),
        max_length=200,
        error_messages={"required": _("Say which pigment was tested.")},
    )
    applied_at = _moment(_("Applied at"))
    site = forms.CharField(
        label=_("Where on the skin"),
        max_length=100,
        error_messages={"required": _("Say where on the skin it was applied.")},
        help_text=_("e.g. behind the left ear."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PatchReadForm(ServiceErrorsMixin, forms.Form):
    prefix = "read"

    reading = forms.ChoiceField(
        label=_("Reading"),
        choices=[
            (PatchReading.NO_REACTION, PatchReading.NO_REACTION.label),
            (PatchReading.REACTION, PatchReading.REACTION.label),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose no reaction or reaction."),
            "invalid_choice": _("Choose no reaction or reaction."),
        },
    )
    read_at = _moment(_("Read at"))
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for a reaction: what you saw."),
    )


class HairlineForm(ServiceErrorsMixin, forms.Form):
    prefix = "hairline"

    style = forms.ChoiceField(
        label=_("Style"),
        choices=HairlineStyle.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the hairline style."),
            "invalid_choice": _("Choose the hairline style."),
        },
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Where it sits, temple points, how soft the front edge is."),
    )
    photo = forms.FileField(
        label=_("Photo of the drawing"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": ACCEPT_ATTRIBUTE, "capture": "environment"}
        ),
    )


class ReferenceForm(ServiceErrorsMixin, forms.Form):
    prefix = "reference"

    uploads = MultiplePhotoField(
        label=_("Reference pictures"),
        error_messages={"required": _("Choose at least one picture.")},
        help_text=_("Pictures the client brought of the look they want."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class OutcomeForm(ServiceErrorsMixin, forms.Form):
    prefix = "outcome"

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(o.value, o.label) for o in Outcome if o != Outcome.PENDING],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the outcome."),
            "invalid_choice": _("Choose the outcome."),
        },
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when not suitable."),
    )
    lead_artist = ArtistChoiceField(
        label=_("Lead artist for the treatment"),
        queryset=None,
        required=False,
        empty_label=_("The consultation's artist"),
        error_messages={"invalid_choice": _("Choose an artist.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_artist"].queryset = active_artists()

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Outcome.NOT_SUITABLE and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why the client is not suitable."))
        return data
