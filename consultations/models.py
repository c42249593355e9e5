"""The consultation and what it leaves behind.

- The health questionnaire is versioned: `QuestionnaireVersion` holds its
  `Question`s; once a version has been answered it never changes (editing makes
  a new version), and every `Answer` also keeps the exact wording it answered.
- Consent is versioned the same way: a `ConsentVersion` that has been signed
  never changes; a `ConsentSignature` keeps the text shown and its SHA-256.
- The `Consultation` record: mode, expectations, scalp assessment, questions,
  pigment, review of contraindications, estimate and outcome; with its
  `PatchTest`s and `HairlineDesign` versions.

Every rule lives in consultations.services (and consultations.rules for the
gates other apps ask about).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sessions_app.models import PLAN_SESSIONS
from smpclinic import formats
from smpclinic.encryption import EncryptedTextField
from smpclinic.models import ChoiceLabels, SingleRowSettings
from smpclinic.scales import Scale, roman


class ConsultationSettings(SingleRowSettings):
    """The clinic's consultation rules; one row, edited by the manager in the admin."""

    patch_test_read_hours = models.PositiveSmallIntegerField(
        "read the patch test after (hours)",
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
        help_text="The first session cannot be booked earlier than this after the patch test.",
    )
    forms_link_days = models.PositiveSmallIntegerField(
        "forms link valid for (days)",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="How long the private link to the questionnaire and consent forms works.",
    )
    currency = models.CharField(
        "default currency", max_length=3, default="GBP", help_text="ISO code, e.g. GBP, EUR, USD."
    )
    default_price_per_session = models.DecimalField(
        max_digits=8, decimal_places=2, default=Decimal("400.00")
    )
    default_deposit = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("100.00"))

    class Meta:
        verbose_name = "consultation settings"
        verbose_name_plural = "consultation settings"

    def __str__(self):
        return "Consultation settings"


# --- health questionnaire -----------------------------------------------------------------


class QuestionnaireVersion(models.Model):
    """One version of the clinic's health questionnaire. The newest published one is current."""

    number = models.PositiveIntegerField(unique=True)
    published_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField("what changed", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]

    def __str__(self):
        return f"Health questionnaire v{self.number}"

    @property
    def is_answered(self) -> bool:
        return self.pk is not None and self.responses.exists()

    def check_editable(self) -> None:
        """Refuse any change to this version (or its questions) once a client has answered it."""
        if self.is_answered:
            raise ValidationError(
                f"Clients have answered version {self.number} of the questionnaire, so it "
                "cannot change. Use “Copy as a new draft version”, edit the copy and publish it."
            )


class QuestionKind(models.TextChoices):
    YES_NO = "yes_no", _("Yes / no")
    TEXT = "text", _("Free text")


class Question(models.Model):
    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, related_name="questions"
    )
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    help_text = models.CharField(max_length=300, blank=True)
    kind = models.CharField(
        max_length=10, choices=QuestionKind.choices, default=QuestionKind.YES_NO
    )
    required = models.BooleanField(default=True)
    contraindication = models.BooleanField(
        "a yes needs practitioner review",
        default=False,
        help_text="A 'yes' flags the consultation: no session can be booked until an artist "
        "signs it off.",
    )
    ask_details = models.BooleanField(
        "ask for details after a yes", default=False, help_text="Shows 'Please tell us more'."
    )

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="question_position_unique")
        ]

    def __str__(self):
        return self.text

    def save(self, *args, **kwargs):
        self.version.check_editable()  # an answered version never changes
        super().save(*args, **kwargs)


class QuestionTranslation(models.Model):
    """A question's wording in another language, as clients of that language read it.

    Answers keep the wording shown, so changing a translation never rewrites an answer;
    once a client has answered the version in this language, it never changes (like the
    version itself): copy the version as a new draft instead.
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=10, choices=settings.LANGUAGES)
    text = models.CharField(max_length=300)
    help_text = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["question", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "language"], name="question_one_translation_per_language"
            )
        ]

    def __str__(self):
        return f"{self.text} ({self.get_language_display()})"

    def save(self, *args, **kwargs):
        if (
            self.pk
            and QuestionnaireResponse.objects.filter(
                version_id=self.question.version_id, language=self.language
            ).exists()
        ):
            raise ValidationError(
                "Clients have answered this question in this language, so its wording cannot "
                "change. Copy the questionnaire as a new draft version and edit that instead."
            )
        super().save(*args, **kwargs)


class FormChannel(models.TextChoices):
    ONLINE = "online", "Online, from the private link"
    CLINIC = "clinic", "At the clinic, on the tablet"
    PORTAL = "portal", "In the client portal"


class QuestionnaireResponse(models.Model):
    """One completed questionnaire. Answers keep the version and wording they answered."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="questionnaire_responses"
    )
    consultation = models.ForeignKey(
        "Consultation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questionnaire_responses",
    )
    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, related_name="responses"
    )
    flagged = models.BooleanField(
        "has contraindications", default=False, help_text="At least one answer needs review."
    )
    channel = models.CharField(max_length=10, choices=FormChannel.choices)
    # The language the questions were shown in (empty: the clinic's own wording).
    language = models.CharField(max_length=10, blank=True, default="")
    submitted_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["client", "-submitted_at"], name="qresponse_client")]

    def __str__(self):
        when = formats.show(formats.local(self.submitted_at), "DATE_MEDIUM_FORMAT")
        return f"Questionnaire of {self.client} ({when})"


