"""The clinic's money: prices, deposits and the cancellation policy, and a ledger per client.

The ledger is the one record of money: charges (what the client owes), payments,
refunds and credits, each an immutable row (a correction is a new row that reverses
an earlier one). A balance is always the sum of its rows; nothing stores a running
total. Amounts are exact decimals in the clinic's one currency (settings.CLINIC_CURRENCY).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from smpclinic.models import SingleRowSettings

# Above this an amount is a typing mistake, not a price (and it fits the columns).
MAX_AMOUNT = Decimal("100000.00")
AMOUNT_VALIDATORS = [MinValueValidator(Decimal("0.00")), MaxValueValidator(MAX_AMOUNT)]


def money_field(**kwargs) -> models.DecimalField:
    return models.DecimalField(max_digits=9, decimal_places=2, **kwargs)


class LateAction(models.TextChoices):
    FORFEIT = "forfeit", _("The deposit is kept by the clinic")
    CREDIT = "credit", _("The deposit stays on the client's account as credit")


class MoneySettings(SingleRowSettings):
    """How the clinic handles deposits, and what its receipts say."""

    hold_unpaid_hours = models.PositiveSmallIntegerField(
        _("hold an unpaid online booking for (hours)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
        help_text=_("An online booking whose deposit is not paid by then is released."),
    )
    late_action = models.CharField(
        _("on a late cancellation or no-show"),
        max_length=20,
        choices=LateAction.choices,
        default=LateAction.FORFEIT,
    )
    tax_number = models.CharField(_("tax (VAT) number"), max_length=40, blank=True)
    receipt_note = models.CharField(
        _("note printed on receipts"),
        max_length=300,
        blank=True,
        help_text=_("e.g. payment terms."),
    )
    last_receipt_number = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = "money settings"
        verbose_name_plural = "money settings"

    def __str__(self):
        return "Money settings"


class DepositKind(models.TextChoices):
    FIXED = "fixed", _("A fixed amount")
    PERCENT = "percent", _("A percentage of the price")


class DepositRule(models.Model):
    """The deposit a booking of one appointment type needs (the type's price is the
    appointment type's own; see billing.prices)."""

    appointment_type = models.OneToOneField(
        "scheduling.AppointmentType", on_delete=models.CASCADE, related_name="deposit_rule"
    )
    kind = models.CharField(max_length=10, choices=DepositKind.choices)
    value = money_field(validators=AMOUNT_VALIDATORS)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="deposit_rule_positive"),
            models.CheckConstraint(
                condition=~Q(kind="percent") | Q(value__lte=100),
                name="deposit_rule_percent_at_most_100",
            ),
        ]

    def __str__(self):
        return f"Deposit for {self.appointment_type}"


class PackagePrice(models.Model):
    """A course of treatment sessions sold together, e.g. 3 sessions for less than 3 × one."""

    sessions = models.PositiveSmallIntegerField(
        unique=True, validators=[MinValueValidator(2), MaxValueValidator(5)]
    )
    price = money_field(validators=AMOUNT_VALIDATORS)

    class Meta:
        ordering = ["sessions"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="package_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.sessions} sessions"


class TouchUpBand(models.Model):
    """A touch-up's price by months since the last session; the last band (no limit) is
    what a touch-up costs after all the others (usually the full price)."""

    up_to_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        unique=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="Blank: any longer than the other bands.",
    )
    price = money_field(validators=AMOUNT_VALIDATORS)

    class Meta:
        ordering = [models.F("up_to_months").asc(nulls_last=True)]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="touch_up_band_not_negative"),
        ]

    def __str__(self):
        if self.up_to_months is None:
            return "Later"
        return f"Within {self.up_to_months} months"


class CancellationPolicy(models.Model):
    """The clinic's cancellation policy, versioned like consent: a booking records the
    version the client accepted, and a new version never changes an old acceptance."""

    version = models.PositiveIntegerField(unique=True)
    text = models.TextField()
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        verbose_name_plural = "cancellation policies"

    def __str__(self):
        return f"Cancellation policy, version {self.version}"

    @classmethod
    def current(cls) -> CancellationPolicy | None:
        return cls.objects.order_by("-version").first()


class DepositStatus(models.TextChoices):
    DUE = "due", pgettext_lazy("deposit", "Due")
    PAID = "paid", pgettext_lazy("deposit", "Paid")
    WAIVED = "waived", pgettext_lazy("deposit", "Waived")
    FORFEITED = "forfeited", pgettext_lazy("deposit", "Forfeited")
    CREDITED = "credited", pgettext_lazy("deposit", "Kept as credit")
    RELEASED = "released", pgettext_lazy("deposit", "Not paid: released")


