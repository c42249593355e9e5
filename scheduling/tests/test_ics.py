"""Calendar files: staff download appointments, clients their own, artists subscribe to a feed."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.models import Role
from accounts.services import user_create
from scheduling.booking import booking_cancel, booking_create, booking_move
from scheduling.models import (
    Appointment,
    AppointmentType,
    ArtistHours,
    BookingPolicy,
    BookingSource,
    CalendarFeed,
    Room,
)
from scheduling.tokens import manage_token_for
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


def add_artist_hours(artist) -> None:
    ArtistHours.objects.bulk_create(
        ArtistHours(artist=artist, weekday=day, starts=dt.time(9), ends=dt.time(18))
        for day in range(6)
    )


@pytest.fixture
def diary_files(people, settings):
    settings.TIME_ZONE = "Europe/London"
    # UIDs name the clinic's own address, not whichever host a request used.
    settings.SITE_URL = "https://clinic.example"
    add_artist_hours(people.artist)
    other_artist = user_create(
        email="alex@clinic.test", first_name="Alex", last_name="Brennan", role=Role.ARTIST
    )
    add_artist_hours(other_artist)
    room = Room.objects.create(name="Treatment room 1")
    Room.objects.create(name="Treatment room 2")
    consultation = AppointmentType.objects.get(slug="consultation")
    day = bookable_day()
    appointment = booking_create(
        client=people.record_a,
        appointment_type=consultation,
        artist=people.artist,
        starts_at=at(day, "10:00"),
        by=people.front_desk,
    )
    return SimpleNamespace(
        people=people,
        other_artist=other_artist,
        room=room,
        consultation=consultation,
        video=AppointmentType.objects.get(slug="video-consultation"),
        day=day,
        appointment=appointment,
    )


def parse(response):
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert response["Content-Disposition"].endswith('.ics"')
    return Calendar.from_ical(response.content)


def only_event(calendar):
    [event] = calendar.walk("VEVENT")
    return event


# --- one appointment, for staff ----------------------------------------------------------------


@pytest.mark.parametrize("role", ["manager", "artist", "front_desk"])
def test_staff_download_an_appointment(as_user, diary_files, role):
    appointment = diary_files.appointment
    url = reverse("ics:appointment", args=[appointment.pk])

    response = as_user(getattr(diary_files.people, role)).get(url)

    assert response.status_code == 200
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="appointment-{appointment.pk}.ics"'
    )
    calendar = parse(response)
    assert str(calendar["method"]) == "PUBLISH"
    event = only_event(calendar)
    assert str(event["uid"]) == f"appointment-{appointment.pk}@clinic.example"
    assert event.decoded("dtstart") == at(diary_files.day, "10:00")
    assert event.decoded("dtstart").utcoffset() == dt.timedelta(0)
    assert event.decoded("dtend") == at(diary_files.day, "10:45")
    assert str(event["summary"]) == "Free consultation – Anna Ashby"
    assert str(event["location"]) == "Treatment room 1"
    assert str(event["status"]) == "CONFIRMED"
    assert event.decoded("sequence") == 0
    assert str(event["url"]).endswith(appointment.get_absolute_url())
    assert "anna@clinic.test" not in response.content.decode()
    assert "7911" not in response.content.decode()


def test_the_uid_stays_and_the_sequence_grows_with_each_move(as_user, diary_files):
    appointment = diary_files.appointment
    url = reverse("ics:appointment", args=[appointment.pk])
    staff = as_user(diary_files.people.front_desk)
    uid = str(only_event(parse(staff.get(url)))["uid"])

    booking_move(appointment=appointment, starts_at=at(diary_files.day, "12:00"))
    first = only_event(parse(staff.get(url)))
    booking_move(appointment=appointment, starts_at=at(diary_files.day, "15:00"))
    second = only_event(parse(staff.get(url)))

    assert str(first["uid"]) == str(second["uid"]) == uid
    assert first.decoded("sequence") == 1
    assert first.decoded("dtstart") == at(diary_files.day, "12:00")
    assert second.decoded("sequence") == 2
    assert second.decoded("dtstart") == at(diary_files.day, "15:00")


def test_a_cancelled_appointment_is_marked_cancelled(as_user, diary_files):
    booking_cancel(appointment=diary_files.appointment, reason="Unwell", by=None)

    response = as_user(diary_files.people.manager).get(
        reverse("ics:appointment", args=[diary_files.appointment.pk])
    )

    assert str(only_event(parse(response))["status"]) == "CANCELLED"


def test_a_video_appointment_gives_the_meeting_link_as_location(as_user, diary_files):
    BookingPolicy.objects.filter(pk=1).update(video_meeting_url="https://meet.example.com/smp")
    video = booking_create(
        client=diary_files.people.record_b,
        appointment_type=diary_files.video,
        artist=diary_files.other_artist,
        starts_at=at(diary_files.day, "09:00"),
        by=diary_files.people.front_desk,
    )

    response = as_user(diary_files.people.artist).get(reverse("ics:appointment", args=[video.pk]))

    event = only_event(parse(response))
    assert str(event["location"]) == "https://meet.example.com/smp"
    assert str(event["summary"]) == "Video consultation – Ben Barker"


def test_clients_and_strangers_cannot_download_staff_files(client, as_user, diary_files):
    url = reverse("ics:appointment", args=[diary_files.appointment.pk])

    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous.url == f"{reverse('accounts:login')}?next={url}"
    assert as_user(diary_files.people.client_a).get(url).status_code == 403
    assert as_user(diary_files.people.client_b).get(url).status_code == 403


def test_a_missing_appointment_is_not_found_and_only_get_is_allowed(as_user, diary_files):
    staff = as_user(diary_files.people.front_desk)
    assert staff.get(reverse("ics:appointment", args=[999_999])).status_code == 404
    url = reverse("ics:appointment", args=[diary_files.appointment.pk])
    assert staff.post(url).status_code == 405
    assert staff.delete(url).status_code == 405


# --- one appointment, for its client ------------------------------------------------------------


def test_the_uid_is_the_same_whatever_address_the_file_was_asked_at(as_user, diary_files):
    appointment = diary_files.appointment
    url = reverse("ics:appointment", args=[appointment.pk])
    staff = as_user(diary_files.people.front_desk)

    by_name = only_event(parse(staff.get(url, HTTP_HOST="localhost")))
    by_address = only_event(parse(staff.get(url, HTTP_HOST="127.0.0.1")))

    assert str(by_name["uid"]) == str(by_address["uid"])
    assert str(by_name["uid"]) == f"appointment-{appointment.pk}@clinic.example"


def test_a_cancellation_raises_the_sequence_so_calendars_take_it(as_user, diary_files):
    appointment = diary_files.appointment
    url = reverse("ics:appointment", args=[appointment.pk])
    staff = as_user(diary_files.people.front_desk)
    booking_move(appointment=appointment, starts_at=at(diary_files.day, "12:00"))

    booking_cancel(appointment=appointment, reason="Client is ill")
    event = only_event(parse(staff.get(url)))

    assert str(event["status"]) == "CANCELLED"
    assert event.decoded("sequence") == 2  # one move, then the cancellation


def test_a_client_downloads_their_own_appointment_through_their_link(client, diary_files):
    appointment = diary_files.appointment
    token = manage_token_for(appointment)

    response = client.get(reverse("ics:manage_appointment", args=[token]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="consultation.ics"'
    event = only_event(parse(response))
    assert str(event["uid"]) == f"appointment-{appointment.pk}@clinic.example"
    assert event.decoded("dtstart") == appointment.starts_at
    assert str(event["summary"]) == "Free consultation at SMP Clinic"
    assert str(event["location"]) == "SMP Clinic"
    assert f"/book/manage/{token}/" in str(event["description"])
    body = response.content.decode()
    for private in ("Ashby", "anna@clinic.test", "Okafor", "Treatment room"):
        assert private not in body


def test_the_clients_file_refuses_other_methods(client, diary_files):
    url = reverse("ics:manage_appointment", args=[manage_token_for(diary_files.appointment)])
    assert client.post(url).status_code == 405


# --- the artist's feed --------------------------------------------------------------------------


def _appointments(artist, clients, starts, consultation, room=None, status="booked"):
    """Diary rows written directly: past ones cannot be booked through the rules."""
    return Appointment.objects.bulk_create(
        Appointment(
            client=clients[n % len(clients)],
            type=consultation,
            artist=artist,
            room=room,
            starts_at=start,
            ends_at=start + dt.timedelta(minutes=45),
            blocked_until=start + dt.timedelta(minutes=60),
            status=status,
            source=BookingSource.FRONT_DESK,
        )
        for n, start in enumerate(starts)
    )


def test_the_feed_lists_the_artists_active_appointments_privately(client, diary_files):
    people = diary_files.people
    feed = CalendarFeed.objects.create(artist=people.artist)
    now = timezone.now()
    clients = [people.record_a, people.record_b]
    kept = _appointments(
        people.artist,
        clients,
        [now - dt.timedelta(days=20), now + dt.timedelta(days=170)],
        diary_files.consultation,
        room=diary_files.room,
    )
    _appointments(
        people.artist,
        clients,
        [now - dt.timedelta(days=40), now + dt.timedelta(days=190)],
        diary_files.consultation,
    )
    _appointments(
        people.artist,
        clients,
        [now + dt.timedelta(days=9)],
        diary_files.consultation,
        status="cancelled",
    )
    _appointments(
        diary_files.other_artist, clients, [now + dt.timedelta(days=9)], diary_files.consultation
    )

    response = client.get(reverse("ics:artist_feed", args=[feed.token]))

    assert response.status_code == 200
    calendar = parse(response)
    assert "Sam" in str(calendar["x-wr-calname"])
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    expected = [diary_files.appointment, *kept]
    assert set(events) == {f"appointment-{a.pk}@clinic.example" for a in expected}
    summaries = sorted(str(e["summary"]) for e in events.values())
    assert summaries == [
        "Free consultation – Anna A.",
        "Free consultation – Anna A.",
        "Free consultation – Ben B.",
    ]
    mine = events[f"appointment-{diary_files.appointment.pk}@clinic.example"]
    assert mine.decoded("dtstart") == diary_files.appointment.starts_at
    assert str(mine["location"]) == "Treatment room 1"
    body = response.content.decode()
    for private in ("Ashby", "Barker", "anna@clinic.test", "ben@clinic.test", "7911", "+44"):
        assert private not in body


def test_the_feed_costs_the_same_queries_for_3_or_30_appointments(client, diary_files):
    people = diary_files.people
    feed = CalendarFeed.objects.create(artist=people.artist)
    url = reverse("ics:artist_feed", args=[feed.token])
    clients = [people.record_a, people.record_b]
    start = timezone.now() + dt.timedelta(days=10)

    _appointments(
        people.artist,
        clients,
        [start, start + dt.timedelta(days=1)],
        diary_files.consultation,
        room=diary_files.room,
    )
    with CaptureQueriesContext(connection) as few:
        small = parse(client.get(url))
    many = _appointments(
        people.artist,
        clients,
        [start + dt.timedelta(days=2 + n) for n in range(27)],
        diary_files.consultation,
        room=diary_files.room,
    )
    booking_move(appointment=many[0], starts_at=at(bookable_day(4), "16:00"))
    with CaptureQueriesContext(connection) as lots:
        large = parse(client.get(url))

    assert len(small.walk("VEVENT")) == 3
    assert len(large.walk("VEVENT")) == 30
    assert len(few) == len(lots) <= 2
    moved = next(
        e for e in large.walk("VEVENT") if str(e["uid"]).startswith(f"appointment-{many[0].pk}@")
    )
    assert moved.decoded("sequence") == 1


def test_an_unknown_or_renewed_feed_address_is_not_found(client, diary_files):
    feed = CalendarFeed.objects.create(artist=diary_files.people.artist)
    old = reverse("ics:artist_feed", args=[feed.token])
    assert client.get(old).status_code == 200
    assert client.get(reverse("ics:artist_feed", args=["no-such-token"])).status_code == 404

    client.force_login(diary_files.people.artist)
    client.post(reverse("ics:my_feed"), {"action": "renew"})
    client.logout()

    assert client.get(old).status_code == 404
    feed.refresh_from_db()
    assert client.get(reverse("ics:artist_feed", args=[feed.token])).status_code == 200


def test_a_feed_stops_when_the_artist_leaves(client, diary_files):
    artist = diary_files.people.artist
    feed = CalendarFeed.objects.create(artist=artist)
    artist.is_active = False
    artist.save()

    assert client.get(reverse("ics:artist_feed", args=[feed.token])).status_code == 404


# --- the artist's feed settings -----------------------------------------------------------------


def test_an_artist_creates_sees_renews_and_turns_off_their_feed(as_user, diary_files):
    artist = diary_files.people.artist
    browser = as_user(artist)
    url = reverse("ics:my_feed")

    empty = browser.get(url)
    assert "There is no feed address yet." in empty.content.decode()
    assert not CalendarFeed.objects.exists()

    created = browser.post(url, {"action": "renew"}, follow=True)
    feed = CalendarFeed.objects.get(artist=artist)
    body = created.content.decode()
    assert f"http://testserver/ics/feeds/{feed.token}.ics" in body
    assert f"webcal://testserver/ics/feeds/{feed.token}.ics" in body

    first_token = feed.token
    browser.post(url, {"action": "renew"})
    feed.refresh_from_db()
    assert feed.token != first_token
    assert first_token not in browser.get(url).content.decode()

    off = browser.post(url, {"action": "revoke"}, follow=True)
    assert "The calendar feed is off" in off.content.decode()
    assert not CalendarFeed.objects.filter(artist=artist).exists()


def test_an_artist_sees_only_their_own_feed(as_user, diary_files):
    other_feed = CalendarFeed.objects.create(artist=diary_files.other_artist)
    browser = as_user(diary_files.people.artist)
    url = reverse("ics:my_feed")

    assert browser.get(url, {"artist": diary_files.other_artist.pk}).status_code == 404
    assert browser.post(f"{url}?artist={diary_files.other_artist.pk}").status_code == 404
    other_feed.refresh_from_db()
    assert other_feed.token in CalendarFeed.objects.values_list("token", flat=True)
    assert other_feed.token not in browser.get(url).content.decode()


def test_a_manager_manages_any_artists_feed(as_user, diary_files):
    browser = as_user(diary_files.people.manager)
    url = reverse("ics:my_feed")

    listing = browser.get(url).content.decode()
    assert f"?artist={diary_files.people.artist.pk}" in listing
    assert f"?artist={diary_files.other_artist.pk}" in listing

    response = browser.post(f"{url}?artist={diary_files.other_artist.pk}", {"action": "renew"})
    assert response.status_code == 302
    assert response.url == f"{url}?artist={diary_files.other_artist.pk}"
    feed = CalendarFeed.objects.get(artist=diary_files.other_artist)
    page = browser.get(response.url).content.decode()
    assert "Calendar feed of Alex Brennan" in page
    assert feed.token in page
    assert browser.get(url, {"artist": diary_files.people.front_desk.pk}).status_code == 404
    assert browser.get(url, {"artist": "abc"}).status_code == 404


def test_other_roles_cannot_manage_feeds(client, as_user, diary_files):
    url = reverse("ics:my_feed")
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous.url == f"{reverse('accounts:login')}?next={url}"
    for person in (diary_files.people.front_desk, diary_files.people.client_a):
        assert as_user(person).get(url).status_code == 403
        assert as_user(person).post(url, {"action": "renew"}).status_code == 403
    assert not CalendarFeed.objects.exists()
    assert as_user(diary_files.people.artist).put(url).status_code == 405


def test_a_spanish_reader_manages_feeds_in_spanish(as_user, diary_files):
    for person in (diary_files.people.artist, diary_files.people.manager):
        person.language = "es"
        person.save(update_fields=["language"])
    url = reverse("ics:my_feed")
    artist = as_user(diary_files.people.artist)
    assert "Todavía no hay dirección de calendario." in artist.get(url).content.decode()
    created = artist.post(url, {"action": "renew"}, follow=True).content.decode()
    assert "Ya tiene una nueva dirección de calendario." in created
    assert "Su calendario suscrito" in created and "Desactivar el calendario" in created
    off = artist.post(url, {"action": "revoke"}, follow=True).content.decode()
    assert "El calendario suscrito está desactivado." in off
    manager = as_user(diary_files.people.manager)
    assert "Calendarios suscritos de los artistas" in manager.get(url).content.decode()
    other = manager.get(url, {"artist": diary_files.other_artist.pk}).content.decode()
    assert "Calendario suscrito de Alex Brennan" in other
    assert "para ver las citas de Alex de los últimos 30 días" in other
