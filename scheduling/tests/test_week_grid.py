"""The week grid and moving an appointment by dropping it there: the same move, the same
rules, an answer the page shows in place, and nothing changed by a refused or stale drop.

Sam and Alex work Monday to Saturday 09:00–18:00 (Saturdays until 14:00); the grid's rows
are 5 minutes from 09:00, so 10:00 is row 13 and a 45-minute consultation spans 9 rows.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from scheduling.models import (
    Appointment,
    AppointmentEvent,
    AppointmentStatus,
    AppointmentType,
    BookingPolicy,
    ClosedDay,
    Room,
    TimeOff,
)
from scheduling.tests.diary_fixtures import appointment_blocks, book
from tests.clock import MONDAY, YEAR, at

pytestmark = pytest.mark.django_db

TUESDAY = MONDAY + dt.timedelta(days=1)
WEEK = reverse("scheduling:week", args=[MONDAY])


def drop(browser, appointment, **where):
    appointment.refresh_from_db()
    data = {"version": appointment.updated_at.isoformat(), **where}
    return browser.post(reverse("scheduling:drop", args=[appointment.pk]), data)


def test_each_block_is_drawn_at_its_time_and_length_in_its_artists_lane(clinic, as_user):
    book(clinic, at(MONDAY, "10:00"))
    book(clinic, at(TUESDAY, "14:30"), artist=clinic.alex, client=clinic.ben)
    TimeOff.objects.create(
        artist=clinic.alex, starts_at=at(MONDAY, "13:00"), ends_at=at(MONDAY, "15:00")
    )
    response = as_user(clinic.people.front_desk).get(WEEK)
    first, second = appointment_blocks(response)
    assert (first["data-day"], first["data-artist"], first["data-row"], first["data-span"]) == (
        f"{YEAR}-03-01",
        str(clinic.sam.pk),
        "13",
        "9",
    )
    assert first["text"].startswith("10:00–10:45 Anna Ashby Free consultation")
    assert (second["data-day"], second["data-row"]) == (f"{YEAR}-03-02", "67")
    page = response.content.decode()
    monday = page.split(f'data-day="{YEAR}-03-01"', 1)[1].split("</section>")[0]
    # Alex's time off (13:00–15:00: rows 49 for 24 rows) is shaded in his lane; the
    # clean-up after Anna's consultation (15 minutes) too.
    assert 'class="wg-shade wg-away wg-r49 wg-s24"' in monday
    assert 'class="wg-buffer wg-r22 wg-s3 wg-c1"' in monday
    # Saturday closes at 14:00: the rest of the day is shaded as closed.
    saturday = page.split(f'data-day="{YEAR}-03-06"', 1)[1].split("</section>")[0]
    assert 'class="wg-shade wg-closed wg-r61 wg-s48"' in saturday


def test_the_week_shows_rooms_and_filters_by_artist_room_and_type(clinic, as_user):
    book(clinic, at(MONDAY, "10:00"))  # a consultation: takes a room
    book(clinic, at(MONDAY, "11:00"), artist=clinic.alex, client=clinic.ben, type=clinic.video)
    browser = as_user(clinic.people.front_desk)
    by_room = browser.get(WEEK, {"by": "room"})
    [block] = appointment_blocks(by_room)  # the video consultation has no room
    page = by_room.content.decode()
    assert f'data-lane="r{clinic.room1.pk}"' in page and f'data-lane="r{clinic.room2.pk}"' in page
    assert block["text"].startswith("10:00–10:45 Anna Ashby Free consultation · Sam Okafor")
    assert [
        b["data-artist"] for b in appointment_blocks(browser.get(WEEK, {"artist": clinic.alex.pk}))
    ] == [str(clinic.alex.pk)]
    only_video = appointment_blocks(browser.get(WEEK, {"type": clinic.video.pk}))
    assert [b["data-artist"] for b in only_video] == [str(clinic.alex.pk)]
    # Nonsense in a filter shows everyone rather than failing.
    assert len(appointment_blocks(browser.get(WEEK, {"room": "x", "type": "9" * 30}))) == 2


def test_the_week_grid_costs_the_same_queries_whatever_it_holds(clinic, as_user):
    browser = as_user(clinic.people.front_desk)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert browser.get(WEEK).status_code == 200
        return len(ctx.captured_queries)

    book(clinic, at(MONDAY, "10:00"))
    few = queries()
    for n in range(5):
        book(clinic, at(TUESDAY + dt.timedelta(days=n % 3), f"{10 + n}:00"), artist=clinic.alex)
        book(clinic, at(MONDAY, f"{11 + n}:00"), client=clinic.ben)
    assert queries() == few
    # A closed day (with its reason) and time off in the week cost nothing more either.
    ClosedDay.objects.create(date=TUESDAY + dt.timedelta(days=1), reason="Training day")
    TimeOff.objects.create(
        artist=clinic.alex, starts_at=at(MONDAY, "13:00"), ends_at=at(MONDAY, "15:00")
    )
    assert queries() == few
    assert "Closed: Training day" in browser.get(WEEK).content.decode()
    # The session and its user; the diary's artists, hours, closed days, time off and
    # rooms, the services and the booking policy in one; the appointments with their
    # clients, services, artists, rooms and what other apps flag (a deposit due) in one.
    assert few == 4


def test_an_appointment_keeps_its_room_and_service_after_both_go_out_of_use(
    clinic, as_user, django_assert_num_queries
):
    appointment = book(clinic, at(MONDAY, "10:00"))
    Room.objects.filter(pk=appointment.room_id).update(is_active=False, name="Old <room>")
    AppointmentType.objects.filter(pk=appointment.type_id).update(
        is_active=False, name="Retired & gone", colour="plum"
    )
    browser = as_user(clinic.people.front_desk)
    with django_assert_num_queries(4):
        response = browser.get(WEEK)
    [block] = appointment_blocks(response)
    assert block["text"].startswith("10:00–10:45 Anna Ashby Retired & gone · Old <room>")
    page = response.content.decode()
    assert "service-colour-plum" in page and "Retired &amp; gone · Old &lt;room&gt;" in page
    # Neither is offered as a filter any more.
    assert "Old &lt;room&gt;</option>" not in page and "Retired &amp; gone</option>" not in page


def test_a_new_clinic_without_a_saved_booking_policy_gets_the_usual_step(clinic, as_user):
    BookingPolicy.objects.all().delete()
    page = as_user(clinic.people.front_desk).get(WEEK).content.decode()
    assert 'data-slot-minutes="15"' in page
    assert BookingPolicy.objects.get().slot_minutes == 15


def test_a_drop_moves_it_through_the_same_rules_and_keeps_its_history(clinic, as_user):
    appointment = book(clinic, at(MONDAY, "10:00"))
    desk = as_user(clinic.people.front_desk)
    answer = drop(desk, appointment, day=TUESDAY.isoformat(), time="15:00", artist=clinic.alex.pk)
    assert answer.status_code == 200 and answer.json()["ok"]
    assert answer.json()["message"] == "Moved to Tue 2 Mar 15:00 with Alex Brennan."
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.artist) == (at(TUESDAY, "15:00"), clinic.alex)
    assert AppointmentEvent.objects.filter(appointment=appointment, kind="moved").count() == 1

    # Its lower edge dragged: a longer consultation.
    longer = drop(
        desk, appointment, day=TUESDAY.isoformat(), time="15:00", artist=clinic.alex.pk, minutes=60
    )
    assert longer.json()["ok"]
    appointment.refresh_from_db()
    assert appointment.ends_at == at(TUESDAY, "16:00")


@pytest.mark.parametrize(
    "where,says",
    [
        ({"day": "Tuesday", "time": "10:00"}, "Drop the appointment on a day and a time."),
        ({"day": "0001-01-01", "time": "10:00"}, "Choose a date between"),
        ({"day": "TUESDAY", "time": "25:99"}, "Drop the appointment on a day and a time."),
        ({"day": "TUESDAY", "time": "20:00"}, "working hours"),
        ({"day": "SUNDAY", "time": "10:00"}, "outside the clinic's opening hours"),
        ({"day": "TUESDAY", "time": "10:00", "artist": "999999"}, "not in the diary"),
        ({"day": "PAST", "time": "10:00"}, "past"),
    ],
)
def test_a_drop_the_rules_refuse_changes_nothing_and_says_why(clinic, as_user, where, says):
    appointment = book(clinic, at(MONDAY, "10:00"))
    named = {
        "TUESDAY": TUESDAY.isoformat(),
        "SUNDAY": (MONDAY + dt.timedelta(days=6)).isoformat(),
        "PAST": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
    }
    where = {k: named.get(v, v) for k, v in where.items()}
    answer = drop(as_user(clinic.people.front_desk), appointment, **where)
    assert answer.status_code in (400, 409) and not answer.json()["ok"]
    assert says.lower() in answer.json()["message"].lower()
    appointment.refresh_from_db()
    assert appointment.starts_at == at(MONDAY, "10:00")
    assert not AppointmentEvent.objects.filter(appointment=appointment, kind="moved").exists()


def test_a_drop_onto_a_taken_time_or_from_a_stale_page_is_refused(clinic, as_user):
    appointment = book(clinic, at(MONDAY, "10:00"))
    book(clinic, at(TUESDAY, "10:00"), client=clinic.ben)
    desk = as_user(clinic.people.front_desk)
    taken = drop(desk, appointment, day=TUESDAY.isoformat(), time="10:15")
    assert taken.status_code == 409
    assert taken.json()["message"].startswith("The artist already has an appointment then")

    seen = appointment.updated_at.isoformat()
    drop(desk, appointment, day=TUESDAY.isoformat(), time="14:00")  # someone else moved it
    stale = desk.post(
        reverse("scheduling:drop", args=[appointment.pk]),
        {"version": seen, "day": MONDAY.isoformat(), "time": "16:00"},
    )
    assert stale.status_code == 409 and stale.json()["stale"]
    assert "Someone changed this appointment" in stale.json()["message"]
    appointment.refresh_from_db()
    assert appointment.starts_at == at(TUESDAY, "14:00")


def test_only_staff_who_change_the_diary_may_drop_and_only_what_can_move(clinic, as_user):
    appointment = book(clinic, at(MONDAY, "10:00"))
    where = {"day": TUESDAY.isoformat(), "time": "11:00"}
    assert drop(as_user(clinic.people.artist), appointment, **where).status_code == 403
    assert drop(as_user(clinic.people.client_a), appointment, **where).status_code in (403, 404)
    Appointment.objects.filter(pk=appointment.pk).update(status=AppointmentStatus.COMPLETED)
    done = drop(as_user(clinic.people.front_desk), appointment, **where)
    assert done.status_code == 409 and "cannot move" in done.json()["message"]
    page = as_user(clinic.people.front_desk).get(WEEK).content.decode()
    assert "data-movable" not in page  # a completed appointment is not draggable


def test_the_day_shows_rooms_as_well_as_artists(clinic, as_user):
    book(clinic, at(MONDAY, "10:00"))  # a consultation with Sam, in a room
    book(clinic, at(MONDAY, "11:00"), artist=clinic.alex, client=clinic.ben)
    book(clinic, at(TUESDAY, "10:00"), client=clinic.ben)  # another day: not shown
    browser = as_user(clinic.people.front_desk)
    day = reverse("scheduling:day", args=[MONDAY])
    response = browser.get(day, {"by": "room"})
    page = response.content.decode()
    blocks = appointment_blocks(response)
    assert [(b["data-day"], b["data-room"]) for b in blocks] == [
        (f"{YEAR}-03-01", str(clinic.room1.pk)),
        (f"{YEAR}-03-01", str(clinic.room1.pk)),
    ]
    assert blocks[0]["text"].startswith("10:00–10:45 Anna Ashby Free consultation · Sam Okafor")
    assert f'data-lane="r{clinic.room2.pk}"' in page and "wg-one-day" in page
    assert f'href="{day}?by=room"' in page and 'aria-current="true">By room' in page
    # By artist (the default) is the grid of free times.
    assert 'data-testid="diary-day"' in browser.get(day).content.decode()


def test_a_manager_gives_a_reason_where_the_policy_asks_for_one(clinic, as_user):
    appointment = book(clinic, at(MONDAY, "10:00"))
    late = {"day": TUESDAY.isoformat(), "time": "18:30"}  # after hours
    desk = drop(as_user(clinic.people.front_desk), appointment, **late)
    assert desk.status_code == 409 and not desk.json()["needs_reason"]
    manager = as_user(clinic.people.manager)
    asked = drop(manager, appointment, **late)
    assert asked.status_code == 409 and asked.json()["needs_reason"]
    assert asked.json()["message"].endswith("Give your reason to move it there anyway.")
    done = drop(manager, appointment, **late, reason="Only evening the client can come")
    assert done.json()["ok"]
    appointment.refresh_from_db()
    assert appointment.starts_at == at(TUESDAY, "18:30")
    assert appointment.outside_hours_note == "Only evening the client can come"
