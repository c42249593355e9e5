"""Roles are groups with permissions, created by migrations; role changes move groups."""

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from accounts.models import Role, User
from accounts.roles import ROLE_GROUP_NAMES
from accounts.services import user_create, user_set_role

pytestmark = pytest.mark.django_db


def test_migrations_create_a_group_per_role_with_its_permissions():
    groups = {g.name: g for g in Group.objects.prefetch_related("permissions")}
    assert set(ROLE_GROUP_NAMES.values()) <= set(groups)

    def codes(role):
        return {p.codename for p in groups[ROLE_GROUP_NAMES[role]].permissions.all()}

    assert {"view_client", "add_client", "change_client", "delete_client"} <= codes(Role.MANAGER)
    assert {"view_user", "change_user"} <= codes(Role.MANAGER)
    assert {"view_client", "add_client", "change_client"} == codes(Role.FRONT_DESK)
    assert codes(Role.ARTIST) == {"view_client"}
    assert codes(Role.CLIENT) == set()


def test_a_role_change_moves_the_group_and_admin_access():
    user = user_create(email="sam@clinic.test", role=Role.ARTIST)
    assert not user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == ["SMP artist"]

    user_set_role(user=user, role=Role.MANAGER)
    user.refresh_from_db()
    assert user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == ["Manager"]
    assert user.has_perm("clients.delete_client")

    user_set_role(user=user, role=Role.FRONT_DESK)
    user = User.objects.get(pk=user.pk)  # permissions are cached per instance
    assert not user.is_staff
    assert not user.has_perm("clients.delete_client")
    assert user.has_perm("clients.add_client")


def test_two_accounts_cannot_share_an_email_in_any_case():
    user_create(email="sam@clinic.test", role=Role.ARTIST)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="SAM@clinic.test")