class Answer(models.Model):
    response = models.ForeignKey(
        QuestionnaireResponse, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    # The wording as the client read it, kept with the answer.
    question_text = models.CharField(max_length=300)
    yes = models.BooleanField(null=True, blank=True)
    text = EncryptedTextField(blank=True)
    details = EncryptedTextField(blank=True)
    flags_contraindication = models.BooleanField(default=False)

    class Meta:
        ordering = ["response", "question__position"]
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_once")]

    def __str__(self):
        return f"{self.question_text}: {self.display}"

    @property
    def display(self) -> str:
        if self.yes is not None:
            return "Yes" if self.yes else "No"
        return self.text


# --- consent ------------------------------------------------------------------------------


class ConsentTemplate(models.Model):
    """A consent form the clinic asks for (e.g. treatment consent, photography consent)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=150)
    is_active = models.BooleanField(
        default=True, help_text="Active forms must be signed before a session can start."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class ConsentVersion(models.Model):
    """The text of a consent form. Once signed it never changes; a change is a new version."""

    template = models.ForeignKey(ConsentTemplate, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="The explanation the client reads before the statements.")
    # A list of statements; the client ticks each one.
    statements = models.JSONField(default=list)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="The newest published version is the one clients sign."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="consent_version_unique")
        ]

    def __str__(self):
        return f"{self.title} v{self.number}"

    def save(self, *args, **kwargs):
        self.check_editable()  # signed text never changes; publishing still may
        super().save(*args, **kwargs)

    # What a signature keeps: the text the client was shown.
    TEXT_FIELDS = ("title", "body", "statements")

    @property
    def is_signed(self) -> bool:
        return self.pk is not None and self.signatures.exists()

    def check_editable(self) -> None:
        """Refuse a change to the text of a version someone has signed (ValidationError)."""
        if self.pk is None:
            return
        stored = type(self).objects.filter(pk=self.pk).values(*self.TEXT_FIELDS).first()
        if stored is None:
            return
        changed = [field for field in self.TEXT_FIELDS if stored[field] != getattr(self, field)]
        if changed and self.is_signed:
            raise ValidationError(
                f"Version {self.number} of “{self.template.name}” has been signed, so its "
                "text cannot change. Copy it as a new draft version and publish that instead."
            )


class ConsentVersionTranslation(models.Model):
    """A consent version's text in another language, with the same statements in order.

    A client whose language has one reads and signs it; the signature keeps the exact text
    and the language. Once someone has signed it in that language it never changes.
    """

    version = models.ForeignKey(
        ConsentVersion, on_delete=models.PROTECT, related_name="translations"
    )
    language = models.CharField(max_length=10, choices=settings.LANGUAGES)
    title = models.CharField(max_length=200)
    body = models.TextField()
    statements = models.JSONField(default=list)

    class Meta:
        ordering = ["version", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "language"], name="consent_one_translation_per_language"
            )
        ]

    def __str__(self):
        return f"{self.version} ({self.get_language_display()})"

    def save(self, *args, **kwargs):
        if (
            self.pk
            and ConsentSignature.objects.filter(
                version_id=self.version_id, language=self.language
            ).exists()
        ):
            raise ValidationError(
                "This translation has been signed: its text cannot change. "
                "Publish a new version of the form instead."
            )
        super().save(*args, **kwargs)


class ConsentSignature(models.Model):
    """A client's signature of one consent version, with exactly what they were shown."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="consent_signatures"
    )
    version = models.ForeignKey(ConsentVersion, on_delete=models.PROTECT, related_name="signatures")
    consultation = models.ForeignKey(
        "Consultation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consent_signatures",
    )
    typed_name = models.CharField(max_length=200)
    # The language of the text shown (empty: the clinic's own wording).
    language = models.CharField(max_length=10, blank=True, default="")
    text_shown = models.TextField()
    text_sha256 = models.CharField(max_length=64)
    channel = models.CharField(max_length=10, choices=FormChannel.choices)
    signed_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-signed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "version"], name="consent_signed_once")
        ]

    def __str__(self):
        return f"{self.version} signed by {self.typed_name}"


