"""Client A opens every portal address that names an object, with client B's objects:
404 every time, whatever the method. New addresses with an argument must be listed."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, reverse

from consultations.models import HairlineDesign
from portal import urls as portal_urls
from scheduling.booking import booking_create
from scheduling.models import AppointmentType
from scheduling.public_forms import format_start
from tests.clock import MONDAY, at

POSTABLE = {"reschedule_confirm", "cancel", "hairline", "waitlist_leave"}


def _patterns(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, prefix)
        elif isinstance(entry, URLPattern):
            yield entry


def test_every_portal_address_with_an_argument_is_listed():
    listed = set(portal_urls.PORTAL_OBJECT_URLS) | set(portal_urls.PORTAL_NON_OBJECT_URLS)
    with_arguments = {
        pattern.name
        for pattern in _patterns(portal_urls.urlpatterns)
        if pattern.pattern.converters or pattern.pattern.regex.groups
    }
    missing = with_arguments - listed
    assert not missing, f"Add these to PORTAL_OBJECT_URLS (or say why not): {sorted(missing)}"
    assert set(portal_urls.PORTAL_OBJECT_URLS) <= with_arguments


@pytest.fixture
def bens_objects(consult):
    """Ben's appointment and hairline design (his own consultation)."""
    appointment = booking_create(
        client=consult.other_client,
        appointment_type=AppointmentType.objects.get(slug="consultation"),
        artist=consult.artist,
        starts_at=at(MONDAY + dt.timedelta(days=1), "10:00"),
    )
    design = HairlineDesign.objects.create(
        consultation=appointment.consultation, version=1, style="soft"
    )
    # Anna has a design of her own, so her forms page has a consultation to look in.
    HairlineDesign.objects.create(consultation=consult.consultation, version=1, style="soft")
    from billing import ledger

    payment = ledger.record_payment(
        client=consult.other_client, amount="75", method="cash", description="Ben's deposit"
    )
    from waitlist.services import entry_add

    waiting = entry_add(
        client=consult.other_client,
        appointment_type=AppointmentType.objects.get(slug="consultation"),
    )
    return SimpleNamespace(
        appointment=appointment,
        hairline_design=design,
        payment=payment,
        waitlist_entry=waiting,
        start=format_start(at(MONDAY + dt.timedelta(days=2), "11:00")),
    )


@pytest.mark.parametrize("name", sorted(portal_urls.PORTAL_OBJECT_URLS))
def test_client_a_gets_404_for_client_bs_objects(consult, bens_objects, as_user, name):
    kwargs = portal_urls.PORTAL_OBJECT_URLS[name](bens_objects)
    url = reverse(f"portal:{name}", kwargs=kwargs)
    c = as_user(consult.people.client_a)
    before = (bens_objects.appointment.starts_at, bens_objects.appointment.status)
    assert c.get(url).status_code == 404
    # Pages that take a form answer 404 to a POST too; read-only ones refuse the method.
    assert c.post(url, {"reason": "Not mine"}).status_code in (404, 405)
    if name in POSTABLE:
        assert c.post(url, {"reason": "Not mine"}).status_code == 404
    bens_objects.appointment.refresh_from_db()
    bens_objects.hairline_design.refresh_from_db()
    assert (bens_objects.appointment.starts_at, bens_objects.appointment.status) == before
    assert bens_objects.hairline_design.approved_at is None
