"""The confirm link in an appointment reminder: public, private to its appointment, one tap."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from scheduling.confirm_tokens import confirm_token_for
from scheduling.models import Appointment, AppointmentEvent, AppointmentStatus, AppointmentType
from scheduling.tokens import manage_token_for
from tests.clock import MONDAY, at


@pytest.fixture
def appointment(treatment):
    starts_at = at(MONDAY, "10:15")
    return Appointment.objects.create(
        client=treatment.client,
        type=AppointmentType.objects.get(slug="treatment-session"),
        artist=treatment.artist,
        room=treatment.room,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        blocked_until=starts_at + dt.timedelta(hours=2),
    )


def url_for(appointment):
    return reverse("confirm:appointment", args=[confirm_token_for(appointment)])


def test_it_shows_the_appointment_and_confirms_it(client, appointment):
    page = client.get(url_for(appointment))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Confirm your appointment on Monday 1 March at 10:15" in text
    assert "Treatment session" in text
    assert "Sam" in text
    assert reverse("booking:manage", args=[manage_token_for(appointment)]) in text
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED  # looking is not confirming

    response = client.post(url_for(appointment), follow=True)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED
    text = response.content.decode()
    assert "Thank you: your appointment is confirmed." in text
    assert "You have confirmed this appointment" in text
    event = AppointmentEvent.objects.filter(appointment=appointment).last()
    assert (event.from_status, event.to_status, event.by) == ("booked", "confirmed", None)


def test_confirming_twice_changes_nothing_more(client, appointment):
    client.post(url_for(appointment))
    events = AppointmentEvent.objects.filter(appointment=appointment).count()
    response = client.post(url_for(appointment), follow=True)
    assert response.status_code == 200
    assert "You have confirmed this appointment" in response.content.decode()
    assert AppointmentEvent.objects.filter(appointment=appointment).count() == events
    page = client.get(url_for(appointment))
    assert "Your appointment is confirmed" in page.content.decode()
    assert 'data-testid="confirm-button"' not in page.content.decode()


def test_a_cancelled_appointment_says_so_and_stays_cancelled(client, appointment):
    Appointment.objects.filter(pk=appointment.pk).update(
        status=AppointmentStatus.CANCELLED, cancellation_reason="Client's request"
    )
    page = client.get(url_for(appointment))
    assert page.status_code == 200
    assert "This appointment was cancelled" in page.content.decode()
    assert 'data-testid="confirm-button"' not in page.content.decode()
    client.post(url_for(appointment))
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED


def test_a_past_appointment_says_it_has_passed(client, appointment):
    earlier = timezone.now() - dt.timedelta(days=1)
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=earlier, ends_at=earlier + dt.timedelta(hours=2)
    )
    page = client.get(url_for(appointment))
    assert "This appointment has passed" in page.content.decode()
    assert "Treatment session" not in page.content.decode()  # an old link shows no details
    client.post(url_for(appointment))
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


@pytest.mark.parametrize("mangle", ["tampered", "manage_token", "garbage", "deleted"])
def test_a_bad_link_gets_a_friendly_page(client, appointment, mangle):
    token = confirm_token_for(appointment)
    if mangle == "tampered":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif mangle == "manage_token":
        token = manage_token_for(appointment)  # another link's token opens nothing here
    elif mangle == "garbage":
        token = "not-a-token"
    else:
        appointment.delete()
    for response in (
        client.get(reverse("confirm:appointment", args=[token])),
        client.post(reverse("confirm:appointment", args=[token])),
    ):
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()
    if mangle != "deleted":
        appointment.refresh_from_db()
        assert appointment.status == AppointmentStatus.BOOKED


def test_other_methods_are_refused(client, appointment):
    assert client.put(url_for(appointment)).status_code == 405
    assert client.delete(url_for(appointment)).status_code == 405


def test_a_spanish_client_confirms_in_spanish(client, appointment):
    appointment.client.language = "es"
    appointment.client.save(update_fields=["language"])
    page = client.get(url_for(appointment)).content.decode()
    assert '<html lang="es"' in page
    assert "Confirme su cita del" in page and "Sí, allí estaré" in page
    assert "¿No puede venir?" in page
    response = client.post(url_for(appointment), follow=True)
    text = response.content.decode()
    assert "Gracias: su cita está confirmada." in text
    assert "Ha confirmado esta cita." in text


def test_a_link_that_does_not_work_answers_in_the_browsers_language(client, db):
    page = client.get(
        reverse("confirm:appointment", args=["not-a-token"]), HTTP_ACCEPT_LANGUAGE="es"
    )
    assert page.status_code == 404
    assert "No hemos encontrado la cita de este enlace." in page.content.decode()
