import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smpclinic import formats
from smpclinic.models import ChoiceLabels, SingleRowSettings


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class BookingPolicy(SingleRowSettings):
    """The clinic's booking rules; one row, edited by the manager in the admin."""

    slot_minutes = models.PositiveSmallIntegerField(
        "offer start times every (minutes)",
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(120)],
    )
    online_notice_hours = models.PositiveSmallIntegerField(
        "minimum notice for online bookings (hours)",
        default=24,
        help_text="Clients booking online or through the API cannot book closer than this.",
    )
    staff_notice_minutes = models.PositiveSmallIntegerField(
        "minimum notice for front-desk bookings (minutes)", default=0
    )
    online_horizon_days = models.PositiveSmallIntegerField(
        "how far ahead clients can book online (days)",
        default=42,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    change_notice_hours = models.PositiveSmallIntegerField(
        "clients can move their appointments up to (hours before)",
        default=48,
        validators=[MaxValueValidator(24 * 30)],
        help_text="Closer to the appointment than this, the portal and the emailed link ask "
        "the client to call. A client may still cancel; it is recorded as a late cancellation.",
    )
    video_meeting_url = models.URLField(
        "video call link",
        blank=True,
        help_text="The clinic's meeting room (Zoom, Teams, Meet…) given to video consultations.",
    )

    class Meta:
        verbose_name = "booking rules"
        verbose_name_plural = "booking rules"

    def __str__(self):
        return "Booking rules"


class OpeningHours(models.Model):
    """When the clinic is open on a weekday; several rows make split hours."""

    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name_plural = "opening hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")),
                name="opening_hours_close_after_open",
                violation_error_message="Closing time must be after opening time.",
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {formats.clock_span(self.opens, self.closes)}"


class ClosedDay(models.Model):
    """A date the whole clinic is closed (bank holiday, refit)."""

    date = models.DateField(unique=True)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return f"{formats.show(self.date, 'DATE_MEDIUM_FORMAT')} {self.reason}".strip()


class Room(models.Model):
    name = models.CharField(max_length=100, unique=True)
    is_active = models.BooleanField(default=True)
    notes = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ArtistHours(models.Model):
    """When an artist works on a weekday (inside the clinic's opening hours)."""

    artist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="working_hours",
        limit_choices_to={"role": "artist"},
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        ordering = ["artist", "weekday", "starts"]
        verbose_name = "artist working hours"
        verbose_name_plural = "artist working hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=F("starts")),
                name="artist_hours_end_after_start",
                violation_error_message="End time must be after start time.",
            )
        ]

    def __str__(self):
        hours = formats.clock_span(self.starts, self.ends)
        return f"{self.artist} {self.get_weekday_display()} {hours}"


class TimeOffKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday")
    BREAK = "break", _("Break")
    TRAINING = "training", _("Training")
    SICK = "sick", _("Sick leave")
    OTHER = "other", _("Other")


class TimeOffStatus(models.TextChoices):
    """Time off a member of staff asks for waits for the manager; only approved time
    off keeps clients out of their diary."""

    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class TimeOff(models.Model):
    artist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="time_off",
        limit_choices_to={"role": "artist"},
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=TimeOffKind.choices, default=TimeOffKind.HOLIDAY)
    note = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=20,
        choices=TimeOffStatus.choices,
        default=TimeOffStatus.APPROVED,
        help_text="Only approved time off blocks the diary; requests wait for the manager.",
    )

    class Meta:
        ordering = ["starts_at"]
        verbose_name = "time off"
        verbose_name_plural = "time off"
        indexes = [models.Index(fields=["artist", "starts_at"], name="timeoff_artist_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="time_off_end_after_start",
                violation_error_message="Time off must end after it starts.",
            )
        ]

    def __str__(self):
        when = formats.show(formats.local(self.starts_at), "DAY_MONTH_CLOCK_FORMAT")
        return f"{self.artist}: {self.get_kind_display()} from {when}"


