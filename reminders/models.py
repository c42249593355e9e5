"""The reminder outbox.

Every message to a client is a `Reminder` row, written in the same transaction
as the booking, session log or plan change that causes it, with a unique `key`
so the same reminder cannot exist twice. Celery beat runs the dispatcher every
minute; it claims due rows (with a lease), sends each through its channel and
records the outcome. See reminders.outbox for the rules and reminders.dispatch
for the sending.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from smpclinic.encryption import EncryptedTextField
from smpclinic.models import ChoiceLabels, SingleRowSettings


class ReminderSettings(SingleRowSettings):
    """When messages may go out; one row, edited by the manager in the admin."""

    quiet_hours_start = models.TimeField(
        "no SMS from", default=dt.time(21, 0), help_text="In the clinic's time zone."
    )
    quiet_hours_end = models.TimeField("until", default=dt.time(8, 0))
    max_attempts = models.PositiveSmallIntegerField(
        "attempts before a message is marked failed",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )

    class Meta:
        verbose_name = "reminder settings"
        verbose_name_plural = "reminder settings"

    def __str__(self):
        return "Reminder settings"


class ReminderKind(models.TextChoices):
    """The kinds' names, for the database and the lists. What each kind says, whether it is
    a service message and when it goes are declared by its app (reminders.kinds)."""

    BOOKING_CONFIRMATION = "booking_confirmation", _("Booking confirmation")
    APPOINTMENT_MOVED = "appointment_moved", _("Appointment moved")
    APPOINTMENT_CANCELLED = "appointment_cancelled", _("Appointment cancelled")
    CONSULTATION_FORMS = "consultation_forms", _("Forms to fill before the consultation")
    ESTIMATE = "estimate", _("Cost estimate")
    CHECK_IN_REPLY = "check_in_reply", _("Artist's reply to a check-in")
    APPOINTMENT_REMINDER = "appointment_reminder", _("Appointment reminder")
    GAP_INVITE = "gap_invite", _("Invitation to book the next session")
    FADE_CHECK_IN = "fade_check_in", _("Fade check-in")
    FINAL_CHECK_IN = "final_check_in", _("Final check-in (pigment settled)")
    AFTERCARE = "aftercare", _("Aftercare")
    PATCH_TEST_READING = "patch_test_reading", _("Patch test reading")
    CONSULTATION_FOLLOW_UP = "consultation_follow_up", _("Consultation follow-up")
    TOUCH_UP_RECALL = "touch_up_recall", _("Touch-up recall")
    RECEIPT = "receipt", _("Receipt for a payment")
    DEPOSIT_DUE = "deposit_due", _("Deposit to pay for an online booking")
    WAITLIST_OFFER = "waitlist_offer", _("A sooner time offered from the waitlist")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class ReminderStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("reminder status", "Pending")
    SENDING = "sending", pgettext_lazy("reminder status", "Sending")
    SENT = "sent", pgettext_lazy("reminder status", "Sent")
    FAILED = "failed", pgettext_lazy("reminder status", "Failed")
    CANCELLED = "cancelled", pgettext_lazy("reminder status", "Cancelled")
    SKIPPED = "skipped", pgettext_lazy("reminder status", "Not sent")


class DeliveryStatus(models.TextChoices):
    """What the email provider reported about a sent message (its tracking webhook).

    From the least to the most final: a report never replaces a more final one (a late
    "delayed" does not undo "delivered"; a complaint outranks everything). "Not delivered"
    is this message turned away (a virus or spam filter), the address still good.
    """

    UNKNOWN = "", pgettext_lazy("delivery status", "No report")
    DELAYED = "delayed", pgettext_lazy("delivery status", "Delayed")
    DELIVERED = "delivered", pgettext_lazy("delivery status", "Delivered")
    NOT_DELIVERED = "not_delivered", pgettext_lazy("delivery status", "Not delivered")
    BOUNCED = "bounced", pgettext_lazy("delivery status", "Bounced")
    COMPLAINED = "complained", pgettext_lazy("delivery status", "Marked as spam")


class SuppressionReason(models.TextChoices):
    BOUNCED = "bounced", _("hard bounce")
    COMPLAINED = "complained", _("spam complaint")
    REFUSED = "refused", _("refused by the email provider")


class Reminder(ChoiceLabels, models.Model):
    key = models.CharField(max_length=200, unique=True)
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=30, choices=ReminderKind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    # What it is about (any that apply).
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    plan = models.ForeignKey(
        "sessions_app.TreatmentPlan",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    session = models.ForeignKey(
        "sessions_app.TreatmentSession",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    consultation = models.ForeignKey(
        "consultations.Consultation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    # Extra values for the message (e.g. an aftercare day, a cancellation reason).
    data = models.JSONField(default=dict, blank=True)

    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=20, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # A claimed row belongs to one worker until the lease runs out.
    claim_token = models.CharField(max_length=32, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_to = models.CharField(max_length=254, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The email provider's id of the message (anymail's message_id), and what the
    # provider's delivery reports said of it since (reminders.deliverability).
    provider_message_id = models.CharField(max_length=200, blank=True)
    delivery_status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, blank=True, default=DeliveryStatus.UNKNOWN
    )
    delivery_detail = models.TextField(blank=True)
    delivery_reported_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="reminder_pending_due",
                condition=Q(status="pending"),
            ),
            models.Index(
                fields=["lease_expires_at"],
                name="reminder_sending_lease",
                condition=Q(status="sending"),
            ),
            models.Index(fields=["client", "-due_at"], name="reminder_client_due"),
            models.Index(fields=["status", "-due_at"], name="reminder_status_due"),
            models.Index(
                fields=["provider_message_id"],
                name="reminder_provider_message",
                condition=~Q(provider_message_id=""),
            ),
        ]
        permissions = [("retry_reminder", "Can retry a failed reminder")]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.client} due {self.due_at:%Y-%m-%d %H:%M} UTC"

    @property
    def last_error_shown(self) -> str:
        """Why it did not go (or the provider's error), in the reader's language where it is
        one of the declared reasons (reminders.kinds.reason_shown), old rows too."""
        from .kinds import reason_shown

        return reason_shown(self.last_error)

    @property
    def reference(self) -> str:
        """Goes to the provider with each message (a header, the email provider's metadata,
        the SMS reference): a provider drops a repeat by it, and its reports find the
        reminder again (reminders.deliverability)."""
        return f"reminder-{self.pk}"


class EmailSuppression(models.Model):
    """An email address that must not be sent to: it bounced for good, or its owner
    marked the clinic's email as spam (reported by the provider's tracking webhook).

    One row per lower-cased address, whoever's it is. While `cleared_at` is empty the
    outbox sends nothing to the address (reminders.channels); staff clear it from the
    client's record once the client has fixed their mailbox. The row stays after that,
    so a report older than the clearing (a provider replaying it) cannot block the
    address again. A client who gives a new address is not blocked by the old one.
    """

    address = models.EmailField(max_length=254, unique=True)
    reason = models.CharField(max_length=20, choices=SuppressionReason.choices)
    # When the provider says it happened (or when the report came, if it does not say).
    since = models.DateTimeField()
    # The provider's own words (e.g. "mailbox not found") and its id for the message.
    description = models.TextField(blank=True)
    provider = models.CharField(max_length=50, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    # The client the bounced message was for, when the report names one of the outbox's
    # messages: their export and erasure include the row even after they change address.
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="email_suppressions",
    )
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-since", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(address=Lower("address")),
                name="email_suppression_address_lower_case",
            ),
        ]

    def __str__(self):
        return f"{self.address}: {self.get_reason_display()}"

    @property
    def is_active(self) -> bool:
        return self.cleared_at is None


class MessageTemplate(models.Model):
    """The clinic's wording (and, where it applies, timing) of one kind of message.

    Placeholders are written {first_name}; the ones each kind may use are declared by
    the kind's app (reminders.kinds) and checked when the template is saved, as is its
    timing: this row is the one place the clinic sets when each kind goes.
    """

    kind = models.CharField(max_length=30, choices=ReminderKind.choices, unique=True)
    enabled = models.BooleanField(default=True, help_text=_("Switch this kind of message off."))
    subject = models.CharField(_("email subject"), max_length=200)
    email_text = models.TextField(_("email"))
    sms_text = models.CharField(_("SMS"), max_length=480)
    # Timing, in the unit the kind declares (hours before an appointment, days after a
    # session, months after a plan ends); empty means the kind's default.
    offsets = models.JSONField(
        _("when"),
        default=list,
        blank=True,
        help_text=_(
            "A list of whole numbers in the unit shown beside it, e.g. [48, 24] for "
            "reminders 48 and 24 hours before the appointment. Leave empty for the default."
        ),
    )
    send_at = models.TimeField(
        _("at (clinic time)"),
        null=True,
        blank=True,
        help_text=_("For messages sent on a day after something: the time of day they go."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]

    def __str__(self):
        return self.get_kind_display()

    def clean(self):
        # Refused when saved, not discovered when sending.
        from django.core.exceptions import ValidationError

        from .kinds import get_kind, timing_problems
        from .wording import validate_template

        validate_template(self.kind, self.subject, self.email_text, self.sms_text)
        problems = timing_problems(self.kind, self.offsets)
        if problems:
            raise ValidationError({"offsets": problems})
        kind = get_kind(self.kind)
        if self.send_at and kind and not kind.timing.has_time_of_day:
            raise ValidationError({"send_at": _("This message does not go at a time of day.")})

    @property
    def timing_words(self) -> str:
        from .kinds import describe_timing

        return describe_timing(self.kind, self.offsets, self.send_at)


class MessageTemplateTranslation(models.Model):
    """The clinic's wording of one kind of message in another language.

    A client whose language has a translation gets it; otherwise, or when a translation
    does not use the same placeholders as the clinic's own wording, the clinic's own
    wording goes (reminders.wording.template_for_language). Timing stays the template's.
    """

    template = models.ForeignKey(
        MessageTemplate, on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(max_length=10, choices=settings.LANGUAGES)
    subject = models.CharField("email subject", max_length=200)
    email_text = models.TextField("email")
    sms_text = models.CharField("SMS", max_length=480)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["template", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "language"], name="reminders_one_translation_per_language"
            )
        ]

    def __str__(self):
        return f"{self.template} ({self.get_language_display()})"

    def clean(self):
        from .wording import translation_problems

        problems = translation_problems(self.template, self)
        if problems:
            from django.core.exceptions import ValidationError

            raise ValidationError(problems)


def default_lease() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "REMINDER_LEASE_SECONDS", 300))


class InboundOutcome(models.TextChoices):
    """What became of a text message a client sent the clinic."""

    CONFIRMED = "confirmed", "Confirmed their appointment"
    NOTHING_TO_CONFIRM = "nothing_to_confirm", "Asked to confirm: nothing to confirm"
    OPTED_OUT = "opted_out", "Stopped text messages"
    OPTED_IN = "opted_in", "Allowed text messages again"
    FOR_STAFF = "for_staff", "For the clinic"


# The replies a person must read (the others were answered by the app).
FOR_STAFF_OUTCOMES = (InboundOutcome.FOR_STAFF, InboundOutcome.NOTHING_TO_CONFIRM)


class InboundMessage(ChoiceLabels, models.Model):
    """A text message received from a client (or from a number on no client's record).

    Replies such as "C" and "STOP" are acted on when they arrive (reminders.inbound);
    anything else waits in the staff inbox, on the client's record, until someone at the
    desk marks it read. What a client writes may be about their health: the text is
    encrypted at rest, exported with their data and deleted on erasure.
    """

    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="inbound_messages",
    )
    # The provider's id for the message (Twilio's MessageSid): the same message delivered
    # twice is recorded and acted on once.
    provider_message_id = models.CharField(max_length=64, unique=True)
    from_number = models.CharField("from", max_length=32)
    to_number = models.CharField("to", max_length=32, blank=True)
    body = EncryptedTextField("message", blank=True)
    received_at = models.DateTimeField()
    outcome = models.CharField(max_length=20, choices=InboundOutcome.choices)
    # What was done, in words for staff (e.g. which appointment was confirmed).
    outcome_detail = models.CharField(max_length=300, blank=True)
    # The answer the client was sent back, so a repeated delivery gets the same one.
    reply = models.TextField(blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["client", "-received_at"], name="inbound_client_received"),
            models.Index(
                fields=["-received_at"],
                name="inbound_unread",
                condition=Q(read_at__isnull=True, outcome__in=["for_staff", "nothing_to_confirm"]),
            ),
        ]

    def __str__(self):
        return f"Text from {self.from_number} at {self.received_at:%Y-%m-%d %H:%M} UTC"

    @property
    def for_staff(self) -> bool:
        return self.outcome in FOR_STAFF_OUTCOMES

    @property
    def unread(self) -> bool:
        return self.for_staff and self.read_at is None