# --- the consultation ---------------------------------------------------------------------


class ConsultationMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video call")


class LookWanted(models.TextChoices):
    BUZZ_CUT = "buzz_cut", _("Buzz-cut look (full head)")
    DENSITY = "density", _("Added density for thinning hair")
    SCAR = "scar", _("Scar camouflage")
    OTHER = "other", _("Other")


NORWOOD_STAGES = Scale(1, 7, "The Norwood stage is from {low} to {high}.")
LUDWIG_STAGES = Scale(1, 3, "The Ludwig stage is from {low_roman} to {high_roman}.")
FITZPATRICK_TYPES = Scale(1, 6, "The Fitzpatrick skin type is from {low_roman} to {high_roman}.")
# The estimate becomes the plan's number of sessions, so it is the plan's scale.
ESTIMATED_SESSIONS = PLAN_SESSIONS.worded("Estimate between {low} and {high} sessions.")


class HairLossScale(models.TextChoices):
    NORWOOD = "norwood", f"Norwood ({NORWOOD_STAGES.low}–{NORWOOD_STAGES.high})"
    LUDWIG = "ludwig", f"Ludwig ({roman(LUDWIG_STAGES.low)}–{roman(LUDWIG_STAGES.high)})"


def clinic_currency() -> str:
    """New estimates are in the clinic's one currency."""
    return settings.CLINIC_CURRENCY


class Oiliness(models.TextChoices):
    DRY = "dry", _("Dry")
    NORMAL = "normal", _("Normal")
    OILY = "oily", _("Oily")


class Greys(models.TextChoices):
    NONE = "none", _("None")
    SOME = "some", _("Some")
    MOSTLY = "mostly", _("Mostly grey")


class PricingMode(models.TextChoices):
    PER_SESSION = "per_session", _("Price per session")
    PACKAGE = "package", _("Package price")


class Outcome(models.TextChoices):
    PENDING = "pending", _("Not decided yet")
    PROCEED = "proceed", _("Proceed")
    THINKING = "thinking", _("Wants to think about it")
    NOT_SUITABLE = "not_suitable", _("Not suitable")


