"""GET /api/v1/appointments/: the diary as JSON, for staff only."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from scheduling.booking import booking_cancel, booking_create
from tests.clock import SUMMER_MONTHS, WINTER_MONTHS, at, monday_in

from .api_fixtures import iso, make_clinic, use_throttle_rates

pytestmark = pytest.mark.django_db
URL = "/api/v1/appointments/"
# Staff bookings have no online horizon, but the API refuses dates years ahead:
# a Monday in winter (GMT) and one in summer (BST), a few weeks from today.
MONDAY = monday_in(WINTER_MONTHS)
SUMMER_MONDAY = monday_in(SUMMER_MONTHS)
START = MONDAY.isoformat()


@pytest.fixture
def clinic(people, settings):
    use_throttle_rates(settings)
    return make_clinic(people)


def book(clinic, day, hhmm, *, artist=None, client=None, type=None):
    return booking_create(
        client=client or clinic.people.record_a,
        appointment_type=type or clinic.consultation,
        artist=artist or clinic.artist,
        starts_at=at(day, hhmm),
        by=clinic.people.front_desk,
    )


@pytest.mark.parametrize("role", ["manager", "artist", "front_desk"])
def test_staff_read_the_diary_with_rooms_clients_and_statuses(as_user, clinic, role):
    first = book(clinic, MONDAY, "10:00")
    video = book(clinic, MONDAY, "10:00", artist=clinic.artist2, type=clinic.video)
    cancelled = book(clinic, MONDAY, "15:00", client=clinic.people.record_b)
    booking_cancel(appointment=cancelled, reason="Client is unwell", by=clinic.people.front_desk)

    response = as_user(getattr(clinic.people, role)).get(URL, {"start": MONDAY.isoformat()})

    assert response.status_code == 200
    assert response.json() == {
        "appointments": [
            {
                "id": first.pk,
                "start": f"{START}T10:00:00+00:00",
                "end": f"{START}T10:45:00+00:00",
                "status": "booked",
                "type": "consultation",
                "artist": clinic.artist.pk,
                "room": {"id": clinic.room1.pk, "name": "Room 1"},
                "client": {"id": clinic.people.record_a.pk, "name": "Anna Ashby"},
            },
            {
                "id": video.pk,
                "start": f"{START}T10:00:00+00:00",
                "end": f"{START}T10:30:00+00:00",
                "status": "booked",
                "type": "video-consultation",
                "artist": clinic.artist2.pk,
                "room": None,
                "client": {"id": clinic.people.record_a.pk, "name": "Anna Ashby"},
            },
            {
                "id": cancelled.pk,
                "start": f"{START}T15:00:00+00:00",
                "end": f"{START}T15:45:00+00:00",
                "status": "cancelled",
                "type": "consultation",
                "artist": clinic.artist.pk,
                "room": {"id": clinic.room1.pk, "name": "Room 1"},
                "client": {"id": clinic.people.record_b.pk, "name": "Ben Barker"},
            },
        ]
    }


def test_the_range_is_clinic_dates_with_both_ends_included(as_user, clinic):
    book(clinic, MONDAY - dt.timedelta(days=2), "13:00")  # the Saturday before
    inside = [
        book(clinic, MONDAY, "09:00"),
        book(clinic, MONDAY + dt.timedelta(days=2), "17:00"),
    ]
    book(clinic, MONDAY + dt.timedelta(days=3), "09:00")

    response = as_user(clinic.people.front_desk).get(
        URL, {"start": MONDAY.isoformat(), "end": (MONDAY + dt.timedelta(days=2)).isoformat()}
    )

    assert [row["id"] for row in response.json()["appointments"]] == [a.pk for a in inside]


def test_summer_dates_are_london_dates_and_show_plus_one_hour(as_user, clinic):
    # 09:00 in London is 08:00 UTC; the day still starts at London midnight.
    early = book(clinic, SUMMER_MONDAY, "09:00")

    response = as_user(clinic.people.front_desk).get(URL, {"start": SUMMER_MONDAY.isoformat()})

    [row] = response.json()["appointments"]
    assert row["id"] == early.pk
    assert (
        row["start"] == iso(SUMMER_MONDAY, "09:00") == f"{SUMMER_MONDAY.isoformat()}T09:00:00+01:00"
    )
    previous_day = (SUMMER_MONDAY - dt.timedelta(days=1)).isoformat()
    response = as_user(clinic.people.front_desk).get(URL, {"start": previous_day})
    assert response.json() == {"appointments": []}


def test_the_artist_filter_gives_one_artists_appointments(as_user, clinic):
    book(clinic, MONDAY, "10:00")
    theirs = book(clinic, MONDAY, "11:00", artist=clinic.artist2)

    response = as_user(clinic.people.artist).get(
        URL, {"start": MONDAY.isoformat(), "artist": clinic.artist2.pk}
    )

    assert [row["id"] for row in response.json()["appointments"]] == [theirs.pk]


def test_a_staff_token_works_without_a_session(client, clinic):
    shown = book(clinic, MONDAY, "10:00")
    token = Token.objects.create(user=clinic.people.artist)

    response = client.get(
        URL, {"start": MONDAY.isoformat()}, HTTP_AUTHORIZATION=f"Token {token.key}"
    )

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["appointments"]] == [shown.pk]


@pytest.mark.parametrize("who", ["client_a", "client_b"])
def test_clients_are_refused_with_a_session_or_a_token(client, as_user, clinic, who):
    book(clinic, MONDAY, "10:00")
    user = getattr(clinic.people, who)

    by_session = as_user(user).get(URL, {"start": MONDAY.isoformat()})
    client.logout()
    token = Token.objects.create(user=user)
    by_token = client.get(
        URL, {"start": MONDAY.isoformat()}, HTTP_AUTHORIZATION=f"Token {token.key}"
    )

    for response in (by_session, by_token):
        assert response.status_code == 403
        assert response.json() == {"detail": "Only the clinic's staff can use this."}
        assert "Anna" not in response.content.decode()


def test_anonymous_callers_must_authenticate(client, clinic):
    book(clinic, MONDAY, "10:00")

    response = client.get(URL, {"start": MONDAY.isoformat()})

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert "Anna" not in response.content.decode()


def test_a_deactivated_staff_member_is_refused(client, clinic):
    token = Token.objects.create(user=clinic.people.front_desk)
    clinic.people.front_desk.is_active = False
    clinic.people.front_desk.save()

    response = client.get(
        URL, {"start": MONDAY.isoformat()}, HTTP_AUTHORIZATION=f"Token {token.key}"
    )

    assert response.status_code == 401


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({}, "start", "This field is required."),
        ({"start": "1 March"}, "start", "Give the date as YYYY-MM-DD."),
        (
            {"start": START, "end": (MONDAY - dt.timedelta(days=1)).isoformat()},
            "end",
            "The end date is before the start",
        ),
        (
            {"start": START, "end": (MONDAY + dt.timedelta(days=62)).isoformat()},
            "end",
            "Ask for at most 62 days at a time.",
        ),
        ({"start": "9999-12-01"}, "start", "That date is too far from today."),
        (
            {"start": START, "end": "9999-12-31"},
            "end",
            "That date is too far from today.",
        ),
        (
            {"start": START, "artist": "everyone"},
            "artist",
            "A valid integer is required.",
        ),
        ({"start": START, "artist": "424242"}, "artist", "No artist with this id."),
    ],
)
def test_bad_input_is_a_field_error(as_user, clinic, params, field, message):
    response = as_user(clinic.people.front_desk).get(URL, params)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field][0].startswith(message)


def test_62_days_are_allowed(as_user, clinic):
    response = as_user(clinic.people.front_desk).get(
        URL, {"start": START, "end": (MONDAY + dt.timedelta(days=61)).isoformat()}
    )

    assert response.status_code == 200


def test_the_query_count_does_not_grow_with_the_diary(as_user, clinic):
    staff = as_user(clinic.people.front_desk)
    book(clinic, MONDAY, "09:00")
    week = {"start": MONDAY.isoformat(), "end": (MONDAY + dt.timedelta(days=5)).isoformat()}
    staff.get(URL, week)

    with CaptureQueriesContext(connection) as small:
        assert len(staff.get(URL, week).json()["appointments"]) == 1

    for offset in range(5):
        day = MONDAY + dt.timedelta(days=offset)
        for hhmm in ("10:00", "11:00", "12:00", "14:00", "16:00"):
            book(clinic, day, hhmm)
            book(clinic, day, hhmm, artist=clinic.artist2, client=clinic.people.record_b)
    with CaptureQueriesContext(connection) as large:
        assert len(staff.get(URL, week).json()["appointments"]) == 51

    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_only_get_is_allowed(as_user, clinic, method):
    response = getattr(as_user(clinic.people.manager), method)(URL)

    assert response.status_code == 405
    assert response.json() == {"detail": f'Method "{method.upper()}" not allowed.'}


# --- Tokens and the clinic's two-factor rule ------------------------------------------------


def _require_two_factor():
    from accounts.models import SecurityPolicy

    SecurityPolicy.objects.update_or_create(pk=1, defaults={"require_staff_two_factor": True})


def test_while_two_factor_is_required_a_token_without_it_is_refused_with_the_reason(client, clinic):
    book(clinic, MONDAY, "10:00")
    token = Token.objects.create(user=clinic.people.artist)  # made before the rule
    _require_two_factor()

    response = client.get(URL, {"start": START}, HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    detail = response.json()["detail"]
    assert "requires two-factor sign-in" in detail
    assert "set up two-factor sign-in, then use the token again" in detail
    assert "Anna" not in response.content.decode()


def test_while_two_factor_is_required_a_token_of_someone_who_set_it_up_works(client, clinic):
    from accounts.tests.helpers import give_two_factor

    shown = book(clinic, MONDAY, "10:00")
    give_two_factor(clinic.people.artist)
    token = Token.objects.create(user=clinic.people.artist)
    _require_two_factor()

    response = client.get(URL, {"start": START}, HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["appointments"]] == [shown.pk]


def test_while_two_factor_is_required_a_clients_token_is_still_only_refused_as_a_client(
    client, clinic
):
    _require_two_factor()
    token = Token.objects.create(user=clinic.people.client_a)

    response = client.get(URL, {"start": START}, HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 403
    assert response.json() == {"detail": "Only the clinic's staff can use this."}


def test_a_session_that_has_not_given_its_code_reads_no_diary(client, clinic):
    from accounts.tests.helpers import give_two_factor, sign_in

    book(clinic, MONDAY, "10:00")
    give_two_factor(clinic.people.artist)
    sign_in(client, clinic.people.artist.email)  # the password, not yet the code

    response = client.get(URL, {"start": START})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/verify/")
    assert "Anna" not in response.content.decode()
