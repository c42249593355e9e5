from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from smpclinic.encryption import EncryptedTextField
from smpclinic.models import ChoiceLabels

from .search import search_text_for


class ContactChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class ReferralSource(models.TextChoices):
    SEARCH = "search", _("Search engine")
    SOCIAL = "social", _("Social media")
    FRIEND = "friend", _("Friend or family")
    REFERRAL = "referral", _("Doctor or another clinic")
    ADVERT = "advert", _("Advert")
    WALK_IN = "walk_in", _("Walked past the clinic")
    OTHER = "other", _("Other")


class Client(ChoiceLabels, models.Model):
    """A person the clinic treats or has talked to.

    A client may or may not have a sign-in (`user`); the record exists either
    way, from the first phone call on.
    """

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    email = models.EmailField(blank=True)
    phone = PhoneNumberField(blank=True)
    preferred_channel = models.CharField(
        "preferred contact",
        max_length=10,
        choices=ContactChannel.choices,
        default=ContactChannel.EMAIL,
    )
    contact_consent = models.BooleanField(
        "agrees to be contacted",
        default=False,
        help_text="Reminders and follow-ups are only sent with this consent.",
    )
    language = models.CharField(
        "language",
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        default="",
        help_text="Their messages, forms, portal pages and receipts are in this language. "
        "Empty: the clinic's language.",
    )
    # Texts stop when the client replies STOP (the provider's own opt-out words) and start
    # again on START; the outbox sends them no text message meanwhile, whatever the kind.
    sms_opted_out = models.BooleanField(
        "stopped text messages",
        default=False,
        help_text="The client replied STOP: no text message goes to them until they reply START.",
    )
    sms_consent_changed_at = models.DateTimeField(
        "text messages stopped or allowed again at", null=True, blank=True
    )
    sms_consent_changed_how = models.CharField(
        "how texts were stopped or allowed again", max_length=200, blank=True
    )
    referral_source = models.CharField(
        "how they heard of us", max_length=20, choices=ReferralSource.choices, blank=True
    )
    notes = EncryptedTextField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="client_record",
    )
    # Lower-cased names, email and phone digits in one column, so a search is
    # one LIKE per typed word (backed by a trigram index on PostgreSQL).
    search_text = models.CharField(max_length=600, editable=False, default="")
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
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["last_name", "first_name", "id"], name="client_name_order"),
            models.Index(fields=["-created_at"], name="client_created"),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="client_email_unique",
                violation_error_message="Another client already has this email address.",
            ),
            models.UniqueConstraint(
                "phone",
                condition=~Q(phone=""),
                name="client_phone_unique",
                violation_error_message="Another client already has this phone number.",
            ),
            models.CheckConstraint(
                condition=~Q(email="") | ~Q(phone=""),
                name="client_has_email_or_phone",
                violation_error_message="Give an email address or a phone number.",
            ),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.search_text = search_text_for(
            first_name=self.first_name,
            last_name=self.last_name,
            email=self.email,
            phone=self.phone,
        )
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("clients:detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
