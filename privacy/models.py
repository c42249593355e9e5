"""A client's data rights: the clinic's retention period and requests for erasure.

Export needs no rows of its own (privacy.export builds the file on request).
An `ErasureRequest` is made by the client from their "My data" page and
confirmed (or declined) by a manager; confirming runs privacy.erasure.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from smpclinic.models import SingleRowSettings


class PrivacySettings(SingleRowSettings):
    """How long the clinic keeps health records; one row, edited by the manager in the admin."""

    retention_years = models.PositiveSmallIntegerField(
        "keep health records for (years)",
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="Signed consent, consultation records, questionnaire answers and treatment "
        "records are kept this long after their date, even when a client asks for erasure.",
    )

    class Meta:
        verbose_name = "privacy settings"
        verbose_name_plural = "privacy settings"

    def __str__(self):
        return "Privacy settings"


class ErasureStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for the clinic")
    # "erasure request": Spanish agrees the word with "solicitud".
    CONFIRMED = "confirmed", pgettext_lazy("erasure request", "Confirmed")
    DONE = "done", pgettext_lazy("erasure request", "Done")
    DECLINED = "declined", pgettext_lazy("erasure request", "Declined")


class ErasureRequest(models.Model):
    """A client's request to erase their data, and what erasing it did."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="erasure_requests"
    )
    reason = models.TextField(_("why (optional)"), blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=20, choices=ErasureStatus.choices, default=ErasureStatus.REQUESTED
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    # What was deleted, anonymised and kept (see privacy.erasure.ErasureSummary).
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "-requested_at"], name="erasure_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(status="requested"),
                name="erasure_one_open_request",
                violation_error_message=_("This client already has a request waiting."),
            )
        ]

    def __str__(self):
        return f"Erasure request #{self.pk} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("privacy:request_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == ErasureStatus.REQUESTED
