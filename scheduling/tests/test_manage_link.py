"""The private link in the confirmation email: see, move or cancel one's own appointment."""

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.core import signing
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from scheduling.booking import booking_create
from scheduling.models import (
    Appointment,
    AppointmentEventKind,
    AppointmentStatus,
    AppointmentType,
    ArtistHours,
    BookingSource,
    Room,
)
from scheduling.public_forms import format_start
from scheduling.tokens import ManageLinkInvalid, appointment_from_manage_token, manage_token_for
from tests.clock import LONDON

pytestmark = pytest.mark.django_db


def bookable_day(offset: int = 3) -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=offset)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def at(day: dt.date, hhmm: str) -> dt.datetime:
    hour, minute = map(int, hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def booked(people, settings):
    """Anna booked a consultation online; Ben has one later the same day."""
    settings.TIME_ZONE = "Europe/London"
    ArtistHours.objects.bulk_create(
        ArtistHours(artist=people.artist, weekday=day, starts=dt.time(9), ends=dt.time(18))
        for day in range(6)
    )
    room = Room.objects.create(name="Treatment room 1")
    consultation = AppointmentType.objects.get(slug="consultation")
    day = bookable_day()

    def book(client, hhmm):
        return booking_create(
            client=client,
            appointment_type=consultation,
            artist=people.artist,
            starts_at=at(day, hhmm),
            source=BookingSource.ONLINE,
        )

    mine = book(people.record_a, "10:00")
    theirs = book(people.record_b, "14:00")
    return SimpleNamespace(
        people=people,
        day=day,
        room=room,
        consultation=consultation,
        mine=mine,
        theirs=theirs,
        token=manage_token_for(mine),
    )


def manage_url(token: str, name: str = "manage", *args) -> str:
    return reverse(f"booking:{name}", args=[token, *args])


def page_text(response) -> str:
    """What a person reads on the page: the HTML without its tags."""
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(text.split()).replace(" ,", ",")


def local_day(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B} {day.year}"


def test_the_link_shows_the_appointment_and_nothing_about_anyone_else(client, booked):
    response = client.get(manage_url(booked.token))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Free consultation" in body
    assert f"{local_day(booked.day)}, 10:00–10:45" in page_text(response)
    assert "Sam" in body and "Okafor" not in body
    assert "SMP Clinic" in body
    assert manage_url(booked.token, "manage_reschedule") in body
    assert reverse("ics:manage_appointment", args=[booked.token]) in body
    assert "Cancel my appointment" in body
    for private in ("anna@clinic.test", "Ashby", "7911", "Barker", "14:00"):
        assert private not in body


def test_the_client_cancels_without_a_reason(client, booked):
    response = client.post(manage_url(booked.token, "manage_cancel"), {"reason": "  "})

    assert response.status_code == 302
    assert response.url == manage_url(booked.token)
    booked.mine.refresh_from_db()
    assert booked.mine.status == AppointmentStatus.CANCELLED
    assert booked.mine.cancellation_reason == "Cancelled by the client online"
    event = booked.mine.events.get(kind=AppointmentEventKind.CANCELLED)
    assert event.by is None
    assert event.from_status == AppointmentStatus.BOOKED
    page = client.get(response.url).content.decode()
    assert "Your appointment is cancelled" in page
    assert "This appointment is cancelled" in page
    assert "Cancel my appointment" not in page
    assert "Choose another time" not in page
    # The time is free for someone else at once.
    times = client.get(reverse("booking:times", args=["consultation"])).content.decode()
    assert reverse(
        "booking:details", args=["consultation", format_start(booked.mine.starts_at)]
    ) in (times)
    booked.theirs.refresh_from_db()
    assert booked.theirs.status == AppointmentStatus.BOOKED


def test_a_reason_given_is_kept_with_where_it_came_from(client, booked):
    client.post(manage_url(booked.token, "manage_cancel"), {"reason": "Away for work."})

    booked.mine.refresh_from_db()
    assert booked.mine.cancellation_reason == "Cancelled by the client online: Away for work."


def test_a_reason_too_long_is_refused_and_nothing_changes(client, booked):
    response = client.post(manage_url(booked.token, "manage_cancel"), {"reason": "x" * 301})

    assert response.status_code == 200
    assert "at most 300 characters" in response.content.decode()
    booked.mine.refresh_from_db()
    assert booked.mine.status == AppointmentStatus.BOOKED


def test_cancelling_twice_says_why_not(client, booked):
    client.post(manage_url(booked.token, "manage_cancel"))
    second = client.post(manage_url(booked.token, "manage_cancel"), follow=True)

    assert "A cancelled appointment cannot become cancelled." in second.content.decode()
    assert booked.mine.events.filter(kind=AppointmentEventKind.CANCELLED).count() == 1


def test_cancel_takes_only_a_post(client, booked):
    assert client.get(manage_url(booked.token, "manage_cancel")).status_code == 405
    assert client.post(manage_url(booked.token)).status_code == 405
    booked.mine.refresh_from_db()
    assert booked.mine.status == AppointmentStatus.BOOKED


def test_the_client_moves_to_another_free_time(client, booked):
    times = client.get(manage_url(booked.token, "manage_reschedule"))
    body = times.content.decode()
    new_start = at(booked.day, "10:30")
    # Overlapping its own old time is fine; Ben's 14:00 stays taken.
    confirm_url = manage_url(booked.token, "manage_reschedule_confirm", format_start(new_start))
    assert confirm_url in body
    taken = format_start(at(booked.day, "14:00"))
    assert manage_url(booked.token, "manage_reschedule_confirm", taken) not in body

    confirm = client.get(confirm_url)
    assert f"{local_day(booked.day)}, 10:30–11:15" in page_text(confirm)
    booked.mine.refresh_from_db()
    assert booked.mine.starts_at == at(booked.day, "10:00")

    response = client.post(confirm_url)

    assert response.status_code == 302
    assert response.url == manage_url(booked.token)
    booked.mine.refresh_from_db()
    assert booked.mine.starts_at == new_start
    assert booked.mine.ends_at == at(booked.day, "11:15")
    moved = booked.mine.events.get(kind=AppointmentEventKind.MOVED)
    assert moved.by is None
    assert moved.from_starts_at == at(booked.day, "10:00")
    assert moved.to_starts_at == new_start
    page = page_text(client.get(response.url))
    assert "Your appointment has moved to the new time." in page
    assert f"{local_day(booked.day)}, 10:30–11:15" in page


def test_moving_to_a_time_that_is_not_free_changes_nothing(client, booked):
    for hhmm in ("14:00", "10:07", "20:00"):
        url = manage_url(
            booked.token, "manage_reschedule_confirm", format_start(at(booked.day, hhmm))
        )
        response = client.post(url, follow=True)
        assert "Sorry, that time is not free. Please choose another." in response.content.decode()
    booked.mine.refresh_from_db()
    assert booked.mine.starts_at == at(booked.day, "10:00")
    assert not booked.mine.events.filter(kind=AppointmentEventKind.MOVED).exists()
    bad = manage_url(booked.token, "manage_reschedule_confirm", "soon")
    assert client.get(bad).status_code == 404


def test_a_cancelled_appointment_cannot_be_moved(client, booked):
    client.post(manage_url(booked.token, "manage_cancel"))

    response = client.get(manage_url(booked.token, "manage_reschedule"), follow=True)
    assert "This appointment can no longer be moved." in response.content.decode()
    url = manage_url(
        booked.token, "manage_reschedule_confirm", format_start(at(booked.day, "11:00"))
    )
    client.post(url)
    booked.mine.refresh_from_db()
    assert booked.mine.starts_at == at(booked.day, "10:00")
    assert booked.mine.status == AppointmentStatus.CANCELLED


def _assert_link_dead(response):
    assert response.status_code == 404
    body = response.content.decode()
    assert "This link no longer works" in body
    assert "020 7946 0000" in body


@pytest.fixture
def clinic_phone(settings):
    settings.CLINIC_PHONE = "020 7946 0000"


def test_an_altered_link_does_not_work(client, booked, clinic_phone):
    tampered = booked.token[:-2] + ("aa" if not booked.token.endswith("aa") else "bb")
    later = format_start(at(booked.day, "11:00"))
    for token in (tampered, "1", "", booked.token + "x"):
        if not token:
            continue
        _assert_link_dead(client.get(manage_url(token)))
        _assert_link_dead(client.post(manage_url(token, "manage_cancel")))
        _assert_link_dead(client.get(manage_url(token, "manage_reschedule")))
        _assert_link_dead(client.post(manage_url(token, "manage_reschedule_confirm", later)))
        assert client.get(reverse("ics:manage_appointment", args=[token])).status_code == 404
    booked.mine.refresh_from_db()
    assert booked.mine.status == AppointmentStatus.BOOKED
    assert booked.mine.starts_at == at(booked.day, "10:00")


def test_a_token_signed_for_something_else_does_not_work(client, booked, clinic_phone):
    for token in (
        signing.dumps(booked.mine.pk),
        signing.dumps(booked.mine.pk, salt="scheduling.booking-confirmed"),
    ):
        _assert_link_dead(client.get(manage_url(token)))


def test_the_link_stops_working_when_the_appointment_has_ended(client, booked, clinic_phone):
    start = timezone.now() - dt.timedelta(hours=2)
    Appointment.objects.filter(pk=booked.mine.pk).update(
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=45),
        blocked_until=start + dt.timedelta(hours=1),
    )

    _assert_link_dead(client.get(manage_url(booked.token)))
    _assert_link_dead(client.post(manage_url(booked.token, "manage_cancel")))
    assert client.get(reverse("ics:manage_appointment", args=[booked.token])).status_code == 404
    booked.mine.refresh_from_db()
    assert booked.mine.status == AppointmentStatus.BOOKED


