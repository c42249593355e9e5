"""The earliest and latest dates a browser can send never break the diary or the API.

A date box sends anything from 0001-01-01 to 275760-09-13 (typed, or by holding an
arrow key); at year 1 or 9999 adding a day, a length or a time zone overflows. Every
form, link and filter that takes a date answers such a value with a message the
person can act on — a form error, a 400 naming the field, or today's page and why —
never a server error, and nothing already saved changes.
"""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from scheduling.availability import free_slots
from scheduling.booking import BookingRefused, booking_create, booking_move
from scheduling.models import Appointment, AppointmentEvent
from tests.clock import MONDAY, at

from .api_fixtures import iso, make_clinic, use_throttle_rates
from .diary_fixtures import book

pytestmark = pytest.mark.django_db

OUTSIDE_DIARY = "Choose a date between 1 January 1900 and 31 December 2999."
NOT_A_DATE = "Enter a date like 2027-03-01."
# (date, time) as a browser's date and time boxes send them, and what the form says.
EXTREME_STARTS = [
    ("0001-01-01", "00:00", OUTSIDE_DIARY),
    ("0001-01-01", "23:59", OUTSIDE_DIARY),
    ("9999-12-31", "00:00", OUTSIDE_DIARY),
    ("9999-12-31", "23:59", OUTSIDE_DIARY),
    ("275760-09-13", "00:00", NOT_A_DATE),
]
EXTREME_DATES = ["0001-01-01", "9999-12-31", "275760-09-13"]
EXTREME_DATETIMES = ["0001-01-01T00:00", "9999-12-31T23:59", "275760-09-13T00:00"]
OFFSETS = ["", "Z", "+14:00", "-12:00"]


@pytest.fixture
def saved(clinic):
    """What is in the diary before the request; `unchanged()` says it still is."""
    booked = book(clinic, at(MONDAY, "10:00"), notes="Already booked")

    def snapshot():
        return (
            list(Appointment.objects.order_by("pk").values()),
            list(AppointmentEvent.objects.order_by("pk").values()),
            list(Client.objects.order_by("pk").values_list("pk", "first_name", "email")),
        )

    before = snapshot()

    class Saved:
        appointment = booked

        @staticmethod
        def unchanged() -> bool:
            return snapshot() == before

    return Saved()


def shown_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- the diary's booking and move forms ---------------------------------------------------


