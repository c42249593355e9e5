"""The forms behind the diary's settings: the clinic's hours, the artists' hours and time
off, appointment types and booking rules. The settings pages and the admin both use these,
so a rule about a field (a constraint's message next to it, a link's scheme) holds in both."""

import copy

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.forms.models import construct_instance
from django.utils.translation import gettext_lazy as _

from smpclinic.language_forms import OtherLanguagesMixin

from .models import (
    AppointmentType,
    AppointmentTypeTranslation,
    ArtistHours,
    BookingPolicy,
    OpeningHours,
    TimeOff,
)

# --- Forms: a constraint's message next to the field it is about ----------------------


class FieldConstraintForm(forms.ModelForm):
    """Shows the message of a model's CheckConstraint on a field, not at the top.

    ModelForm already validates constraints, but reports them as errors of the
    whole form. `constraint_fields` maps a constraint's name to the field the
    person should correct; the rule itself stays in the model.
    """

    constraint_fields: dict[str, str] = {}

    def clean(self):
        cleaned_data = super().clean()
        model = self._meta.model
        candidate = construct_instance(self, copy.copy(self.instance))
        # A field that already failed has no value to judge; a constraint that
        # needs it is skipped (Django's own form validation does the same).
        exclude = set(self.errors)
        for constraint in model._meta.constraints:
            field = self.constraint_fields.get(constraint.name)
            if field is None or field in exclude:
                continue
            try:
                constraint.validate(model, candidate, exclude=exclude)
            except ValidationError as error:
                self.add_error(field, error)
        return cleaned_data


class OpeningHoursForm(FieldConstraintForm):
    constraint_fields = {"opening_hours_close_after_open": "closes"}

    class Meta:
        model = OpeningHours
        fields = ("weekday", "opens", "closes")
        help_texts = {
            "opens": "Clinic time, 24-hour clock, e.g. 09:00.",
            "closes": "For a lunch break, add two rows for the day: 09:00–13:00 and 14:00–18:00.",
        }


class ArtistHoursForm(FieldConstraintForm):
    constraint_fields = {"artist_hours_end_after_start": "ends"}

    class Meta:
        model = ArtistHours
        fields = ("artist", "weekday", "starts", "ends")
        help_texts = {
            "starts": "Clinic time, 24-hour clock. Clients are only offered times that are "
            "within both these hours and the clinic's opening hours.",
        }


class TimeOffForm(FieldConstraintForm):
    constraint_fields = {"time_off_end_after_start": "ends_at"}

    class Meta:
        model = TimeOff
        fields = ("artist", "kind", "starts_at", "ends_at", "note")
        help_texts = {
            "starts_at": "Clinic time. Nothing can be booked with the artist while they are away.",
            "ends_at": "The first moment they are back, e.g. 09:00 on the day they return.",
        }


class AppointmentTypeForm(FieldConstraintForm):
    constraint_fields = {"appointment_type_lengths_ordered": "default_minutes"}

    class Meta:
        model = AppointmentType
        widgets = {"rooms": forms.CheckboxSelectMultiple}
        fields = (
            "name",
            "slug",
            "kind",
            "description",
            "price",
            "default_minutes",
            "min_minutes",
            "max_minutes",
            "buffer_after_minutes",
            "needs_room",
            "rooms",
            "is_video",
            "online_bookable",
            "colour",
            "is_active",
            "position",
        )
        labels = {
            "name": _("Name"),
            "slug": _("Slug"),
            "kind": _("Kind"),
            "description": _("Description"),
            "price": _("Price"),
            "default_minutes": _("Default minutes"),
            "min_minutes": _("Min minutes"),
            "max_minutes": _("Max minutes"),
            "buffer_after_minutes": _("Clean-up after (minutes)"),
            "needs_room": _("Needs room"),
            "rooms": _("Only in these rooms"),
            "is_video": _("Video call"),
            "online_bookable": _("Clients may book online"),
            "colour": _("Colour in the diary"),
            "is_active": _("Is active"),
            "position": _("Position"),
        }
        help_texts = {
            "slug": _("Used in links and the API; keep it once clients have booked."),
            "default_minutes": _(
                "The length offered when booking (between the shortest and the longest)."
            ),
            "min_minutes": _(
                "Shortest length staff may book (the treatment plan may set the length)."
            ),
            "max_minutes": _("Longest length staff may book."),
            "buffer_after_minutes": _(
                "Kept free after each appointment to clean and prepare the room; the artist "
                "and room cannot be booked during it."
            ),
            "needs_room": _("Takes one of the treatment rooms."),
            "rooms": _("Only when it needs a room: leave all unticked for any free room."),
            "is_video": _("Held by video; the booking carries a meeting link."),
            "online_bookable": _("Offered on the public booking page and to the API."),
            "colour": _("A stripe on this service's appointments in the week diary."),
            "price": _("Shown to clients; 0 for a free appointment."),
            "is_active": _("Untick to stop offering it; existing appointments are kept."),
            "position": _("Order in lists: lower numbers first."),
        }