class Consultation(ChoiceLabels, models.Model):
    """The artist's record of one consultation, and the plan it leads to."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="consultations"
    )
    appointment = models.OneToOneField(
        "scheduling.Appointment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultation",
    )
    artist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        limit_choices_to={"role": "artist"},
    )
    mode = models.CharField(
        max_length=10, choices=ConsultationMode.choices, default=ConsultationMode.IN_PERSON
    )
    video_link = models.URLField("video call link", blank=True)

    # Expectations
    look_wanted = models.CharField(max_length=20, choices=LookWanted.choices, blank=True)
    expectations = EncryptedTextField("what the client hopes for", blank=True)
    agreed_realistic = models.TextField("what we agreed is realistic", blank=True)

    # Scalp assessment
    hair_loss_scale = models.CharField(max_length=10, choices=HairLossScale.choices, blank=True)
    norwood_stage = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=NORWOOD_STAGES.validators()
    )
    ludwig_stage = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=LUDWIG_STAGES.validators()
    )
    fitzpatrick = models.PositiveSmallIntegerField(
        "skin type (Fitzpatrick)",
        null=True,
        blank=True,
        validators=FITZPATRICK_TYPES.validators(),
    )
    oiliness = models.CharField(max_length=10, choices=Oiliness.choices, blank=True)
    scars = EncryptedTextField("scars and where", blank=True)
    natural_hair_colour = models.CharField(max_length=100, blank=True)
    greys = models.CharField(max_length=10, choices=Greys.choices, blank=True)

    client_questions = EncryptedTextField("questions asked and the answers given", blank=True)
    process_explained = models.BooleanField(
        "process explained (sessions, healing, fading, aftercare)", default=False
    )

    # Pigment
    pigment_brand = models.CharField(max_length=100, blank=True)
    pigment_shade = models.CharField(max_length=100, blank=True)
    pigment_dilution = models.CharField(max_length=50, blank=True)

    # Practitioner review of contraindications
    review_required = models.BooleanField("needs practitioner review", default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = EncryptedTextField(blank=True)

    # Cost estimate
    estimated_sessions = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=ESTIMATED_SESSIONS.validators()
    )
    pricing_mode = models.CharField(
        max_length=20, choices=PricingMode.choices, default=PricingMode.PER_SESSION
    )
    price_per_session = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    package_price = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    deposit = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    # Why the price differs from the clinic's price list, when it does.
    price_change_reason = models.CharField(max_length=300, blank=True)
    currency = models.CharField(max_length=3, default=clinic_currency)
    estimate_sent_at = models.DateTimeField(null=True, blank=True)

    # Outcome
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_reason = models.TextField(blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    plan = models.OneToOneField(
        "sessions_app.TreatmentPlan",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultation",
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client", "-created_at"], name="consultation_client")]
        constraints = [
            ESTIMATED_SESSIONS.constraint(
                "estimated_sessions", name="consultation_estimate_2_to_5_sessions", optional=True
            ),
            NORWOOD_STAGES.constraint(
                "norwood_stage", name="consultation_norwood_1_to_7", optional=True
            ),
            LUDWIG_STAGES.constraint(
                "ludwig_stage", name="consultation_ludwig_1_to_3", optional=True
            ),
            FITZPATRICK_TYPES.constraint(
                "fitzpatrick", name="consultation_fitzpatrick_1_to_6", optional=True
            ),
            models.CheckConstraint(
                condition=(Q(price_per_session__isnull=True) | Q(price_per_session__gte=0))
                & (Q(package_price__isnull=True) | Q(package_price__gte=0))
                & (Q(deposit__isnull=True) | Q(deposit__gte=0)),
                name="consultation_prices_not_negative",
                violation_error_message="Prices cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"Consultation with {self.client}"

    def get_absolute_url(self):
        return reverse("consultations:detail", args=[self.pk])

    @property
    def what_happened(self) -> str:
        """ "Cancelled" or "Did not come" when the appointment did not take place, else ""
        (read with the appointment loaded)."""
        from scheduling.models import AppointmentStatus

        appointment = self.appointment
        if appointment is None:
            return ""
        if appointment.status == AppointmentStatus.CANCELLED:
            return "Cancelled"
        if appointment.status == AppointmentStatus.NO_SHOW:
            return "Did not come"
        return ""

    @property
    def what_happened_note(self) -> str:
        """What the record says when the consultation did not take place."""
        happened = self.what_happened
        if not happened:
            return ""
        if happened == "Cancelled":
            reason = self.appointment.cancellation_reason.strip()
            said = (
                f"This consultation's appointment was cancelled{f' ({reason})' if reason else ''}."
            )
        else:
            said = "The client did not come to this consultation."
        return f"{said} Book a new consultation from the diary; what was recorded here is kept."


class PatchReading(models.TextChoices):
    PENDING = "pending", _("Not read yet")
    NO_REACTION = "no_reaction", _("No reaction")
    REACTION = "reaction", _("Reaction")


class PatchTest(ChoiceLabels, models.Model):
    """A pigment tested on the skin; the first session waits for a clean reading."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="patch_tests"
    )
    pigment = models.CharField(max_length=200)
    applied_at = models.DateTimeField()
    site = models.CharField("where on the skin", max_length=100)
    read_after = models.DateTimeField("read it from")
    reading = models.CharField(
        max_length=20, choices=PatchReading.choices, default=PatchReading.PENDING
    )
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["consultation", "-applied_at", "-id"]

    def __str__(self):
        return f"Patch test {self.pigment} ({self.get_reading_display()})"


class HairlineStyle(models.TextChoices):
    SOFT = "soft", _("Soft / natural")
    DEFINED = "defined", _("Defined")
    BROKEN = "broken", _("Broken / aged")


class HairlineDesign(ChoiceLabels, models.Model):
    """One drawing of the new hairline; redrawing makes a new version. The client approves one."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="hairline_designs"
    )
    version = models.PositiveSmallIntegerField()
    style = models.CharField(max_length=10, choices=HairlineStyle.choices)
    notes = models.TextField(blank=True)
    photo = models.ForeignKey(
        "photos.Photo", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_via = models.CharField(max_length=10, choices=FormChannel.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["consultation", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "version"], name="hairline_version")
        ]

    def __str__(self):
        return f"Hairline v{self.version} ({self.get_style_display()})"


class ReferencePhoto(models.Model):
    """A picture the client brought to show the look they want (through the photo pipeline)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="reference_photos"
    )
    photo = models.ForeignKey("photos.Photo", on_delete=models.CASCADE, related_name="+")
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["consultation", "id"]

    def __str__(self):
        return self.note or f"Reference picture {self.photo_id}"
