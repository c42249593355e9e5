from django.conf import settings
from django.db import models
from django.utils import timezone


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
