"""The client's offer page (their private link): see the time offered and take it."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from smpclinic.clinic import clinic_context

from . import services
from .models import FreedTime, OfferStatus
from .tokens import OfferLinkInvalid, offer_from_token


def _page(request, offer, *, appointment=None, refused=None, status=200):
    now = timezone.now()
    can_claim = (
        offer.status == OfferStatus.OFFERED
        and offer.freed.status == FreedTime.Status.OPEN
        and offer.expires_at > now
        and refused is None
    )
    return render(
        request,
        "waitlist/offer.html",
        {
            "offer": offer,
            "freed": offer.freed,
            "entry": offer.entry,
            "appointment": appointment
            or (offer.freed.booked if offer.status == OfferStatus.CLAIMED else None),
            "refused": refused,
            "can_claim": can_claim,
            "expired": offer.status == OfferStatus.EXPIRED
            or (offer.status == OfferStatus.OFFERED and offer.expires_at <= now),
            "gone": offer.status == OfferStatus.GONE
            or (
                offer.status == OfferStatus.OFFERED and offer.freed.status != FreedTime.Status.OPEN
            ),
            **clinic_context(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def claim(request, token: str):
    try:
        offer = offer_from_token(token)
    except OfferLinkInvalid as error:
        return render(
            request,
            "waitlist/offer_invalid.html",
            {"reason": str(error), **clinic_context()},
            status=404,
        )
    user = request.user
    if (
        user.is_authenticated
        and user.role == Role.CLIENT
        and offer.entry.client.user_id not in (None, user.pk)
    ):
        # Signed in as another client: the link was forwarded, or opened on a shared device.
        return render(
            request,
            "waitlist/offer_invalid.html",
            {"reason": "This offer was made to someone else.", **clinic_context()},
            status=404,
        )
    if request.method == "POST":
        try:
            appointment = services.claim(offer)
        except services.ClaimRefused as refused:
            offer.refresh_from_db()
            if refused.code == "claimed":  # asked twice: it is still theirs
                return _page(request, offer)
            status = 409 if refused.code == "gone" else 400
            return _page(request, offer, refused=refused, status=status)
        offer.refresh_from_db()
        return _page(request, offer, appointment=appointment)
    return _page(request, offer)
