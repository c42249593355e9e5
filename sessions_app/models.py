from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from smpclinic.encryption import EncryptedCharField, EncryptedTextField
from smpclinic.models import ChoiceLabels, SingleRowSettings
from smpclinic.scales import Scale

# How long a treatment session is booked for: 2–4 hours as a rule, never over 8.
SESSION_MINUTES = Scale(30, 480, "A session is from {low} to {high} minutes.")
# What the artist records a session took.
MINUTES_TAKEN = Scale(1, 600, "Give the minutes the session took ({low}–{high}).")


class TreatmentSettings(SingleRowSettings):
    """How the clinic plans sessions; one row, edited by the manager in the admin."""

    first_session_minutes = models.PositiveSmallIntegerField(
        "first session (minutes)",
        default=240,
        validators=[MinValueValidator(60), MaxValueValidator(SESSION_MINUTES.high)],
        help_text="The first session is the longest: foundation density and the hairline.",
    )
    step_down_minutes = models.PositiveSmallIntegerField(
        "each later session shorter by (minutes)",
        default=30,
        validators=[MaxValueValidator(120)],
    )
    minimum_session_minutes = models.PositiveSmallIntegerField(
        "shortest session (minutes)",
        default=120,
        validators=SESSION_MINUTES.validators(),
    )
    minimum_gap_days = models.PositiveSmallIntegerField(
        "days between sessions",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text="The next session is suggested this many days after the previous one; "
        "booking closer needs a manager's reason.",
    )

    class Meta:
        verbose_name = "treatment settings"
        verbose_name_plural = "treatment settings"

    def __str__(self):
        return "Treatment settings"


class PlanStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("treatment plan", "Active")
    PAUSED = "paused", pgettext_lazy("treatment plan", "Paused")
    COMPLETED = "completed", pgettext_lazy("treatment plan", "Completed")
    CANCELLED = "cancelled", pgettext_lazy("treatment plan", "Cancelled")


class Density(models.IntegerChoices):
    VERY_LIGHT = 1, _("1 – very light")
    LIGHT = 2, _("2 – light")
    MEDIUM = 3, _("3 – medium")
    DENSE = 4, _("4 – dense")
    VERY_DENSE = 5, _("5 – very dense")


# How many sessions a plan (and a consultation's estimate) counts: clinics quote 2–4 or 3–5.
PLAN_SESSIONS = Scale(2, 5, "A plan has between {low} and {high} sessions.")
DENSITY_SCALE = Scale(min(Density.values), max(Density.values), "Density is from {low} to {high}.")


class TreatmentPlan(ChoiceLabels, models.Model):
    """A client's course of SMP: 2–5 planned sessions a week apart, plus any extras."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="treatment_plans"
    )
    lead_artist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_plans",
        limit_choices_to={"role": "artist"},
    )
    planned_sessions = models.PositiveSmallIntegerField(
        default=3, validators=PLAN_SESSIONS.validators()
    )
    pigment = models.CharField(max_length=200, blank=True)
    hairline_design = models.TextField(blank=True)
    target_look = models.CharField(max_length=200, blank=True)
    target_density = models.PositiveSmallIntegerField(
        choices=Density.choices, null=True, blank=True
    )
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    # When the plan was marked completed (the outcome figures count plans by it).
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            PLAN_SESSIONS.constraint("planned_sessions", name="plan_two_to_five_sessions"),
            DENSITY_SCALE.constraint(
                "target_density", name="plan_target_density_1_to_5", optional=True
            ),
        ]

    def __str__(self):
        return f"Treatment plan for {self.client}"

    def get_absolute_url(self):
        return reverse("sessions_app:plan_detail", args=[self.pk])


class SessionKind(models.TextChoices):
    PLANNED = "planned", _("Planned")
    EXTRA = "extra", _("Extra")
    TOUCH_UP = "touch_up", _("Touch-up")


class ExtraReason(models.TextChoices):
    SCAR_TISSUE = "scar_tissue", _("Scar tissue dispersing pigment")
    PATCHY_HEALING = "patchy_healing", _("Patchy healing")
    CLIENT_REQUEST = "client_request", _("Client request")
    OTHER = "other", _("Other")


class TreatmentSession(ChoiceLabels, models.Model):
    """One session of a plan, numbered in order; booked as an appointment when a time is set."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=SessionKind.choices, default=SessionKind.PLANNED)
    extra_reason = models.CharField(max_length=30, choices=ExtraReason.choices, blank=True)
    extra_note = models.CharField(max_length=300, blank=True)
    planned_minutes = models.PositiveSmallIntegerField(validators=SESSION_MINUTES.validators())
    appointment = models.OneToOneField(
        "scheduling.Appointment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="treatment_session",
    )
    gap_override_reason = models.CharField(
        max_length=300,
        blank=True,
        help_text="Why a manager booked this closer to the previous session than the usual gap.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="session_number_unique"),
            models.CheckConstraint(
                condition=~Q(kind="extra") | ~Q(extra_reason=""),
                name="extra_session_has_reason",
                violation_error_message="Say why the extra session is needed.",
            ),
        ]

    def __str__(self):
        return f"Session {self.number} of {self.plan}"

    @property
    def is_logged(self) -> bool:
        return hasattr(self, "log")

    @property
    def is_booked(self) -> bool:
        """Whether an appointment holds this session's time (booked, arrived or done)."""
        return self.appointment is not None and self.appointment.is_active