def test_one_clients_link_never_acts_on_another_appointment(client, booked):
    their_token = manage_token_for(booked.theirs)
    assert their_token != booked.token

    client.post(
        manage_url(booked.token, "manage_cancel"),
        {"reason": "", "appointment": booked.theirs.pk, "pk": booked.theirs.pk},
    )

    booked.mine.refresh_from_db()
    booked.theirs.refresh_from_db()
    assert booked.mine.status == AppointmentStatus.CANCELLED
    assert booked.theirs.status == AppointmentStatus.BOOKED
    assert not booked.theirs.events.filter(kind=AppointmentEventKind.CANCELLED).exists()
    their_page = client.get(manage_url(their_token)).content.decode()
    assert "14:00–14:45" in their_page
    assert "Cancel my appointment" in their_page


def test_the_token_module_round_trip_and_its_refusals(booked):
    assert appointment_from_manage_token(booked.token) == booked.mine
    with pytest.raises(ManageLinkInvalid):
        appointment_from_manage_token(booked.token.replace(":", ";", 1))
    with pytest.raises(ManageLinkInvalid):
        appointment_from_manage_token(
            signing.dumps("not an id", salt="scheduling.manage-appointment")
        )
    pk = booked.mine.pk
    booked.mine.events.all().delete()
    Appointment.objects.filter(pk=pk).delete()
    with pytest.raises(ManageLinkInvalid):
        appointment_from_manage_token(booked.token)
