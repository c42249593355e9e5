from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smpclinic.models import SingleRowSettings


class Role(models.TextChoices):
    MANAGER = "manager", _("Manager")
    ARTIST = "artist", _("SMP artist")
    FRONT_DESK = "front_desk", _("Front desk")
    CLIENT = "client", _("Client")


STAFF_ROLES = frozenset({Role.MANAGER, Role.ARTIST, Role.FRONT_DESK})
# Who may create and edit client records (artists read them).
CLIENT_EDITOR_ROLES = frozenset({Role.MANAGER, Role.FRONT_DESK})


class MemberStatus(models.TextChoices):
    """Where a member of staff stands, as the team page shows it."""

    ACTIVE = "active", _("Active")
    INVITED = "invited", _("Invited")
    DEACTIVATED = "deactivated", _("Deactivated")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        # People type their email with whatever capitals they like; it is stored
        # lower-cased, so this is one lookup on the unique index.
        return self.get(email=(username or "").strip().lower())

    def create_user(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=email.strip().lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.MANAGER)
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Everyone who signs in: staff of every role and clients.

    `role` says which screens a person uses; the matching group carries the
    model permissions the Django admin checks. `is_staff` is Django's flag for
    the admin and is only ever set for managers.
    """

    email = models.EmailField("email address", unique=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CLIENT)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        "admin access",
        default=False,
        help_text="Can open the settings admin. Only managers have it.",
    )
    language = models.CharField(
        "language",
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        default="",
        help_text="The language of your screens. Empty: the clinic's language.",
    )
    date_joined = models.DateTimeField(default=timezone.now)
    invited_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the latest invitation to join was sent. Empty once they have "
        "chosen their password (and for everyone added another way).",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["first_name", "last_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    @property
    def is_clinic_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def can_edit_clients(self) -> bool:
        return self.role in CLIENT_EDITOR_ROLES

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def member_status(self) -> MemberStatus:
        """Invited (switched off until they choose a password), active or deactivated."""
        if self.is_active:
            return MemberStatus.ACTIVE
        if self.invited_at is not None:
            return MemberStatus.INVITED
        return MemberStatus.DEACTIVATED


class SecurityPolicy(SingleRowSettings):
    """Clinic-wide sign-in rules, one row, edited by the manager in settings."""

    require_staff_two_factor = models.BooleanField(
        "require two-factor sign-in for all staff",
        default=False,
        help_text=(
            "Staff without an authenticator app are asked to set one up right after "
            "their password, and can open nothing else until they have. Applies from "
            "each person's next sign-in, and at once to the manager who switches it on "
            "without an app of their own. Clients are never asked."
        ),
    )
    allow_trusted_browsers = models.BooleanField(
        "let staff trust a browser for 30 days",
        default=True,
        help_text=(
            'At the code step staff may tick "Trust this browser for 30 days": signing in '
            "again on that browser then needs only the password. A changed password or a "
            "reset of their two-factor sign-in ends the trust. Switch off to ask for a "
            "code at every sign-in; browsers trusted earlier are then asked again too."
        ),
    )

    class Meta:
        verbose_name = "sign-in security"
        verbose_name_plural = "sign-in security"

    def __str__(self):
        return "Sign-in security"
