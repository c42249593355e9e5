from django.contrib.auth.models import Group
from django.db import transaction

from .models import Role, User
from .roles import ROLE_GROUP_NAMES


@transaction.atomic
def user_set_role(*, user: User, role: Role | str) -> User:
    """Give a user a role: the matching group, and admin access for managers only."""
    role = Role(role)
    user.role = role
    user.is_staff = role == Role.MANAGER
    user.save(update_fields=["role", "is_staff"])
    groups = Group.objects.filter(name__in=ROLE_GROUP_NAMES.values())
    user.groups.remove(*groups)
    group, _ = Group.objects.get_or_create(name=ROLE_GROUP_NAMES[role])
    user.groups.add(group)
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
    ended = user_sessions_end(user=user)
    security_log.record(
        "user_deactivated",
        request=request,
        user=user,
        by_user_id=getattr(by, "pk", None) or "-",
        sessions_ended=ended,
    )
    return user