@pytest.mark.parametrize("date, time, error", EXTREME_STARTS)
def test_booking_at_an_extreme_date_is_a_form_error(clinic, as_user, saved, date, time, error):
    response = as_user(clinic.people.front_desk).post(
        reverse("scheduling:book"),
        {
            "type": "consultation",
            "artist": clinic.sam.pk,
            "starts_at_0": date,
            "starts_at_1": time,
            "new_first_name": "Daniel",
            "new_last_name": "Whitaker",
            "new_email": "daniel@example.com",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["starts_at"] == [error]
    assert error in response.content.decode()
    assert saved.unchanged()  # no appointment, and no new client left behind


@pytest.mark.parametrize("date, time, error", EXTREME_STARTS)
def test_moving_to_an_extreme_date_is_a_form_error(clinic, as_user, saved, date, time, error):
    appointment = saved.appointment

    response = as_user(clinic.people.front_desk).post(
        reverse("scheduling:move", args=[appointment.pk]),
        {"starts_at_0": date, "starts_at_1": time, "artist": clinic.sam.pk, "minutes": "45"},
    )

    assert response.status_code == 200
    assert response.context["move_form"].errors["starts_at"] == [error]
    page = response.content.decode()
    assert "Not moved: see below." in page
    assert error in page
    assert saved.unchanged()


@pytest.mark.parametrize(
    "start", [value + offset for value in EXTREME_DATETIMES for offset in OFFSETS]
)
def test_a_booking_link_with_an_extreme_start_says_so_and_leaves_the_time_to_choose(
    clinic, as_user, saved, start
):
    response = as_user(clinic.people.front_desk).get(
        reverse("scheduling:book"),
        {"start": start, "type": "consultation", "artist": clinic.sam.pk, "client": clinic.ben.pk},
    )

    assert response.status_code == 200
    [message] = shown_messages(response)
    assert message.startswith(f"The link's start “{start}” is not a date and time the diary has")
    assert message.endswith(OUTSIDE_DIARY)
    assert response.context["form"]["starts_at"].value() is None
    assert response.context["free_times"] is None
    assert saved.unchanged()


# --- day and week navigation --------------------------------------------------------------


@pytest.mark.parametrize("view, page", [("day", "scheduling:day"), ("week", "scheduling:week")])
@pytest.mark.parametrize(
    "date, error",
    [
        ("0001-01-01", OUTSIDE_DIARY),
        ("9999-12-31", OUTSIDE_DIARY),
        ("275760-09-13", NOT_A_DATE),
        ("1 March", NOT_A_DATE),
    ],
)
def test_going_to_an_extreme_date_opens_today_and_says_why(
    clinic, as_user, saved, view, page, date, error
):
    browser = as_user(clinic.people.front_desk)

    response = browser.get(reverse("scheduling:home"), {"date": date, "view": view})

    assert response.status_code == 302
    assert response["Location"] == reverse(page, args=[timezone.localdate()])
    assert shown_messages(response) == [
        f"The diary has no page for “{date}”; showing today. {error}"
    ]
    assert saved.unchanged()


@pytest.mark.parametrize("date", [dt.date(1900, 1, 1), dt.date(2999, 12, 31)])
def test_the_first_and_last_days_of_the_diary_still_open(clinic, as_user, date):
    browser = as_user(clinic.people.front_desk)

    response = browser.get(reverse("scheduling:home"), {"date": date.isoformat()})

    assert response["Location"] == reverse("scheduling:day", args=[date])
    assert shown_messages(response) == []
    assert browser.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("page", ["day", "week"])
@pytest.mark.parametrize("date", EXTREME_DATES)
def test_a_day_or_week_address_with_an_extreme_date_is_not_found(clinic, as_user, page, date):
    response = as_user(clinic.people.front_desk).get(f"/diary/{page}/{date}/")

    assert response.status_code == 404


# --- the manager's lists of appointments, time off and closed days --------------------------


@pytest.mark.parametrize(
    "url, field",
    [
        ("/admin/scheduling/appointment/", "starts_at"),
        ("/admin/scheduling/timeoff/", "starts_at"),
        ("/admin/scheduling/closedday/", "date"),
    ],
)
@pytest.mark.parametrize(
    "drill_down",
    [
        {"year": "0001"},
        {"year": "9999"},
        {"year": "9999", "month": "12"},
        {"year": "9999", "month": "12", "day": "31"},
        {"year": "275760", "month": "9", "day": "13"},
    ],
)
def test_the_date_drill_down_refuses_years_outside_the_diary(
    clinic, as_user, saved, url, field, drill_down
):
    browser = as_user(clinic.people.manager)

    response = browser.get(url, {f"{field}__{part}": value for part, value in drill_down.items()})

    assert response.status_code == 302
    assert response["Location"] == f"{url}?e=1"
    assert shown_messages(response) == [
        f"The diary has no year {drill_down['year']}. {OUTSIDE_DIARY}"
    ]
    assert browser.get(response["Location"]).status_code == 200
    assert saved.unchanged()


def test_the_date_drill_down_still_opens_a_day_in_the_diary(clinic, as_user, saved):
    response = as_user(clinic.people.manager).get(
        "/admin/scheduling/appointment/",
        {"starts_at__year": MONDAY.year, "starts_at__month": 3, "starts_at__day": 1},
    )

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [saved.appointment]


# --- the JSON API --------------------------------------------------------------------------


@pytest.fixture
def api_clinic(people, settings):
    use_throttle_rates(settings)
    return make_clinic(people)


@pytest.mark.parametrize("date", EXTREME_DATES)
def test_the_api_refuses_extreme_dates_on_the_field(client, as_user, api_clinic, date):
    day = api_clinic.day.isoformat()
    availability = client.get(
        "/api/v1/availability/", {"type": "consultation", "start": date, "days": 7}
    )
    staff = as_user(api_clinic.people.front_desk)
    diary_start = staff.get("/api/v1/appointments/", {"start": date})
    diary_end = staff.get("/api/v1/appointments/", {"start": day, "end": date})

    for response, field in ((availability, "start"), (diary_start, "start"), (diary_end, "end")):
        assert response.status_code == 400
        [message] = response.json()[field]
        assert message in ("That date is too far from today.", "Give the date as YYYY-MM-DD.")


@pytest.mark.parametrize(
    "start", [value + ":00" + offset for value in EXTREME_DATETIMES for offset in OFFSETS]
)
def test_the_api_refuses_to_book_at_an_extreme_time_and_saves_nothing(client, api_clinic, start):
    before = Appointment.objects.count(), Client.objects.count()

    response = client.post(
        "/api/v1/bookings/",
        {
            "type": "consultation",
            "start": start,
            "client": {"first_name": "Daniel", "last_name": "Whitaker", "email": "d@example.com"},
        },
        content_type="application/json",
    )

    assert response.status_code == 400
    [message] = response.json()["start"]
    assert message.startswith(
        (
            "That date is too far from today.",
            "Include the UTC offset",
            "Give the time in ISO 8601 form",
        )
    )
    assert (Appointment.objects.count(), Client.objects.count()) == before


def test_the_api_still_books_a_real_time(client, api_clinic):
    response = client.post(
        "/api/v1/bookings/",
        {
            "type": "consultation",
            "start": iso(api_clinic.day, "10:00"),
            "client": {"first_name": "Daniel", "last_name": "Whitaker", "email": "d@example.com"},
        },
        content_type="application/json",
    )

    assert response.status_code == 201


# --- the booking services behind every door ---------------------------------------------------

EXTREME_MOMENTS = [
    dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.UTC),
    dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=14))),
    dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC),
    dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=-12))),
]


@pytest.mark.parametrize("starts_at", EXTREME_MOMENTS)
def test_the_booking_rules_refuse_a_time_outside_the_diary(clinic, saved, starts_at):
    with pytest.raises(BookingRefused) as refused:
        booking_create(
            client=clinic.ben,
            appointment_type=clinic.consultation,
            artist=clinic.sam,
            starts_at=starts_at,
            by=clinic.people.manager,
            outside_hours_note="Testing the edges",
        )
    assert (refused.value.problem.code, refused.value.problem.message) == (
        "outside_diary",
        OUTSIDE_DIARY,
    )

    with pytest.raises(BookingRefused) as refused:
        booking_move(appointment=saved.appointment, starts_at=starts_at, by=clinic.people.manager)
    assert refused.value.problem.field == "starts_at"
    assert refused.value.problem.code == "outside_diary"
    assert saved.unchanged()


@pytest.mark.parametrize(
    "start_date, days",
    [(dt.date.min, 7), (dt.date(1899, 12, 31), 1), (dt.date(2999, 12, 30), 3), (dt.date.max, 1)],
)
def test_no_free_times_are_offered_outside_the_diary(clinic, start_date, days):
    assert free_slots(appointment_type=clinic.consultation, start_date=start_date, days=days) == []
