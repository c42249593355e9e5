"""The waitlist's message, declared here and registered with the outbox from
WaitlistConfig.ready(): a sooner time offered to a client waiting, with their private link
to take it."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from reminders.kinds import NotWanted, reason, register_kind
from reminders.models import Reminder, ReminderKind
from reminders.outbox import schedule
from reminders.wording import when_text

from .models import FreedTime, Offer, OfferStatus

# Why a message is not sent: kept in English on the reminder, shown to staff in their
# language (reminders.kinds.reason_shown).
OFFER_GONE = reason(gettext_noop("The offer no longer exists."))
TIME_TAKEN = reason(gettext_noop("The time has been taken or the offer withdrawn."))
OFFER_EXPIRED = reason(gettext_noop("The offer has expired."))


def offer_values(reminder: Reminder, clinic) -> tuple[dict, tuple]:
    from .tokens import claim_url

    offer = (
        Offer.objects.select_related("freed__artist", "entry__appointment_type")
        .filter(pk=(reminder.data or {}).get("offer_id"))
        .first()
    )
    if offer is None or offer.entry.client_id != reminder.client_id:
        raise NotWanted(OFFER_GONE)
    if offer.status != OfferStatus.OFFERED or offer.freed.status != FreedTime.Status.OPEN:
        raise NotWanted(TIME_TAKEN)
    if offer.expires_at <= timezone.now():
        raise NotWanted(OFFER_EXPIRED)
    return (
        {
            "when": when_text(offer.freed.starts_at),
            "appointment_type": offer.entry.appointment_type.name_in_sentence(),
            "artist": offer.freed.artist.first_name,
            "claim_by": when_text(offer.expires_at),
            "claim_url": claim_url(offer),
        },
        (),
    )


def register() -> None:
    register_kind(
        ReminderKind.WAITLIST_OFFER,
        label=gettext_lazy("A sooner time offered from the waitlist"),
        owner="waitlist",
        service=True,
        placeholders={
            "when": gettext_lazy('the time offered, e.g. "Tuesday 3 March at 10:15"'),
            "appointment_type": gettext_lazy("e.g. Treatment session"),
            "artist": gettext_lazy("the artist's first name"),
            "claim_by": gettext_lazy("until when the offer stands"),
            "claim_url": gettext_lazy("the client's private link to take the time"),
        },
        values=offer_values,
        button=("claim_url", gettext_lazy("Book this time")),
    )


def offer_sent_for(offer: Offer) -> None:
    """Tell the client about the time offered (through the outbox, by their channel)."""
    schedule(
        key=f"waitlist-offer:{offer.pk}",
        client=offer.entry.client,
        kind=ReminderKind.WAITLIST_OFFER,
        due_at=timezone.now(),
        data={"offer_id": offer.pk},
    )
