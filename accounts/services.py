import logging
from datetime import datetime

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from smpclinic.cache import team_changed
from smpclinic.mail import SEND_ERRORS, send_error_words

from .models import STAFF_ROLES, MemberStatus, Role, User
from .roles import ROLE_GROUP_NAMES

logger = logging.getLogger(__name__)


@transaction.atomic
def user_set_role(*, user: User, role: Role | str) -> User:
    """Give a user a role: the matching group, and admin access for managers only."""
    role = Role(role)
    user.role = role
    user.is_staff = role == Role.MANAGER
    user.save(update_fields=["role", "is_staff"])
    groups = Group.objects.filter(name__in=ROLE_GROUP_NAMES.values())
    user.groups.remove(*groups)
    group, _created = Group.objects.get_or_create(name=ROLE_GROUP_NAMES[role])
    user.groups.add(group)
    team_changed()
    return user


@transaction.atomic
def user_create(
    *,
    email: str,
    role: Role | str,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
) -> User:
    """Create a person who can sign in, with their role's group."""
    user = User.objects.create_user(
        email=email, password=password, first_name=first_name, last_name=last_name
    )
    return user_set_role(user=user, role=role)


def user_sessions_end(*, user: User) -> int:
    """Sign someone out everywhere: delete every session that belongs to them.

    Sessions live in the database without a user column, so the ones still valid are
    read and matched; a clinic has a few hundred at most. Returns how many ended.
    """
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    mine = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(session_key__in=mine).delete()
    return len(mine)


@transaction.atomic
def user_deactivate(*, user: User, by: User | None = None, request=None) -> User:
    """Switch an account off: it can no longer sign in, and is signed out everywhere now."""
    from . import security_log

    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    # Also when already switched off by the caller (the admin's form saves is_active first).
    team_changed()
    ended = user_sessions_end(user=user)
    security_log.record(
        "user_deactivated",
        request=request,
        user=user,
        by_user_id=getattr(by, "pk", None) or "-",
        sessions_ended=ended,
    )
    return user


# --- The clinic's team: invitations, roles, switching people off and on ---------------


class InvitationNotSent(Exception):
    """The invitation is saved but its email could not be sent: send it again later."""

    def __init__(self, user: User, reason: str):
        super().__init__(reason)
        self.user = user
        self.reason = reason


def _only_staff_roles(role: Role | str) -> Role:
    if role not in STAFF_ROLES:
        raise ValidationError({"role": _("Choose manager, SMP artist or front desk.")})
    return Role(role)


def _keep_a_manager(user: User) -> None:
    """The clinic always keeps one active manager: they run the team and the settings.

    The active managers are locked first, so two managers taking each other away at
    the same moment cannot leave the clinic with none."""
    managers = list(
        User.objects.select_for_update()
        .filter(role=Role.MANAGER, is_active=True)
        .values_list("pk", flat=True)
    )
    if user.pk in managers and len(managers) == 1:
        raise ValidationError(
            _("%(member)s is the clinic's only active manager. Make someone else a manager first.")
            % {"member": user}
        )


def invitation_send(*, user: User, by: User | None, sent_at: datetime) -> None:
    """Email someone their invitation link. Raises InvitationNotSent when the mail
    server refuses or cannot be reached."""
    from .invitations import invitation_email

    try:
        invitation_email(user=user, by=by, sent_at=sent_at).send()
    except SEND_ERRORS as error:
        logger.warning("The invitation to user %s could not be sent: %s", user.pk, error)
        raise InvitationNotSent(user, send_error_words(error)) from error


