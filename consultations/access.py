"""Fetching consultations, signed consent and hairline designs for the person asking
(the policy: accounts/access.py)."""

from django.db.models import BigIntegerField
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Role, User
from smpclinic.prepared import Param, PreparedQuery

from .models import ConsentSignature, Consultation, HairlineDesign
from .selectors import client_latest_consultation


def get_consultation_for_user(user: User, pk: int) -> Consultation:
    """Any consultation for clinic staff, a client's own for that client, else 404.

    What every consultation page shows comes with it: the client, the appointment and the
    artist. Each further table joined costs PostgreSQL more time to plan the query than to
    run it, so the reviewer and the plan, which only a reviewed or decided consultation
    has, are read when there is one."""
    found = None
    if user.is_authenticated and user.is_clinic_staff:
        found = _CONSULTATION.first(pk=pk)
    elif user.is_authenticated and user.role == Role.CLIENT:
        found = _CLIENTS_OWN_CONSULTATION.first(pk=pk, user=user.pk)
    if found is None:
        raise Http404
    return found


def _consultation():
    return Consultation.objects.select_related("client", "artist", "appointment").filter(
        pk=Param("pk", BigIntegerField())
    )


_CONSULTATION = PreparedQuery(_consultation)
_CLIENTS_OWN_CONSULTATION = PreparedQuery(
    lambda: _consultation().filter(client__user_id=Param("user", BigIntegerField()))
)


def get_signature_for_user(user: User, pk: int) -> ConsentSignature:
    """Any signed consent for clinic staff, a client's own for that client, else 404."""
    signatures = ConsentSignature.objects.select_related("version__template", "client")
    if not user.is_authenticated:
        raise Http404
    if user.is_clinic_staff:
        return get_object_or_404(signatures, pk=pk)
    if user.role == Role.CLIENT:
        return get_object_or_404(signatures, pk=pk, client__user=user)
    raise Http404


def get_hairline_design_for_user(user: User, pk: int) -> HairlineDesign:
    """A hairline design: any for clinic staff; for a client, one of their latest
    consultation (the one the portal shows); else 404."""
    designs = HairlineDesign.objects.select_related("photo", "consultation__client")
    if not user.is_authenticated:
        raise Http404
    if user.is_clinic_staff:
        return get_object_or_404(designs, pk=pk)
    client = getattr(user, "client_record", None) if user.role == Role.CLIENT else None
    consultation = client_latest_consultation(client)
    if consultation is None:
        raise Http404("No consultation.")
    return get_object_or_404(designs, pk=pk, consultation=consultation)