class Region(models.TextChoices):
    FRONTAL_HAIRLINE = "frontal_hairline", _("Frontal hairline")
    LEFT_TEMPLE = "left_temple", _("Left temple")
    RIGHT_TEMPLE = "right_temple", _("Right temple")
    MID_SCALP = "mid_scalp", _("Mid-scalp")
    CROWN = "crown", _("Crown / vertex")
    LEFT_SIDE = "left_side", _("Left side")
    RIGHT_SIDE = "right_side", _("Right side")
    BACK = "back", _("Back / occipital")
    SCAR = "scar", _("Scar")


class SkinReaction(models.TextChoices):
    NONE = "none", _("None")
    MILD = "mild", _("Mild")
    MODERATE = "moderate", _("Moderate")
    STRONG = "strong", _("Strong")


class SessionLog(models.Model):
    """What the artist did in a session. Saving it completes the appointment."""

    session = models.OneToOneField(TreatmentSession, on_delete=models.CASCADE, related_name="log")
    artist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    pigment_brand = models.CharField(max_length=100, blank=True)
    pigment_shade = models.CharField(max_length=100, blank=True)
    pigment_dilution = models.CharField(max_length=50, blank=True)
    pigment_lot = models.CharField("pigment lot number", max_length=50, blank=True)
    needle_configuration = models.CharField(max_length=100, blank=True)
    technique_notes = EncryptedTextField(blank=True)
    skin_reaction = models.CharField(
        max_length=20, choices=SkinReaction.choices, default=SkinReaction.NONE
    )
    redness_notes = EncryptedCharField(max_length=300, blank=True)
    minutes_taken = models.PositiveSmallIntegerField(validators=MINUTES_TAKEN.validators())
    focus_next_time = EncryptedTextField(blank=True)
    shared_with_client = models.BooleanField("notes may be shown to the client", default=False)
    logged_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Log of {self.session}"


class RegionTreated(ChoiceLabels, models.Model):
    log = models.ForeignKey(SessionLog, on_delete=models.CASCADE, related_name="regions")
    region = models.CharField(max_length=30, choices=Region.choices)
    density = models.PositiveSmallIntegerField(choices=Density.choices)

    class Meta:
        ordering = ["log", "region"]
        constraints = [
            models.UniqueConstraint(fields=["log", "region"], name="region_once_per_log"),
            DENSITY_SCALE.constraint("density", name="region_density_1_to_5"),
        ]

    def __str__(self):
        return f"{self.get_region_display()}: {self.density}"


class HealingStatus(models.TextChoices):
    RETAINED = "retained", _("Retained")
    FADED = "faded", _("Faded")
    PATCHY = "patchy", _("Patchy")
    OVER_SATURATED = "over_saturated", _("Over-saturated")


class RegionHealing(ChoiceLabels, models.Model):
    """How a region healed since the previous session, judged at the start of `session`."""

    session = models.ForeignKey(TreatmentSession, on_delete=models.CASCADE, related_name="healing")
    region = models.CharField(max_length=30, choices=Region.choices)
    status = models.CharField(max_length=20, choices=HealingStatus.choices)
    note = models.CharField(max_length=300, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "region"]
        constraints = [
            models.UniqueConstraint(fields=["session", "region"], name="healing_once_per_session"),
        ]

    def __str__(self):
        return f"{self.get_region_display()}: {self.get_status_display()}"
