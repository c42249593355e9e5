"""Twenty clients claim the same freed time at the same instant: one booking, and everyone
else told kindly that it has gone (never a server error, never a second booking).

Each claim runs in its own thread through Django's test client, with its own database
connection, released together by a barrier. On SQLite the claim's transaction queues for
the write lock; on PostgreSQL the claims really run side by side. Either way the freed
time's conditional update lets exactly one through.
"""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client as Browser
from django.urls import reverse

from scheduling.booking import booking_cancel
from scheduling.models import Appointment, AppointmentStatus, BookingSource
from tests.clock import MONDAY, at
from waitlist.models import EntryStatus, FreedTime, Offer, OfferStatus, WaitlistSettings
from waitlist.tests.fixtures import booked, client, wait
from waitlist.tokens import claim_token

pytestmark = pytest.mark.django_db(transaction=True)

RACERS = 20
GONE = "Someone else took this time a moment before you"


def _claim(url: str, barrier: threading.Barrier) -> tuple[int, str]:
    browser = Browser()
    barrier.wait(timeout=60)
    try:
        response = browser.post(url)
    except Exception as error:  # what the visitor would get as a 500 page
        return 500, repr(error)
    finally:
        connections.close_all()
    return response.status_code, response.content.decode()


def test_twenty_claims_at_once_book_one_and_tell_the_rest_it_has_gone(diary):
    settings = WaitlistSettings.current()
    settings.offers_at_once = RACERS
    settings.save()
    entries = [wait(diary, client(f"Racer{n}", "Claims")) for n in range(RACERS)]
    booking_cancel(
        appointment=booked(diary, client("Dan", "Carter"), "10:00"),
        reason="Cannot make it",
        by=diary.people.front_desk,
    )
    offers = list(Offer.objects.order_by("id"))
    assert len(offers) == RACERS
    urls = [reverse("waitlist_offer:claim", args=[claim_token(offer)]) for offer in offers]

    if connection.vendor == "sqlite":
        # Twenty writers queue for the lock: give them time on a busy machine.
        options = connection.settings_dict["OPTIONS"]
        waits, options["timeout"] = options.get("timeout"), 120
        connection.close()
    barrier = threading.Barrier(RACERS)
    try:
        with ThreadPoolExecutor(max_workers=RACERS) as pool:
            results = list(pool.map(lambda url: _claim(url, barrier), urls))
    finally:
        if connection.vendor == "sqlite":
            connection.close()
            connection.settings_dict["OPTIONS"]["timeout"] = waits

    statuses = Counter(status for status, _ in results)
    assert statuses == {200: 1, 409: RACERS - 1}, statuses
    for status, page in results:
        assert ('data-testid="claimed"' in page) if status == 200 else (GONE in page)
    [appointment] = Appointment.objects.filter(source=BookingSource.WAITLIST)
    assert appointment.starts_at == at(MONDAY, "10:00")
    assert appointment.status == AppointmentStatus.BOOKED
    freed = FreedTime.objects.get()
    assert (freed.status, freed.booked) == (FreedTime.Status.CLAIMED, appointment)
    assert Offer.objects.filter(status=OfferStatus.CLAIMED).count() == 1
    assert Offer.objects.filter(status=OfferStatus.GONE).count() == RACERS - 1
    winners = [e for e in entries if e.client_id == appointment.client_id]
    assert len(winners) == 1
    assert (
        sum(1 for e in entries if type(e).objects.get(pk=e.pk).status == EntryStatus.WAITING)
        == RACERS - 1
    )
