"""The waitlist: who wants a sooner time and when they could come; the times that freed up;
and the offers made to waiting clients, which the first to claim turns into a booking."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smpclinic.models import SingleRowSettings


class OfferOrder(models.TextChoices):
    FIRST_COME = "first_come", _("First come, first offered")
    PRIORITY = "priority", _("Priority first, then first come")


class WaitlistSettings(SingleRowSettings):
    offer_hours = models.PositiveSmallIntegerField(
        "an offer stands for (hours)",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
        help_text="After this, the time is offered to the next clients waiting.",
    )
    offers_at_once = models.PositiveSmallIntegerField(
        "clients offered a time at once",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    order = models.CharField(
        max_length=20, choices=OfferOrder.choices, default=OfferOrder.FIRST_COME
    )

    class Meta:
        verbose_name = "waitlist settings"
        verbose_name_plural = "waitlist settings"

    def __str__(self):
        return "Waitlist settings"


class EntryStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    BOOKED = "booked", _("Booked from the waitlist")
    REMOVED = "removed", _("Taken off the waitlist")


class WaitlistEntry(models.Model):
    """A client waiting for a sooner time: what for, with whom, which days and hours."""

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    appointment_type = models.ForeignKey(
        "scheduling.AppointmentType", on_delete=models.PROTECT, related_name="+"
    )
    # A particular session of the client's plan (its gap and order are respected).
    plan_session = models.ForeignKey(
        "sessions_app.TreatmentSession",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    artist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Leave empty for any artist.",
    )
    # Weekdays the client can come, 0 = Monday; empty means any day.
    weekdays = models.JSONField(default=list, blank=True)
    earliest_time = models.TimeField(null=True, blank=True)
    latest_time = models.TimeField(
        null=True, blank=True, help_text="The appointment must end by then."
    )
    earliest_date = models.DateField(null=True, blank=True)
    latest_date = models.DateField(null=True, blank=True)
    priority = models.BooleanField(
        default=False, help_text="Offered first when the clinic offers by priority."
    )
    note = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=20, choices=EntryStatus.choices, default=EntryStatus.WAITING
    )
    booked = models.ForeignKey(
        "scheduling.Appointment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "waitlist entries"
        indexes = [models.Index(fields=["status", "created_at"], name="waitlist_waiting")]
        constraints = [
            models.CheckConstraint(
                condition=Q(earliest_date__isnull=True)
                | Q(latest_date__isnull=True)
                | Q(earliest_date__lte=models.F("latest_date")),
                name="waitlist_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(earliest_time__isnull=True)
                | Q(latest_time__isnull=True)
                | Q(earliest_time__lt=models.F("latest_time")),
                name="waitlist_times_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.client} waiting for a {self.appointment_type}"


class FreedTime(models.Model):
    """A time that freed up (a cancellation, a move, a no-show marked early) and what
    became of it. Claimed once: the conditional update that claims it lets one through."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLAIMED = "claimed", _("Claimed")
        CLOSED = "closed", _("No longer offered")

    artist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    room = models.ForeignKey(
        "scheduling.Room", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # The appointment whose cancellation (or move) freed it.
    freed_by = models.ForeignKey(
        "scheduling.Appointment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    why = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    booked = models.OneToOneField(
        "scheduling.Appointment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["status", "starts_at"], name="freed_open")]

    def __str__(self):
        return f"Freed time at {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class OfferStatus(models.TextChoices):
    OFFERED = "offered", _("Offered")
    CLAIMED = "claimed", _("Claimed")
    GONE = "gone", _("Taken by someone else")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Offer(models.Model):
    """A freed time offered to one waiting client, through their private link."""

    freed = models.ForeignKey(FreedTime, on_delete=models.CASCADE, related_name="offers")
    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="offers")
    status = models.CharField(
        max_length=10, choices=OfferStatus.choices, default=OfferStatus.OFFERED
    )
    offered_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who offered it by hand (empty: offered automatically).",
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["offered_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["freed", "entry"], name="offer_once_per_entry"),
        ]

    def __str__(self):
        return f"Offer of {self.freed} to {self.entry.client}"
