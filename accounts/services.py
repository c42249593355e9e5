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
