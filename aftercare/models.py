"""Aftercare instructions and plans, and the client's fade check-ins.

- `AftercareInstruction`: the clinic's wording by day range after a session
  (defaults ship marked as the clinic's to edit, not medical advice).
- `AftercarePlan`: made when a session is logged; it copies the instructions
  as they were (`AftercareStep`), so a later edit does not rewrite what the
  client was given.
- `CheckIn`: a client's photos and answers some days after a session; the
  artist reviews it, records the healing per region and replies.

Rules live in aftercare.services.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from smpclinic.encryption import EncryptedTextField


class AftercareInstruction(models.Model):
    """What to do (or avoid) from `day_from` to `day_to` after a session (day 0 = session day)."""

    day_from = models.PositiveSmallIntegerField(validators=[MaxValueValidator(365)])
    day_to = models.PositiveSmallIntegerField(validators=[MaxValueValidator(365)])
    title = models.CharField(max_length=150)
    body = models.TextField()
    send_message = models.BooleanField(
        _("send as a message on its first day"),
        default=False,
        help_text=_("Milestone messages (e.g. day 3, 7 and 28) go to the client that morning."),
    )
    is_shipped_default = models.BooleanField(
        _("shipped default wording"),
        default=False,
        help_text=_("Written by the product as a starting point; the clinic should review it."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["day_from", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(day_to__gte=F("day_from")),
                name="aftercare_days_ordered",
                violation_error_message="The last day cannot be before the first day.",
            )
        ]

    def __str__(self):
        if self.day_from == self.day_to:
            return gettext("Day %(day)s: %(title)s") % {"day": self.day_from, "title": self.title}
        return gettext("Days %(first)s–%(last)s: %(title)s") % {
            "first": self.day_from,
            "last": self.day_to,
            "title": self.title,
        }


class AftercareInstructionTranslation(models.Model):
    """An instruction's wording in another language, as clients of that language get it.

    Plans copy the wording in the client's language when they are made, so a later edit
    does not rewrite what a client was given."""

    instruction = models.ForeignKey(
        AftercareInstruction, on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(max_length=10, choices=settings.LANGUAGES)
    title = models.CharField(max_length=150)
    body = models.TextField()

    class Meta:
        ordering = ["instruction", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["instruction", "language"], name="aftercare_one_translation_per_language"
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.get_language_display()})"


class AftercarePlan(models.Model):
    session = models.OneToOneField(
        "sessions_app.TreatmentSession", on_delete=models.CASCADE, related_name="aftercare_plan"
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="aftercare_plans"
    )
    starts_on = models.DateField(help_text="Day 0: the session's date in the clinic's time zone.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return f"Aftercare after {self.session}"


class AftercareStep(models.Model):
    plan = models.ForeignKey(AftercarePlan, on_delete=models.CASCADE, related_name="steps")
    day_from = models.PositiveSmallIntegerField()
    day_to = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=150)
    body = models.TextField()
    send_message = models.BooleanField(default=False)
    # The language of the wording given (empty: the clinic's own).
    language = models.CharField(max_length=10, blank=True, default="")

    class Meta:
        ordering = ["plan", "day_from", "id"]

    def __str__(self):
        return f"{self.title} (days {self.day_from}–{self.day_to})"


class CheckInKind(models.TextChoices):
    FADE = "fade", _("Fade check-in (about 10 days after a session)")
    FINAL = "final", _("Final check-in (pigment settled, 4–5 weeks after the last session)")


class CheckInStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    SUBMITTED = "submitted", _("Waiting for review")
    REVIEWED = "reviewed", _("Reviewed")


class Level(models.TextChoices):
    NONE = "none", _("None")
    MILD = "mild", _("Mild")
    MODERATE = "moderate", _("Moderate")
    STRONG = "strong", _("Strong")


class Proposal(models.TextChoices):
    NONE = "", "Nothing more needed"
    EXTRA_SESSION = "extra_session", "An extra session"
    TOUCH_UP = "touch_up", "A touch-up"


class CheckIn(models.Model):
    """Photos and answers a client sends after a session; one per session and kind."""

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="check_ins")
    session = models.ForeignKey(
        "sessions_app.TreatmentSession", on_delete=models.CASCADE, related_name="check_ins"
    )
    kind = models.CharField(max_length=10, choices=CheckInKind.choices)
    status = models.CharField(
        max_length=20, choices=CheckInStatus.choices, default=CheckInStatus.INVITED
    )
    # The client's answers.
    redness = models.CharField(max_length=10, choices=Level.choices, blank=True)
    itching = models.CharField(max_length=10, choices=Level.choices, blank=True)
    # {region: "how it looks to me"}
    region_views = models.JSONField(default=dict, blank=True)
    client_questions = EncryptedTextField(blank=True)
    photos = models.ManyToManyField("photos.Photo", blank=True, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The artist's review.
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reply = EncryptedTextField(blank=True)
    # {region: {"status": HealingStatus, "note": str}} as judged from the photos; also
    # recorded on the plan's next session (if there is one) as RegionHealing rows.
    healing = models.JSONField(default=dict, blank=True)
    proposal = models.CharField(max_length=20, choices=Proposal.choices, blank=True)
    proposal_note = models.CharField(max_length=300, blank=True)
    proposal_handled_at = models.DateTimeField(
        null=True, blank=True, help_text="When the front desk acted on the proposal."
    )
    proposal_handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "submitted_at"], name="checkin_queue")]
        constraints = [
            models.UniqueConstraint(fields=["session", "kind"], name="check_in_once_per_session")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.session}"

    @property
    def short_kind(self) -> str:
        """ "Fade check-in" or "Final check-in", without the explanation in brackets."""
        return self.get_kind_display().split(" (")[0]