class AppointmentKind(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    VIDEO_CONSULTATION = "video_consultation", _("Video consultation")
    TREATMENT = "treatment", _("Treatment session")
    CHECK_IN = "check_in", _("Fade check-in")
    TOUCH_UP = "touch_up", _("Touch-up")


class ServiceColour(models.TextChoices):
    """A stripe on each appointment of a service in the diary; the block itself keeps its
    artist's colour. Names of a fixed palette (static/css/diary.css), readable on white."""

    NONE = "", _("No stripe")
    TEAL = "teal", _("Teal")
    PLUM = "plum", _("Plum")
    GREEN = "green", _("Green")
    AMBER = "amber", _("Amber")
    INDIGO = "indigo", _("Indigo")
    RED = "red", _("Red")
    OLIVE = "olive", _("Olive")
    GREY = "grey", _("Grey")


class AppointmentType(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=30, choices=AppointmentKind.choices)
    default_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(12 * 60)]
    )
    min_minutes = models.PositiveSmallIntegerField(
        help_text="Shortest length staff may book (the treatment plan may set the length).",
        validators=[MinValueValidator(5), MaxValueValidator(12 * 60)],
    )
    max_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(12 * 60)]
    )
    buffer_after_minutes = models.PositiveSmallIntegerField(
        "clean-up after (minutes)", default=0, validators=[MaxValueValidator(240)]
    )
    needs_room = models.BooleanField(default=True)
    rooms = models.ManyToManyField(
        Room,
        blank=True,
        related_name="services",
        verbose_name="only in these rooms",
        help_text="Leave all unticked to use any room that is free.",
    )
    is_video = models.BooleanField(
        "video call", default=False, help_text="Held by video; the booking carries a meeting link."
    )
    online_bookable = models.BooleanField("clients may book online", default=False)
    price = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    description = models.TextField(blank=True)
    colour = models.CharField(
        "colour in the diary",
        max_length=10,
        choices=ServiceColour.choices,
        blank=True,
        default=ServiceColour.NONE,
        help_text="A stripe on this service's appointments in the week diary.",
    )
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)
    # Stored as the exceptions: an artist takes every type but these, so a new type is
    # offered by everyone and a new artist offers everything, as before types could be
    # chosen per artist.
    not_offered_by = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="appointment_types_not_offered",
        help_text="Artists who do not take this kind of appointment; every other artist does.",
    )

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_minutes__lte=F("default_minutes"))
                & Q(default_minutes__lte=F("max_minutes")),
                name="appointment_type_lengths_ordered",
                violation_error_message="Lengths must satisfy shortest ≤ default ≤ longest.",
            )
        ]

    def __str__(self):
        return self.name

    def name_in(self, language: str | None = None) -> str:
        """The name a client reads, in `language` (default: the page's or message's language).

        The clinic's translation when it has one, otherwise the clinic's own name."""
        translated = self._translation(language)
        return translated.name.strip() if translated and translated.name.strip() else self.name

    def description_in(self, language: str | None = None) -> str:
        translated = self._translation(language)
        if translated and translated.description.strip():
            return translated.description
        return self.description

    @property
    def client_name(self) -> str:
        """The name in the language of the page or message being made."""
        return self.name_in()

    @property
    def client_description(self) -> str:
        return self.description_in()

    def name_in_sentence(self, language: str | None = None) -> str:
        """The name inside a sentence ("Su consulta gratuita en …"): languages other than
        English write a service's name in lower case there, unless it starts with an acronym.
        The clinic's own name, when it has no translation, stays as the clinic wrote it."""
        language = _text_language(language)
        name = self.name_in(language)
        if language.startswith("en") or not name or name == self.name:
            return name
        first = name.split()[0]
        if len(first) > 1 and first.isupper():
            return name
        return name[0].lower() + name[1:]

    def _translation(self, language: str | None):
        language = _text_language(language)
        if self.pk is None or language == settings.LANGUAGE_CODE.lower():
            return None
        # Read from a prefetch when the caller made one, else once per object.
        cache = getattr(self, "_translations_by_language", None)
        if cache is None:
            cache = {t.language: t for t in self.translations.all()}
            self._translations_by_language = cache
        return cache.get(language)