class Deposit(models.Model):
    """The deposit an appointment needs, and what became of it.

    A deposit belongs to its appointment, so it moves with it when the time is moved.
    The money itself is in the ledger (the payment row points at the appointment).
    """

    appointment = models.OneToOneField(
        "scheduling.Appointment", on_delete=models.CASCADE, related_name="deposit"
    )
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    amount = money_field(validators=AMOUNT_VALIDATORS)
    status = models.CharField(
        max_length=20, choices=DepositStatus.choices, default=DepositStatus.DUE
    )
    # An online booking is held until this moment; unpaid by then, it is released.
    pay_by = models.DateTimeField(null=True, blank=True)
    policy = models.ForeignKey(
        CancellationPolicy, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    policy_accepted_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["status", "pay_by"], name="deposit_status_pay_by")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="deposit_amount_positive"),
        ]

    def __str__(self):
        return f"Deposit of {self.amount} for {self.appointment_id}"


class EntryKind(models.TextChoices):
    CHARGE = "charge", pgettext_lazy("ledger entry", "Charge")
    PAYMENT = "payment", pgettext_lazy("ledger entry", "Payment")
    REFUND = "refund", pgettext_lazy("ledger entry", "Refund")
    CREDIT = "credit", pgettext_lazy("ledger entry", "Credit")


# Charges and refunds add to what the client owes; payments and credits take from it.
OWED_KINDS = (EntryKind.CHARGE, EntryKind.REFUND)


class PaymentMethod(models.TextChoices):
    CARD_TERMINAL = "card_terminal", _("Card (terminal)")
    CASH = "cash", _("Cash")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    ONLINE_CARD = "online_card", _("Card (online)")


class LedgerEntry(models.Model):
    """One immutable row of a client's account. `amount` is always positive; the kind says
    which way it counts. A correction is a new row that names the row it reverses."""

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    # A plan erased after the retention period leaves its money rows, unlinked.
    plan = models.ForeignKey(
        "sessions_app.TreatmentPlan",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    amount = money_field(validators=AMOUNT_VALIDATORS)
    currency = models.CharField(max_length=3)
    method = models.CharField(max_length=20, choices=PaymentMethod.choices, blank=True)
    description = models.CharField(max_length=300)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The artist whose work a payment is for (the takings count it under their name).
    artist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    # What makes a row happen once only (e.g. "forfeit:42:1", "stripe:cs_123").
    key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    receipt_number = models.PositiveIntegerField(unique=True, null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "ledger entries"
        # Covering: balances per client (the money report) are read from the index alone.
        indexes = [
            models.Index(
                fields=["client", "at"], include=["kind", "amount"], name="ledger_client_at_cover"
            )
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_amount_positive"),
            models.CheckConstraint(
                condition=Q(kind__in=["payment", "refund"]) | Q(method=""),
                name="ledger_method_only_on_money_moving",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["payment", "refund"]) | ~Q(method=""),
                name="ledger_money_moving_has_method",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} {self.currency}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Ledger rows are never changed: record a correction instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Ledger rows are never deleted: record a correction instead.")

    @property
    def signed(self) -> Decimal:
        """What this row adds to the balance the client owes."""
        return self.amount if self.kind in OWED_KINDS else -self.amount


class OnlinePaymentStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("online payment", "Waiting for the client")
    PAID = "paid", pgettext_lazy("online payment", "Paid")
    EXPIRED = "expired", pgettext_lazy("online payment", "Expired")


class OnlinePayment(models.Model):
    """A card payment the client makes on the provider's page (a checkout session)."""

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    deposit = models.ForeignKey(
        Deposit, on_delete=models.PROTECT, null=True, blank=True, related_name="online_payments"
    )
    # A plan erased after the retention period leaves its money rows, unlinked.
    plan = models.ForeignKey(
        "sessions_app.TreatmentPlan",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    amount = money_field(validators=AMOUNT_VALIDATORS)
    currency = models.CharField(max_length=3)
    provider_id = models.CharField(max_length=255, unique=True)
    url = models.URLField(max_length=2000)
    status = models.CharField(
        max_length=10, choices=OnlinePaymentStatus.choices, default=OnlinePaymentStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="online_payment_amount_positive"
            ),
        ]

    def __str__(self):
        return f"Online payment {self.provider_id} ({self.get_status_display()})"


class ProviderEvent(models.Model):
    """A webhook event from the payment provider, kept so that a replay changes nothing."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=300, blank=True)

    def __str__(self):
        return f"{self.type} {self.event_id}"
