"""Values derived from a client's consultations, read by the portal and the access checks."""

from __future__ import annotations

from clients.models import Client

from .models import Consultation


def client_latest_consultation(client: Client | None) -> Consultation | None:
    """The consultation a client's forms and hairline are about: their latest."""
    if client is None:
        return None
    return (
        Consultation.objects.filter(client=client)
        .select_related("client")
        .order_by("-created_at", "-id")
        .first()
    )
