"""What the API accepts and answers.

Input serializers turn query strings and JSON into domain values (an
AppointmentType, an artist, an aware datetime), with the error attached to the
field; the rules about times stay in scheduling.availability and scheduling.booking.
"""

import datetime as dt
from collections.abc import Mapping

from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from accounts.models import Role, User

from ..models import Appointment, AppointmentStatus, AppointmentType
from ..tokens import manage_token_for

MAX_DAYS = 62
# Dates outside these are typing mistakes, not diary dates.
EARLIEST_DATE = dt.date(2000, 1, 1)
MAX_DAYS_AHEAD = 5 * 366
MAX_ID = 2**63 - 1


def latest_date() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=MAX_DAYS_AHEAD)


# --- fields ----------------------------------------------------------------------------


class _TextOnly:
    """A number, list or object where text belongs is an error, not quietly made text."""

    default_error_messages = {
        "invalid": "Give this as text.",
        "unstorable": "This contains characters that cannot be stored.",
    }

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            data.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates from a "\ud800" escape
            self.fail("unstorable")
        return super().to_internal_value(data)


class TextField(_TextOnly, serializers.CharField):
    pass


class EmailField(_TextOnly, serializers.EmailField):
    default_error_messages = {"invalid": "Enter a valid email address."}


class PhoneField(_TextOnly, PhoneNumberField):
    default_error_messages = {"invalid": "Enter a valid phone number."}


class IdField(serializers.IntegerField):
    """A database id: a whole number, never true/false, never beyond what the database holds.

    For query strings, where every value is text: "3" is the id 3. In a JSON body use
    JsonIdField, which takes numbers only.
    """

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool | float):
            self.fail("invalid")
        return super().to_internal_value(data)


class _NumberOnly:
    """Text where a number belongs is an error, not quietly made a number.

    JSON has numbers, so "3" in a body is a caller's mistake (a form value passed on
    unconverted, a template quoting everything) that would otherwise go unnoticed.
    """

    default_error_messages = {"text": 'Give this as a number, e.g. 3 rather than "3".'}

    def to_internal_value(self, data):
        if isinstance(data, str):
            self.fail("text")
        return super().to_internal_value(data)


class JsonIdField(_NumberOnly, IdField):
    """A database id in a JSON body: a JSON number, never text, true/false or a fraction."""


@extend_schema_field(OpenApiTypes.DATETIME)
class ClinicTimeField(serializers.Field):
    """ISO 8601 with the clinic's UTC offset on that date, e.g. 2027-07-05T09:00:00+01:00.

    Input must carry its offset: 09:00 means a different instant in winter and summer.
    """

    default_error_messages = {
        "invalid": "Give the time in ISO 8601 form with its UTC offset, "
        "for example 2027-03-01T09:00:00+00:00.",
        "naive": "Include the UTC offset, for example 2027-03-01T09:00:00+00:00 "
        "(+01:00 in British summer time).",
        "out_of_range": "That date is too far from today.",
    }
    # Times before this are refused by the booking rules anyway; the bound only
    # keeps date arithmetic in range.
    _not_before = dt.timedelta(days=366)

    def to_internal_value(self, data) -> dt.datetime:
        if not isinstance(data, str) or len(data) > 64:
            self.fail("invalid")
        try:
            value = parse_datetime(data.strip())
        except ValueError:  # well-formed but impossible, e.g. month 13 or offset +25:00
            value = None
        if value is None:
            self.fail("invalid")
        if timezone.is_naive(value):
            self.fail("naive")
        if not timezone.localdate() - self._not_before <= value.date() <= latest_date():
            self.fail("out_of_range")
        return value.astimezone(dt.UTC)

    def to_representation(self, value: dt.datetime) -> str:
        return timezone.localtime(value).isoformat()


class DayField(serializers.DateField):
    """A clinic date written YYYY-MM-DD, between 2000 and five years ahead."""

    default_error_messages = {
        "invalid": "Give the date as YYYY-MM-DD.",
        "out_of_range": "That date is too far from today.",
    }

    def __init__(self, **kwargs):
        super().__init__(input_formats=["%Y-%m-%d"], **kwargs)

    def to_internal_value(self, value) -> dt.date:
        if not isinstance(value, str):
            self.fail("invalid")
        day = super().to_internal_value(value)
        if not EARLIEST_DATE <= day <= latest_date():
            self.fail("out_of_range")
        return day