def team_member_invite(
    *,
    email: str,
    role: Role | str,
    first_name: str = "",
    last_name: str = "",
    by: User,
    now: datetime | None = None,
) -> User:
    """Invite someone to the team by email.

    Their account exists from now, with their role, but is switched off and has no
    password until they choose one from the link (so nobody can sign in as them, and
    an artist is not offered to clients before they have joined). Raises
    ValidationError (nothing created) for an email already in use, and
    InvitationNotSent (the invitation is kept: send it again) when the email fails.
    """
    from . import security_log

    now = now or timezone.now()
    role = _only_staff_roles(role)
    email = (email or "").strip().lower()
    taken = ValidationError({"email": _("Someone with this email already has an account here.")})
    if User.objects.filter(email__iexact=email).exists():
        raise taken
    try:
        with transaction.atomic():
            user = user_create(
                email=email,
                role=role,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                password=None,
            )
            user.is_active = False
            user.invited_at = now
            user.save(update_fields=["is_active", "invited_at"])
    except IntegrityError as error:
        # The same email invited by someone else at this very moment.
        raise taken from error
    security_log.record("team_member_invited", user=user, by_user_id=by.pk, role=role.value)
    invitation_send(user=user, by=by, sent_at=now)
    return user


def _invited(user: User) -> None:
    if user.member_status != MemberStatus.INVITED:
        raise ValidationError(
            _("%(member)s has no invitation waiting: they have joined already.") % {"member": user}
        )


def team_invitation_resend(*, user: User, by: User, now: datetime | None = None) -> User:
    """A new invitation link; the earlier ones stop working (see accounts.invitations)."""
    now = now or timezone.now()
    with transaction.atomic():
        _invited(user)
        user.set_unusable_password()
        user.invited_at = now
        user.save(update_fields=["password", "invited_at"])
    invitation_send(user=user, by=by, sent_at=now)
    return user


@transaction.atomic
def team_invitation_cancel(*, user: User, by: User) -> None:
    """Withdraw an invitation: the account, which was never used, goes, and the email
    can be invited again."""
    from . import security_log

    _invited(user)
    try:
        with transaction.atomic():
            user.delete()
    except (ProtectedError, RestrictedError) as error:
        raise ValidationError(
            _("%(member)s already has records in the clinic's history: deactivate them instead.")
            % {"member": user}
        ) from error
    security_log.record(
        "team_invitation_cancelled", user=None, by_user_id=by.pk, email_cancelled=user.email
    )


@transaction.atomic
def invitation_accept(*, user: User, password: str, request=None) -> User:
    """The invited person has chosen their password (already checked by the password
    validators): their account is switched on."""
    from . import security_log

    _invited(user)
    user.set_password(password)
    user.is_active = True
    user.invited_at = None
    user.save(update_fields=["password", "is_active", "invited_at"])
    team_changed()
    security_log.record("invitation_accepted", request=request, user=user)
    return user


@transaction.atomic
def team_role_change(*, user: User, role: Role | str, by: User, request=None) -> User:
    """Give a member of staff another staff role (the clinic keeps one active manager)."""
    from . import security_log

    role = _only_staff_roles(role)
    if not user.is_clinic_staff:
        raise ValidationError(_("Only members of staff have a role in the team."))
    if user.role == role:
        return user
    if user.role == Role.MANAGER:
        _keep_a_manager(user)
    before = user.role
    user_set_role(user=user, role=role)
    security_log.record(
        "role_changed", request=request, user=user, by_user_id=by.pk, before=before, after=role
    )
    return user


@transaction.atomic
def team_member_deactivate(*, user: User, by: User, request=None) -> User:
    """Switch a member of staff off: signed out everywhere at once; their history stays."""
    if user.pk == by.pk:
        raise ValidationError(_("You cannot deactivate yourself: ask another manager."))
    if user.member_status == MemberStatus.INVITED:
        raise ValidationError(
            _("%(member)s has not joined yet: cancel the invitation instead.") % {"member": user}
        )
    if user.role == Role.MANAGER:
        _keep_a_manager(user)
    return user_deactivate(user=user, by=by, request=request)


@transaction.atomic
def team_member_reactivate(*, user: User, by: User, request=None) -> User:
    """Switch a deactivated member of staff back on, with the role and password they had."""
    from . import security_log

    if user.member_status != MemberStatus.DEACTIVATED:
        raise ValidationError(_("%(member)s is not deactivated.") % {"member": user})
    user.is_active = True
    user.save(update_fields=["is_active"])
    team_changed()
    security_log.record("user_reactivated", request=request, user=user, by_user_id=by.pk)
    return user