def _text_language(language: str | None) -> str:
    from django.utils import translation

    return (language or translation.get_language() or settings.LANGUAGE_CODE).lower()


class AppointmentTypeTranslation(models.Model):
    """A service's name and description in another language, as clients read them."""

    appointment_type = models.ForeignKey(
        AppointmentType, on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(max_length=10, choices=settings.LANGUAGES)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["appointment_type", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment_type", "language"],
                name="appointment_type_one_translation_per_language",
            )
        ]

    def __str__(self):
        return f"{self.appointment_type} ({self.get_language_display()})"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CONFIRMED = "confirmed", _("Confirmed")
    ARRIVED = "arrived", _("Arrived")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("No-show")


# Appointments that hold their time: the diary refuses anything overlapping them.
# (A no-show's time has passed and is free for a walk-in.)
ACTIVE_STATUSES = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.CONFIRMED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.COMPLETED,
)


class BookingSource(models.TextChoices):
    FRONT_DESK = "front_desk", _("Front desk")
    ONLINE = "online", _("Online")
    API = "api", _("API")
    WAITLIST = "waitlist", _("Waitlist offer")


# Times the clinic chose: the staff notice period, any start, any type. A waitlist offer is
# a time the clinic offered the client (the client's own rules still hold: their channel).
CLINIC_CHOSEN_SOURCES = frozenset({BookingSource.FRONT_DESK, BookingSource.WAITLIST})


class Appointment(ChoiceLabels, models.Model):
    """One booked visit. Times are UTC; `blocked_until` adds the clean-up buffer.

    On PostgreSQL two exclusion constraints (migration 0002) forbid an artist or
    a room from holding two active appointments whose [starts_at, blocked_until)
    overlap. Every write goes through scheduling.booking.
    """

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="appointments"
    )
    type = models.ForeignKey(AppointmentType, on_delete=models.PROTECT, related_name="+")
    artist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="appointments"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    blocked_until = models.DateTimeField(editable=False)
    status = models.CharField(
        max_length=20, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    source = models.CharField(
        max_length=20, choices=BookingSource.choices, default=BookingSource.FRONT_DESK
    )
    cancellation_reason = models.CharField(max_length=300, blank=True)
    cancelled_late = models.BooleanField(
        "cancelled late",
        default=False,
        help_text="The client cancelled inside the change-notice period.",
    )
    notes = models.TextField(blank=True)
    meeting_link = models.URLField(blank=True)
    outside_hours_note = models.CharField(
        max_length=300,
        blank=True,
        help_text="Why a manager booked this outside the usual hours.",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A default rather than auto_now_add: a past visit recorded later keeps its own time.
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["starts_at"], name="appt_starts"),
            models.Index(fields=["artist", "starts_at"], name="appt_artist_starts"),
            models.Index(fields=["room", "starts_at"], name="appt_room_starts"),
            models.Index(fields=["client", "starts_at"], name="appt_client_starts"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")) & Q(blocked_until__gte=F("ends_at")),
                name="appointment_times_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.type} for {self.client} at {self.starts_at:%Y-%m-%d %H:%M} UTC"

    def get_absolute_url(self):
        return reverse("scheduling:appointment_detail", args=[self.pk])

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at) / timedelta(minutes=1))

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class AppointmentEventKind(models.TextChoices):
    CREATED = "created", _("Booked")
    MOVED = "moved", _("Moved")
    STATUS = "status", _("Status changed")
    CANCELLED = "cancelled", _("Cancelled")
    EDITED = "edited", _("Details changed")


class AppointmentEvent(models.Model):
    """The history of an appointment: every booking, move and status change."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=AppointmentEventKind.choices)
    detail = models.CharField(max_length=500, blank=True)
    from_starts_at = models.DateTimeField(null=True, blank=True)
    to_starts_at = models.DateTimeField(null=True, blank=True)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A private iCal feed of one artist's diary; a new token revokes the old URL."""

    artist = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Calendar feed of {self.artist}"
