"""The private link that offers a client a freed time: signed, carrying only the offer's id.
It opens the offer for as long as the offer exists; the offer itself says whether the time
can still be taken."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from reminders.wording import site_url

from .models import Offer

SALT = "waitlist.offer"


class OfferLinkInvalid(Exception):
    """The link was altered or names no offer."""


def claim_token(offer: Offer) -> str:
    return signing.dumps(offer.pk, salt=SALT)


def claim_url(offer: Offer) -> str:
    return site_url(reverse("waitlist_offer:claim", args=[claim_token(offer)]))


def offer_from_token(token: str) -> Offer:
    try:
        pk = signing.loads(token, salt=SALT)
    except signing.BadSignature as error:
        raise OfferLinkInvalid("The link has been altered or is incomplete.") from error
    if not isinstance(pk, int):
        raise OfferLinkInvalid("The link does not name an offer.")
    offer = (
        Offer.objects.select_related(
            "freed__artist", "entry__client", "entry__appointment_type", "freed__booked"
        )
        .filter(pk=pk)
        .first()
    )
    if offer is None:
        raise OfferLinkInvalid("This offer no longer exists.")
    return offer