class ServiceForm(OtherLanguagesMixin, AppointmentTypeForm):
    """The service as the settings page edits it: with its name and description in the
    clinic's other languages, saved together (scheduling.service_languages)."""

    TRANSLATED = ("name", "description")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        existing = {}
        if self.instance.pk:
            existing = {t.language: t for t in self.instance.translations.all()}
        self.add_language_fields(existing)

    def translated_field(self, name: str, language_name: str) -> forms.Field:
        if name == "name":
            return forms.CharField(
                label=_("Name in %(language)s") % {"language": language_name},
                max_length=100,
                required=False,
                initial="",
                help_text=_(
                    "What clients who read this language see; leave empty (with the "
                    "description) for the name above."
                ),
            )
        return forms.CharField(
            label=_("Description in %(language)s") % {"language": language_name},
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            initial="",
        )

    def clean(self):
        from .service_languages import translation_problems

        cleaned = super().clean()
        service = AppointmentType(description=cleaned.get("description") or "")
        for code, (name, description) in self.wording().items():
            for field, message in translation_problems(service, name, description).items():
                self.add_error(f"{field}_{code}", message)
        return cleaned

    def save(self, commit=True):
        from .service_languages import service_translations_save

        with transaction.atomic():
            service = super().save(commit=True)
            service_translations_save(service=service, wording=self.wording())
        return service


def _https_links(db_field, **kwargs):
    # A link typed without a scheme is a https one (Django 6 does this by default).
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return db_field.formfield(**kwargs)


class BookingPolicyForm(forms.ModelForm):
    class Meta:
        model = BookingPolicy
        formfield_callback = _https_links
        fields = (
            "slot_minutes",
            "staff_notice_minutes",
            "online_notice_hours",
            "online_horizon_days",
            "change_notice_hours",
            "video_meeting_url",
        )
        help_texts = {
            "slot_minutes": "Free times are offered on this step from the start of working "
            "hours, e.g. every 15 minutes: 09:00, 09:15, 09:30…",
            "staff_notice_minutes": "0 lets the front desk book anything still ahead today.",
            "online_horizon_days": "Clients booking online or through the API cannot book "
            "further ahead than this.",
        }


class AppointmentTypeTranslationForm(forms.ModelForm):
    """A service's name and description in another language: both, or the clients of that
    language would read half of it in the clinic's own language."""

    class Meta:
        model = AppointmentTypeTranslation
        fields = ("language", "name", "description")

    def clean(self):
        cleaned = super().clean()
        service = cleaned.get("appointment_type") or getattr(
            self.instance, "appointment_type", None
        )
        name = (cleaned.get("name") or "").strip()
        description = (cleaned.get("description") or "").strip()
        if "name" in cleaned and not name:
            self.add_error("name", "Give the service's name in this language.")
        if service is not None and service.description.strip() and not description:
            self.add_error(
                "description",
                "The service has a description: translate it too, or clients in this "
                "language read it in the clinic's own language.",
            )
        language = cleaned.get("language")
        if language and language == settings.LANGUAGE_CODE.lower():
            self.add_error(
                "language", "This is the clinic's own language: edit the service's name itself."
            )
        return cleaned
