"""GET /api/v1/availability/: free start times for the public and for staff."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from scheduling.availability_cache import forget_all_free_times
from scheduling.booking import booking_create
from scheduling.models import AppointmentType, TimeOff
from tests.clock import SUMMER_MONTHS, WINTER_MONTHS, YEAR, at, monday_in

from .api_fixtures import iso, make_clinic, use_throttle_rates

pytestmark = pytest.mark.django_db
URL = "/api/v1/availability/"


@pytest.fixture
def clinic(people, settings):
    use_throttle_rates(settings)
    return make_clinic(people)


def get(client, **params):
    return client.get(URL, params)


def starts_of(response, artist) -> list[str]:
    return [slot["start"] for slot in response.json()["slots"] if slot["artist"] == artist.pk]


def book(clinic, hhmm, *, artist=None, client=None, day=None):
    return booking_create(
        client=client or clinic.people.record_a,
        appointment_type=clinic.consultation,
        artist=artist or clinic.artist,
        starts_at=at(day or clinic.day, hhmm),
    )


def test_it_offers_the_public_free_consultation_times_with_the_clinic_offset(client, clinic):
    response = get(client, type="consultation", start=clinic.day.isoformat(), days=1)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    slots = response.json()["slots"]
    assert slots[0] == {
        "start": iso(clinic.day, "09:00"),
        "end": iso(clinic.day, "09:45"),
        "artist": min(clinic.artist.pk, clinic.artist2.pk),
    }
    for artist in (clinic.artist, clinic.artist2):
        times = starts_of(response, artist)
        assert times[:3] == [iso(clinic.day, "09:00"), iso(clinic.day, "09:15")] + [
            iso(clinic.day, "09:30")
        ]
        # 45 minutes and 15 minutes' clean-up must end by 18:00.
        assert times[-1] == iso(clinic.day, "17:15")
    assert {slot["start"][:10] for slot in slots} == {clinic.day.isoformat()}


def test_a_booked_time_is_no_longer_offered_for_that_artist_only(client, clinic):
    book(clinic, "10:00")

    response = get(client, type="consultation", start=clinic.day.isoformat(), days=1)

    mine = starts_of(response, clinic.artist)
    assert iso(clinic.day, "10:00") not in mine
    assert iso(clinic.day, "09:15") not in mine  # its clean-up would run into 10:00
    assert iso(clinic.day, "11:00") in mine
    assert iso(clinic.day, "10:00") in starts_of(response, clinic.artist2)


def test_the_artist_filter_gives_one_artists_times(client, clinic):
    response = get(
        client, type="consultation", start=clinic.day.isoformat(), days=1, artist=clinic.artist2.pk
    )

    assert response.status_code == 200
    assert {slot["artist"] for slot in response.json()["slots"]} == {clinic.artist2.pk}


def test_time_off_is_not_offered(client, clinic):
    TimeOff.objects.create(
        artist=clinic.artist, starts_at=at(clinic.day, "09:00"), ends_at=at(clinic.day, "13:00")
    )

    response = get(client, type="consultation", start=clinic.day.isoformat(), days=1)

    assert starts_of(response, clinic.artist)[0] == iso(clinic.day, "13:00")


def test_the_public_never_sees_a_time_inside_the_online_notice(client, clinic):
    earliest = timezone.now() + dt.timedelta(hours=24)

    response = get(client, type="consultation", start=timezone.localdate().isoformat(), days=5)

    assert response.status_code == 200
    starts = [dt.datetime.fromisoformat(slot["start"]) for slot in response.json()["slots"]]
    assert starts  # five days always include two working days
    assert min(starts) >= earliest


def test_staff_see_any_active_type_and_the_offset_of_each_season(as_user, clinic):
    staff = as_user(clinic.people.front_desk)
    winter, summer = monday_in(WINTER_MONTHS), monday_in(SUMMER_MONTHS)

    for monday, offset in ((winter, "+00:00"), (summer, "+01:00")):
        response = get(staff, type="treatment-session", start=monday.isoformat(), days=1)
        assert response.status_code == 200
        first = response.json()["slots"][0]
        assert first["start"] == f"{monday.isoformat()}T09:00:00{offset}"
        assert first["end"] == f"{monday.isoformat()}T13:00:00{offset}"


@pytest.mark.parametrize("who", ["anonymous", "client_a"])
def test_the_public_and_clients_cannot_ask_about_staff_only_types(client, as_user, clinic, who):
    caller = client if who == "anonymous" else as_user(clinic.people.client_a)

    response = get(caller, type="treatment-session", start=clinic.day.isoformat())

    assert response.status_code == 400
    assert response.json() == {
        "type": ["That kind of appointment cannot be booked online; please call the clinic."]
    }


def test_an_inactive_type_is_unknown_even_to_staff(as_user, clinic):
    AppointmentType.objects.filter(slug="touch-up").update(is_active=False)

    response = get(as_user(clinic.people.manager), type="touch-up", start=clinic.day.isoformat())

    assert response.status_code == 400
    [message] = response.json()["type"]
    assert message.startswith("Unknown appointment type. Choose one of: consultation, ")
    assert "touch-up" not in message


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"days": "0"}, "days", "Ensure this value is greater than or equal to 1."),
        ({"days": "63"}, "days", "Ensure this value is less than or equal to 62."),
        ({"days": "a week"}, "days", "A valid integer is required."),
        ({"start": f"{YEAR}-13-01"}, "start", "Give the date as YYYY-MM-DD."),
        ({"start": f"01/03/{YEAR}"}, "start", "Give the date as YYYY-MM-DD."),
        ({"start": "9999-12-31"}, "start", "That date is too far from today."),
        ({"start": None}, "start", "This field is required."),
        ({"type": None}, "type", "This field is required."),
        ({"type": "haircut"}, "type", "Unknown appointment type. Choose one of: "),
        ({"type": "x" * 5000}, "type", "Ensure this field has no more than 50 characters."),
        ({"artist": "sam"}, "artist", "A valid integer is required."),
        ({"artist": "99999"}, "artist", "No artist with this id."),
        ({"artist": "99999999999999999999999"}, "artist", "Ensure this value is less than"),
    ],
)
def test_bad_input_is_a_field_error(client, clinic, params, field, message):
    query = {"type": "consultation", "start": clinic.day.isoformat(), "days": "3"}
    query.update(params)
    query = {key: value for key, value in query.items() if value is not None}

    response = get(client, **query)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field][0].startswith(message)


def test_a_start_in_the_past_is_refused_with_todays_date(client, clinic):
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)

    response = get(client, type="consultation", start=yesterday.isoformat())

    assert response.status_code == 400
    assert response.json() == {"start": [f"Choose today ({today.isoformat()}) or a later date."]}


def test_someone_who_is_not_an_artist_is_not_an_artist(client, clinic):
    for user in (clinic.people.front_desk, clinic.people.client_a):
        response = get(client, type="consultation", start=clinic.day.isoformat(), artist=user.pk)
        assert response.json() == {"artist": ["No artist with this id."]}


def test_the_query_count_does_not_grow_with_days_or_bookings(as_user, clinic):
    staff = as_user(clinic.people.front_desk)
    get(staff, type="consultation", start=clinic.day.isoformat(), days=1)  # warm the session

    # Computed, not read from the cache (test_free_times_cache counts a cached answer).
    forget_all_free_times()
    with CaptureQueriesContext(connection) as small:
        response = get(staff, type="consultation", start=clinic.day.isoformat(), days=1)
    assert response.status_code == 200

    for hhmm in ("09:00", "10:00", "11:00", "12:00", "14:00"):
        book(clinic, hhmm)
        book(clinic, hhmm, artist=clinic.artist2, client=clinic.people.record_b)
    forget_all_free_times()
    with CaptureQueriesContext(connection) as large:
        response = get(staff, type="consultation", start=clinic.day.isoformat(), days=62)
    assert response.status_code == 200
    assert len(response.json()["slots"]) > 1000

    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_anonymous_callers_are_throttled_with_a_json_answer(client, as_user, clinic, settings):
    use_throttle_rates(settings, anon="2/min")
    query = {"type": "consultation", "start": clinic.day.isoformat(), "days": 1}

    assert [get(client, **query).status_code for _ in range(2)] == [200, 200]
    response = get(client, **query)

    assert response.status_code == 429
    assert response.json()["detail"].startswith("Request was throttled.")
    assert int(response["Retry-After"]) > 0
    # A forged X-Forwarded-For does not make a new caller.
    assert client.get(URL, query, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    # Signed-in staff are counted on their own, more generous, allowance.
    assert get(as_user(clinic.people.front_desk), **query).status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_only_get_is_allowed(client, clinic, method):
    response = getattr(client, method)(URL, {}, content_type="application/json")

    assert response.status_code == 405
    assert response.json() == {"detail": f'Method "{method.upper()}" not allowed.'}