class RejectUnknownFieldsMixin:
    """A misspelt field is an error rather than silently ignored."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name[:50]: ["Unknown field."] for name in unknown[:20]}
                )
        return super().to_internal_value(data)


def _type_choices(queryset) -> str:
    return ", ".join(queryset.values_list("slug", flat=True))


def appointment_type_for(slug: str, *, online_only: bool) -> AppointmentType:
    """The active type with this slug; the public sees only online-bookable ones."""
    types = AppointmentType.objects.filter(is_active=True)
    if online_only:
        types = types.filter(online_bookable=True)
    found = types.filter(slug=slug).first()
    if found is None:
        if online_only and AppointmentType.objects.filter(slug=slug, is_active=True).exists():
            raise serializers.ValidationError(
                "That kind of appointment cannot be booked online; please call the clinic."
            )
        raise serializers.ValidationError(
            f"Unknown appointment type. Choose one of: {_type_choices(types)}."
        )
    return found


def artist_for(pk: int) -> User:
    artist = User.objects.filter(pk=pk, role=Role.ARTIST, is_active=True).first()
    if artist is None:
        raise serializers.ValidationError("No artist with this id.")
    return artist


# --- availability ------------------------------------------------------------------------


class AvailabilityQuerySerializer(serializers.Serializer):
    """?type=<slug>&start=YYYY-MM-DD&days=N[&artist=<id>]. Context: {"staff": bool}."""

    type = TextField(max_length=50, help_text="Appointment type slug, e.g. consultation.")
    start = DayField(help_text="First day (clinic date), today or later.")
    days = serializers.IntegerField(
        min_value=1, max_value=MAX_DAYS, default=7, help_text=f"How many days, 1–{MAX_DAYS}."
    )
    artist = IdField(required=False, help_text="Only this artist's free times.")

    def validate_type(self, value: str) -> AppointmentType:
        return appointment_type_for(value, online_only=not self.context.get("staff"))

    def validate_start(self, value: dt.date) -> dt.date:
        today = timezone.localdate()
        if value < today:
            raise serializers.ValidationError(f"Choose today ({today:%Y-%m-%d}) or a later date.")
        return value

    def validate_artist(self, value: int) -> User:
        return artist_for(value)


class SlotSerializer(serializers.Serializer):
    start = ClinicTimeField()
    end = ClinicTimeField()
    artist = serializers.IntegerField(source="artist_id")


class TermsSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Send it back in the booking's accepted_terms.")
    title = serializers.CharField()
    text = serializers.CharField()


class AvailabilitySerializer(serializers.Serializer):
    slots = SlotSerializer(many=True)
    terms = TermsSerializer(
        many=True,
        help_text="Terms the client must read and accept to book this type (e.g. the "
        "cancellation policy of a type that needs a deposit); usually empty.",
    )

    def to_representation(self, instance):
        # A month of free times is a thousand slots or more; writing them directly
        # costs a fifth of going field by field. Same output as SlotSerializer.
        zone = timezone.get_current_timezone()
        return {
            "slots": [
                {
                    "start": slot.start.astimezone(zone).isoformat(),
                    "end": slot.end.astimezone(zone).isoformat(),
                    "artist": slot.artist_id,
                }
                for slot in instance["slots"]
            ],
            "terms": [{"key": t.key, "title": t.title, "text": t.text} for t in instance["terms"]],
        }


# --- bookings ------------------------------------------------------------------------------


class BookingClientSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """Who the booking is for; an existing client is found by their email address only."""

    first_name = TextField(max_length=100)
    last_name = TextField(max_length=100)
    email = EmailField(max_length=254)
    phone = PhoneField(max_length=40, required=False, allow_blank=True, default="")


class BookingRequestSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """A booking request. Unknown fields are refused rather than ignored."""

    type = TextField(max_length=50, help_text="An online-bookable appointment type slug.")
    start = ClinicTimeField(help_text="A start from /api/v1/availability/, with its UTC offset.")
    artist = JsonIdField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Leave out to take the first artist free at that time.",
    )
    client = BookingClientSerializer()
    note = TextField(max_length=2000, required=False, allow_blank=True, default="")
    accepted_terms = serializers.ListField(
        child=TextField(max_length=100),
        required=False,
        default=list,
        max_length=5,
        help_text="The keys of the terms the client read and accepted, as given with the "
        "type's free times (availability's `terms`).",
    )

    def validate_type(self, value: str) -> AppointmentType:
        return appointment_type_for(value, online_only=True)

    def validate_artist(self, value: int | None) -> User | None:
        return None if value is None else artist_for(value)


def manage_url_for(appointment: Appointment, request) -> str:
    """The client's private link to see, move or cancel this booking."""
    token = manage_token_for(appointment)
    return request.build_absolute_uri(reverse("booking:manage", kwargs={"token": token}))


class BookingCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    start = ClinicTimeField(source="starts_at")
    end = ClinicTimeField(source="ends_at")
    artist = serializers.IntegerField(source="artist_id")
    status = serializers.ChoiceField(choices=AppointmentStatus.choices)
    manage_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.URLField())
    def get_manage_url(self, appointment: Appointment) -> str:
        return manage_url_for(appointment, self.context["request"])


class SlotUnavailableSerializer(serializers.Serializer):
    error = serializers.CharField(help_text='Always "slot_unavailable".')
    detail = serializers.CharField(help_text="A sentence to show the person booking.")
    reason = serializers.CharField(help_text="overlap, room_taken or no_room.")


# --- the diary, for staff ------------------------------------------------------------------


class AppointmentsQuerySerializer(serializers.Serializer):
    """?start=YYYY-MM-DD&end=YYYY-MM-DD[&artist=<id>]; both dates included."""

    start = DayField(help_text="First day (clinic date).")
    end = DayField(required=False, help_text="Last day, included; default start.")
    artist = IdField(required=False, help_text="Only this artist's appointments.")

    def validate_artist(self, value: int) -> User:
        return artist_for(value)

    def validate(self, attrs):
        attrs.setdefault("end", attrs["start"])
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": ["The end date is before the start date."]})
        if (attrs["end"] - attrs["start"]).days + 1 > MAX_DAYS:
            raise serializers.ValidationError(
                {"end": [f"Ask for at most {MAX_DAYS} days at a time."]}
            )
        return attrs


class RoomSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AppointmentClientSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="full_name")


class AppointmentRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    start = ClinicTimeField(source="starts_at")
    end = ClinicTimeField(source="ends_at")
    status = serializers.ChoiceField(choices=AppointmentStatus.choices)
    type = serializers.CharField(source="type.slug")
    artist = serializers.IntegerField(source="artist_id")
    room = RoomSerializer(allow_null=True)
    client = AppointmentClientSerializer()


class AppointmentListSerializer(serializers.Serializer):
    appointments = AppointmentRowSerializer(many=True)
