"""Fetching a client record for the person asking (the policy: accounts/access.py)."""

from django.db.models import BigIntegerField
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Role, User
from smpclinic.prepared import Param, PreparedQuery

from .models import Client

_CLIENT = PreparedQuery(
    lambda: Client.objects.select_related("created_by", "user").filter(
        pk=Param("pk", BigIntegerField())
    )
)


def get_client_for_user(user: User, pk: int) -> Client:
    """Any client record for clinic staff; nobody else reaches one by id (404)."""
    if not user.is_authenticated or not user.is_clinic_staff:
        raise Http404
    client = _CLIENT.first(pk=pk)
    if client is None:
        raise Http404
    return client


def get_own_client_for_user(user: User) -> Client:
    """The signed-in client's own record; anyone else finds nothing here (404)."""
    if not user.is_authenticated or user.role != Role.CLIENT:
        raise Http404
    return get_object_or_404(Client, user=user)


_CLIENT_OF_USER = PreparedQuery(
    lambda: Client.objects.filter(user_id=Param("user", BigIntegerField()))
)


def client_of_user(user: User) -> Client | None:
    """The client record a sign-in is linked to, if any (a prepared query: every portal
    page asks it first); the user then knows it as `client_record` too."""
    client = _CLIENT_OF_USER.first(user=user.pk)
    if client is not None:
        user.client_record = client
    return client
