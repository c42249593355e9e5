import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from smpclinic.models import ChoiceLabels

from .storage import private_photo_storage


def photo_storage():
    # Private: local disk outside any public URL, or an S3 bucket, by setting alone
    # (STORAGES["photos"], followed when it changes: photos/storage.py).
    return private_photo_storage


def photo_path(instance: "Photo", filename: str) -> str:
    # Random names: nothing about the client or the photo is in the path.
    return f"clients/{instance.client_id}/{uuid.uuid4().hex}{filename[filename.rfind('.') :]}"


class PhotoAngle(models.TextChoices):
    FRONT = "front", pgettext_lazy("photo angle", "Front")
    TOP = "top", pgettext_lazy("photo angle", "Top")
    CROWN = "crown", pgettext_lazy("photo angle", "Crown")
    LEFT = "left", pgettext_lazy("photo angle", "Left")
    RIGHT = "right", pgettext_lazy("photo angle", "Right")
    BACK = "back", pgettext_lazy("photo angle", "Back")
    HAIRLINE = "hairline", pgettext_lazy("photo angle", "Hairline close-up")


class PhotoStage(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    BEFORE_SESSION = "before_session", _("Before session")
    AFTER_SESSION = "after_session", _("After session")
    CHECK_IN = "check_in", _("Check-in")
    TOUCH_UP = "touch_up", _("Touch-up")
    REFERENCE = "reference", _("Reference picture (the look wanted)")


class Photo(ChoiceLabels, models.Model):
    """A client photo, stored as a web-sized copy and a thumbnail with no metadata."""

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="photos")
    session = models.ForeignKey(
        "sessions_app.TreatmentSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="photos",
        help_text="The session a before/after photo belongs to.",
    )
    angle = models.CharField(max_length=20, choices=PhotoAngle.choices)
    stage = models.CharField(max_length=20, choices=PhotoStage.choices)
    image = models.FileField(storage=photo_storage, upload_to=photo_path)
    thumbnail = models.FileField(storage=photo_storage, upload_to=photo_path)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    note = models.CharField(max_length=300, blank=True)
    shared_with_client = models.BooleanField("the client may see it", default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [
            models.Index(fields=["client", "angle", "uploaded_at"], name="photo_client_angle"),
            models.Index(fields=["session"], name="photo_session"),
        ]

    def __str__(self):
        return f"{self.get_angle_display()} photo of {self.client} ({self.get_stage_display()})"
