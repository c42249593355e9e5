from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from smpclinic.models import SingleRowSettings


class PortalSettings(SingleRowSettings):
    """How the portal lets clients change their own appointments; one row, edited by the
    manager in the admin."""

    change_notice_hours = models.PositiveSmallIntegerField(
        "clients can move or cancel up to (hours before)",
        default=48,
        validators=[MaxValueValidator(24 * 30)],
        help_text="Closer to the appointment than this, the portal asks the client to call.",
    )

    class Meta:
        verbose_name = "client portal settings"
        verbose_name_plural = "client portal settings"

    def __str__(self):
        return "Client portal settings"


class LoginLink(models.Model):
    """A one-time sign-in link emailed to a client.

    Only the SHA-256 of the token is stored: a copy of the database does not hold
    working links. The sign-in user is set when the link is used (a client without a
    sign-in gets one then, not when someone merely types their address).
    """

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="login_links"
    )
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who signed in with it.",
    )

    class Meta:
        indexes = [models.Index(fields=["client", "-created_at"], name="loginlink_client")]

    def __str__(self):
        return f"Sign-in link for {self.client} ({self.created_at:%Y-%m-%d %H:%M})"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.used_at is None and now < self.expires_at
