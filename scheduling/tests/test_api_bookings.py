"""POST /api/v1/bookings/: booking by the public, and everything that must be refused."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from clients.models import Client
from scheduling.booking import booking_create
from scheduling.models import (
    Appointment,
    AppointmentEvent,
    AppointmentStatus,
    BookingSource,
    ClosedDay,
    TimeOff,
)
from scheduling.tokens import appointment_from_manage_token
from tests.clock import YEAR, at

from .api_fixtures import iso, make_clinic, use_throttle_rates

pytestmark = pytest.mark.django_db
URL = "/api/v1/bookings/"


@pytest.fixture
def clinic(people, settings):
    use_throttle_rates(settings)
    return make_clinic(people)


def payload(clinic, hhmm="10:00", **changes) -> dict:
    body = {
        "type": "consultation",
        "start": iso(clinic.day, hhmm),
        "client": {
            "first_name": "Daniel",
            "last_name": "Whitaker",
            "email": "daniel@example.com",
            "phone": "07911 123456",
        },
        "note": "Thinning at the crown; I have photos.",
    }
    body.update(changes)
    return body


def post(client, body, **extra):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(URL, data, content_type="application/json", **extra)


def staff_booking(clinic, hhmm, *, artist, client=None):
    return booking_create(
        client=client or clinic.people.record_b,
        appointment_type=clinic.consultation,
        artist=artist,
        starts_at=at(clinic.day, hhmm),
    )


@pytest.fixture
def counts():
    """Clients and appointments before the request; `unchanged()` says nothing was saved."""

    class Counts:
        clients = Client.objects.count()
        appointments = Appointment.objects.count()

        def unchanged(self) -> bool:
            return (Client.objects.count(), Appointment.objects.count()) == (
                self.clients,
                self.appointments,
            )

    return Counts()


# --- booking ---------------------------------------------------------------------------


def test_a_member_of_the_public_books_a_consultation(client, clinic, counts):
    response = post(client, payload(clinic))

    assert response.status_code == 201
    appointment = Appointment.objects.get()
    body = response.json()
    assert body == {
        "id": appointment.pk,
        "start": iso(clinic.day, "10:00"),
        "end": iso(clinic.day, "10:45"),
        "artist": min(clinic.artist.pk, clinic.artist2.pk),
        "status": "booked",
        "manage_url": body["manage_url"],
    }
    assert appointment.starts_at == at(clinic.day, "10:00")
    assert appointment.ends_at == at(clinic.day, "10:45")
    assert appointment.type == clinic.consultation
    assert appointment.room == clinic.room1
    assert appointment.source == BookingSource.API
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.notes == "Thinning at the crown; I have photos."
    assert appointment.booked_by is None
    new_client = appointment.client
    assert (new_client.first_name, new_client.last_name) == ("Daniel", "Whitaker")
    assert new_client.email == "daniel@example.com"
    assert new_client.phone.as_e164 == "+447911123456"
    assert Client.objects.count() == counts.clients + 1
    assert AppointmentEvent.objects.filter(appointment=appointment).count() == 1


def test_the_manage_link_opens_this_booking(client, clinic):
    response = post(client, payload(clinic))

    url = response.json()["manage_url"]
    assert url.startswith("http://testserver/book/manage/")
    token = url.removeprefix("http://testserver/book/manage/").rstrip("/")
    assert url == "http://testserver" + reverse("booking:manage", args=[token])
    assert appointment_from_manage_token(token).pk == response.json()["id"]


def test_an_existing_client_is_found_by_email_and_their_record_is_not_rewritten(
    client, clinic, counts
):
    details = {"first_name": "A", "last_name": "Stranger", "email": "ANNA@clinic.test"}

    response = post(client, payload(clinic, client=details))

    assert response.status_code == 201
    appointment = Appointment.objects.get(pk=response.json()["id"])
    assert appointment.client == clinic.people.record_a
    clinic.people.record_a.refresh_from_db()
    assert clinic.people.record_a.full_name == "Anna Ashby"
    assert Client.objects.count() == counts.clients


def test_a_new_email_with_a_clients_phone_number_is_booked_for_a_new_client(client, clinic, counts):
    details = {
        "first_name": "Dan",
        "last_name": "Walker",
        "email": "dan.walker@example.com",
        "phone": "+447911123001",  # Anna's number
    }

    response = post(client, payload(clinic, client=details))

    assert response.status_code == 201
    appointment = Appointment.objects.get(pk=response.json()["id"])
    assert appointment.client.email == "dan.walker@example.com"
    assert not Appointment.objects.filter(client=clinic.people.record_a).exists()
    assert Client.objects.count() == counts.clients + 1
    # The manage link in the answer opens the booker's appointment, not Anna's.
    token = response.json()["manage_url"].rstrip("/").rsplit("/", 1)[-1]
    assert appointment_from_manage_token(token).client.email == "dan.walker@example.com"


def test_the_chosen_artist_is_booked(client, clinic):
    response = post(client, payload(clinic, artist=clinic.artist2.pk))

    assert response.status_code == 201
    assert response.json()["artist"] == clinic.artist2.pk
    assert Appointment.objects.get().artist == clinic.artist2


@pytest.mark.parametrize("as_text", ["{pk}", " {pk} ", "{pk}.0", "+{pk}", ""])
def test_an_artist_id_sent_as_text_is_refused_even_when_it_names_an_artist(
    client, clinic, counts, as_text
):
    # JSON has numbers: "3" is a caller's mistake, not the artist 3.
    response = post(client, payload(clinic, artist=as_text.format(pk=clinic.artist2.pk)))

    assert response.status_code == 400
    assert response.json() == {"artist": ['Give this as a number, e.g. 3 rather than "3".']}
    assert counts.unchanged()


@pytest.mark.parametrize("flag", [True, False, "true", "false"])
def test_an_artist_id_sent_as_true_or_false_is_refused(client, clinic, counts, flag):
    response = post(client, payload(clinic, artist=flag))

    assert response.status_code == 400
    assert list(response.json()) == ["artist"]
    assert counts.unchanged()


def test_without_an_artist_the_first_one_free_at_that_time_is_booked(client, clinic):
    first, second = sorted((clinic.artist, clinic.artist2), key=lambda artist: artist.pk)
    staff_booking(clinic, "10:00", artist=first)

    response = post(client, payload(clinic))

    assert response.status_code == 201
    assert response.json()["artist"] == second.pk
    assert Appointment.objects.get(pk=response.json()["id"]).room == clinic.room2


def test_a_time_given_with_another_offset_is_the_same_instant(client, clinic):
    start = at(clinic.day, "10:00").astimezone(dt.timezone(dt.timedelta(hours=-5)))

    response = post(client, payload(clinic, start=start.isoformat()))

    assert response.status_code == 201
    assert response.json()["start"] == iso(clinic.day, "10:00")
    assert Appointment.objects.get().starts_at == at(clinic.day, "10:00")


def test_a_video_consultation_needs_no_room(client, clinic):
    response = post(client, payload(clinic, type="video-consultation"))

    assert response.status_code == 201
    appointment = Appointment.objects.get()
    assert appointment.room is None
    assert appointment.ends_at == at(clinic.day, "10:30")


def test_signed_in_staff_book_with_a_token_and_are_recorded(client, clinic):
    token = Token.objects.create(user=clinic.people.front_desk)

    response = post(client, payload(clinic), HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 201
    assert Appointment.objects.get().booked_by == clinic.people.front_desk


# --- taken times: 409 ----------------------------------------------------------------------


def test_a_taken_time_is_a_conflict_and_nothing_is_saved(client, clinic, counts):
    staff_booking(clinic, "10:00", artist=clinic.artist)
    counts.appointments += 1

    response = post(client, payload(clinic, "10:15", artist=clinic.artist.pk))

    assert response.status_code == 409
    assert response.json() == {
        "error": "slot_unavailable",
        "detail": "The artist already has an appointment then (clean-up time included).",
        "reason": "overlap",
    }
    assert counts.unchanged()
    assert not Client.objects.filter(email="daniel@example.com").exists()


def test_when_every_artist_is_busy_it_is_a_conflict(client, clinic, counts):
    staff_booking(clinic, "10:00", artist=clinic.artist)
    staff_booking(clinic, "10:00", artist=clinic.artist2, client=clinic.people.record_a)
    counts.appointments += 2

    response = post(client, payload(clinic))

    assert response.status_code == 409
    assert response.json()["reason"] == "overlap"
    assert counts.unchanged()


def test_when_every_room_is_busy_it_is_a_conflict(client, clinic, counts):
    clinic.room2.delete()
    staff_booking(clinic, "10:00", artist=clinic.artist)
    counts.appointments += 1

    response = post(client, payload(clinic, artist=clinic.artist2.pk))

    assert response.status_code == 409
    assert response.json() == {
        "error": "slot_unavailable",
        "detail": "No treatment room is free then.",
        "reason": "no_room",
    }
    assert counts.unchanged()


# --- times that were never bookable: 400 on "start" ----------------------------------------


@pytest.mark.parametrize("artist_given", [True, False])
def test_a_time_outside_opening_hours_is_refused_on_start(client, clinic, counts, artist_given):
    extra = {"artist": clinic.artist.pk} if artist_given else {}

    response = post(client, payload(clinic, "19:00", **extra))

    assert response.status_code == 400
    assert response.json() == {
        "start": ["That is outside the clinic's opening hours or the artist's working hours."]
    }
    assert counts.unchanged()


def test_a_closed_day_is_refused_on_start(client, clinic, counts):
    ClosedDay.objects.create(date=clinic.day, reason="Refit")

    response = post(client, payload(clinic))

    assert response.status_code == 400
    assert response.json() == {"start": ["The clinic is closed that day."]}
    assert counts.unchanged()


def test_the_artists_time_off_is_refused_on_start(client, clinic, counts):
    TimeOff.objects.create(
        artist=clinic.artist, starts_at=at(clinic.day, "09:00"), ends_at=at(clinic.day, "12:00")
    )

    response = post(client, payload(clinic, artist=clinic.artist.pk))

    assert response.status_code == 400
    assert response.json() == {"start": ["The artist is away at that time."]}
    assert counts.unchanged()


def test_online_bookings_need_a_days_notice(client, clinic, counts):
    soon = timezone.localtime() + dt.timedelta(hours=2)

    response = post(client, payload(clinic, start=soon.isoformat()))

    assert response.status_code == 400
    [message] = response.json()["start"]
    assert message.startswith("That is too short notice: the earliest time is ")
    assert counts.unchanged()


def test_a_time_in_the_past_is_refused(client, clinic, counts):
    past = timezone.localtime() - dt.timedelta(days=3)

    response = post(client, payload(clinic, start=past.isoformat()))

    assert response.status_code == 400
    assert response.json() == {"start": ["That time is in the past."]}
    assert counts.unchanged()


def test_a_time_beyond_the_online_horizon_is_refused(client, clinic, counts):
    far = timezone.localtime() + dt.timedelta(days=60)

    response = post(client, payload(clinic, start=far.isoformat()))

    assert response.status_code == 400
    assert response.json() == {"start": ["That is further ahead than bookings are taken."]}
    assert counts.unchanged()


# --- bad input: 400 with field errors, nothing saved -----------------------------------------


def test_a_time_without_utc_offset_is_refused(client, clinic, counts):
    response = post(client, payload(clinic, start=f"{clinic.day.isoformat()}T10:00:00"))

    assert response.status_code == 400
    assert response.json() == {
        "start": [
            "Include the UTC offset, for example 2027-03-01T09:00:00+00:00 "
            "(+01:00 in British summer time)."
        ]
    }
    assert counts.unchanged()


@pytest.mark.parametrize(
    "changes, errors",
    [
        ({"type": "treatment-session"}, {"type": ["That kind of appointment cannot be booked "]}),
        ({"type": "haircut"}, {"type": ["Unknown appointment type. Choose one of: "]}),
        ({"type": 7}, {"type": ["Give this as text."]}),
        ({"type": "x" * 5000}, {"type": ["Ensure this field has no more than 50 characters."]}),
        ({"type": None}, {"type": ["This field may not be null."]}),
        ({"start": "tomorrow at ten"}, {"start": ["Give the time in ISO 8601 form"]}),
        ({"start": f"{YEAR}-02-30T10:00:00+00:00"}, {"start": ["Give the time in ISO 8601 form"]}),
        ({"start": f"{YEAR}-03-01T10:00:00+25:00"}, {"start": ["Give the time in ISO 8601 form"]}),
        ({"start": "9999-12-31T23:30:00-05:00"}, {"start": ["That date is too far from today."]}),
        ({"start": 1767225600}, {"start": ["Give the time in ISO 8601 form"]}),
        ({"artist": "sam"}, {"artist": ['Give this as a number, e.g. 3 rather than "3".']}),
        ({"artist": True}, {"artist": ["A valid integer is required."]}),
        ({"artist": 1.5}, {"artist": ["A valid integer is required."]}),
        ({"artist": 10**30}, {"artist": ["Ensure this value is less than or equal to "]}),
        ({"artist": 0}, {"artist": ["Ensure this value is greater than or equal to 1."]}),
        ({"artist": 999999}, {"artist": ["No artist with this id."]}),
        ({"client": ["Daniel"]}, {"client": {"non_field_errors": ["Invalid data. Expected a"]}}),
        ({"client": None}, {"client": ["This field may not be null."]}),
        ({"note": "x" * 2001}, {"note": ["Ensure this field has no more than 2000 characters."]}),
        ({"note": {"text": "hi"}}, {"note": ["Give this as text."]}),
        ({"colour": "blue"}, {"colour": ["Unknown field."]}),
    ],
)
def test_bad_input_is_a_field_error_and_saves_nothing(client, clinic, counts, changes, errors):
    body = payload(clinic)
    body.update(changes)

    response = post(client, body)

    assert response.status_code == 400
    got = response.json()
    assert list(got) == list(errors)
    [(field, expected)] = errors.items()
    if isinstance(expected, dict):
        [(inner, [message])] = expected.items()
        assert got[field][inner][0].startswith(message)
    else:
        assert got[field][0].startswith(expected[0])
    assert counts.unchanged()


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"email": "daniel.example.com"}, "email", "Enter a valid email address."),
        ({"email": ""}, "email", "This field may not be blank."),
        ({"email": 12345}, "email", "Enter a valid email address."),
        ({"phone": "12"}, "phone", "Enter a valid phone number."),
        ({"phone": 7911123456}, "phone", "Enter a valid phone number."),
        ({"first_name": ""}, "first_name", "This field may not be blank."),
        ({"first_name": 42}, "first_name", "Give this as text."),
        ({"first_name": "Dan\x00iel"}, "first_name", "Null characters are not allowed."),
        ({"first_name": "\ud800"}, "first_name", "This contains characters that cannot be"),
        ({"last_name": "W" * 101}, "last_name", "Ensure this field has no more than 100"),
        ({"nickname": "Dan"}, "nickname", "Unknown field."),
    ],
)
def test_bad_client_details_are_field_errors(client, clinic, counts, changes, field, message):
    body = payload(clinic)
    body["client"] = {**body["client"], **changes}

    response = post(client, body)

    assert response.status_code == 400
    assert list(response.json()) == ["client"]
    assert list(response.json()["client"]) == [field]
    assert response.json()["client"][field][0].startswith(message)
    assert counts.unchanged()


def test_missing_fields_are_each_named(client, clinic, counts):
    response = post(client, {"client": {}})

    assert response.status_code == 400
    assert response.json() == {
        "type": ["This field is required."],
        "start": ["This field is required."],
        "client": {
            "first_name": ["This field is required."],
            "last_name": ["This field is required."],
            "email": ["This field is required."],
        },
    }
    assert counts.unchanged()


@pytest.mark.parametrize(
    "body, message",
    [
        ('{"type": "consultation",', "The request body is not valid JSON: "),
        ("", "This field is required."),
        ("[1, 2, 3]", "Invalid data. Expected a dictionary, but got list."),
        ('"consultation"', "Invalid data. Expected a dictionary, but got str."),
        ('{"type": NaN}', "The request body is not valid JSON: NaN is not valid JSON"),
        ("[" * 5000 + "]" * 5000, "The JSON is nested too deeply."),
        (b"\xff\xfe{}", "The request body is not UTF-8 text."),
    ],
)
def test_malformed_json_is_a_clear_400(client, clinic, counts, body, message):
    response = post(client, body)

    assert response.status_code == 400
    assert message in json.dumps(response.json())
    assert counts.unchanged()


def test_a_huge_body_is_refused_unread(client, clinic, counts):
    response = post(client, payload(clinic, note="x" * 20_000))

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is larger than 16 KB."}
    assert counts.unchanged()


def test_form_posts_are_not_accepted(client, clinic, counts):
    response = client.post(URL, {"type": "consultation"})

    assert response.status_code == 415
    assert counts.unchanged()


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_only_post_is_allowed(client, clinic, method):
    response = getattr(client, method)(URL)

    assert response.status_code == 405
    assert response.json() == {"detail": f'Method "{method.upper()}" not allowed.'}


def test_a_wrong_token_is_401_even_though_booking_is_public(client, clinic, counts):
    response = post(client, payload(clinic), HTTP_AUTHORIZATION="Token not-a-real-key")

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}
    assert counts.unchanged()


# --- throttling --------------------------------------------------------------------------


def test_bookings_from_one_address_are_throttled(client, as_user, clinic, settings):
    use_throttle_rates(settings, bookings="2/hour")
    bodies = [
        payload(clinic, hhmm, client={"first_name": "P", "last_name": "Q", "email": f"{n}@ex.com"})
        for n, hhmm in enumerate(["09:00", "11:00", "13:00", "15:00"])
    ]

    assert [post(client, body).status_code for body in bodies[:2]] == [201, 201]
    refused = post(client, bodies[2])

    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Request was throttled. Expected available in ")
    assert int(refused["Retry-After"]) > 0
    assert post(client, bodies[2], HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    assert Appointment.objects.count() == 2
    # Another address has its own allowance.
    assert post(client, bodies[2], REMOTE_ADDR="192.0.2.44").status_code == 201
    # Staff are not counted against the public allowance.
    assert post(as_user(clinic.people.front_desk), bodies[3]).status_code == 201


def test_a_deadlock_between_racing_bookings_is_answered_as_a_taken_time(
    client, clinic, counts, monkeypatch
):
    # What PostgreSQL raises when two inserts checking one exclusion constraint
    # wait for each other: it aborts one of them.
    class DeadlockDetected(Exception):
        sqlstate = "40P01"

    def deadlocked(self, *args, **kwargs):
        try:
            raise DeadlockDetected("deadlock detected")
        except DeadlockDetected as cause:
            raise OperationalError("deadlock detected") from cause

    monkeypatch.setattr("scheduling.booking.Appointment.save", deadlocked)

    response = post(client, payload(clinic, artist=clinic.artist.pk))

    assert response.status_code == 409
    assert response.json() == {
        "error": "slot_unavailable",
        "detail": "Someone has just booked that time. Please choose another.",
        "reason": "overlap",
    }
    assert counts.unchanged()


def test_other_database_errors_are_not_disguised_as_conflicts(client, clinic, monkeypatch):
    def broken(self, *args, **kwargs):
        raise OperationalError("disk I/O error")

    monkeypatch.setattr("scheduling.booking.Appointment.save", broken)

    with pytest.raises(OperationalError):
        post(client, payload(clinic, artist=clinic.artist.pk))


def test_a_clash_of_new_contact_details_never_names_the_other_client(
    client, clinic, counts, monkeypatch
):
    # Two bookings saving the same new email at once: the loser's error names the
    # winner's record, which the public must not see.
    def clash(**kwargs):
        raise ValidationError({"email": 'Already used by <a href="/clients/1/">Anna Ashby</a>.'})

    monkeypatch.setattr("scheduling.booking.client_for_online_booking", clash)

    response = post(client, payload(clinic))

    assert response.status_code == 409
    assert response.json() == {
        "error": "details_conflict",
        "detail": "We could not save your details just now. Please try again or call the clinic.",
    }
    assert "Anna" not in response.content.decode()
    assert counts.unchanged()
