"""Booking from the diary, and each appointment's page: move, cancel, arrivals and no-shows."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from clients.models import Client
from scheduling.booking import appointment_set_status
from scheduling.models import (
    Appointment,
    AppointmentEventKind,
    AppointmentStatus,
    BookingPolicy,
    BookingSource,
    TimeOff,
)
from tests.clock import MONDAY, YEAR, at

from .diary_fixtures import book, past_no_show

pytestmark = pytest.mark.django_db

BOOK = reverse("scheduling:book")
TUESDAY = MONDAY + dt.timedelta(days=1)


def booking_data(clinic, **overrides) -> dict:
    data = {
        "client": clinic.anna.pk,
        "type": "consultation",
        "artist": clinic.sam.pk,
        "starts_at_0": f"{YEAR}-03-01",
        "starts_at_1": "10:00",
        "minutes": "",
        "room": "",
        "notes": "Bring reference photos",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def move_data(clinic, **overrides) -> dict:
    data = {
        "starts_at_0": f"{YEAR}-03-02",
        "starts_at_1": "11:00",
        "artist": clinic.sam.pk,
        "room": "",
        "minutes": "45",
    }
    data.update(overrides)
    return data


def field_errors(response, name: str) -> list[str]:
    return [str(e) for e in response.context["form"].errors.get(name, [])]


# --- the booking form -------------------------------------------------------------


def test_free_times_follow_the_choices_before_anything_is_sent(clinic, as_user):
    """The page asks for the type, artist and day, and shows that day's free times as soon
    as they are chosen, without booking (or failing to book) first."""
    desk = as_user(clinic.people.front_desk)
    page = desk.get(BOOK).content.decode()
    assert "Choose the type, the artist and the day to see the free times." in page
    assert f'hx-get="{reverse("scheduling:free_times")}"' in page
    url = reverse("scheduling:free_times")
    partial = desk.get(
        url, {"type": "consultation", "artist": clinic.sam.pk, "starts_at_0": f"{YEAR}-03-01"}
    ).content.decode()
    assert "Free times on Mon 1 Mar with Sam Okafor" in partial
    assert 'data-time="09:00"' in partial and 'data-form="booking-form"' in partial
    # Not enough chosen yet, or nonsense: the hint, never an error.
    for query in ({"type": "consultation"}, {"artist": "x", "starts_at_0": "9999-99-99"}):
        response = desk.get(url, query)
        assert response.status_code == 200
        assert "to see the free times" in response.content.decode()
    assert as_user(clinic.people.client_a).get(url).status_code in (403, 404)


def test_it_prefills_the_form_from_a_diary_link(clinic, as_user):
    response = as_user(clinic.people.front_desk).get(
        BOOK,
        {"start": f"{YEAR}-03-01T11:15", "artist": clinic.alex.pk, "type": "treatment-session"},
    )
    page = response.content.decode()
    assert f'name="starts_at_0" value="{YEAR}-03-01"' in page
    assert 'name="starts_at_1" value="11:15"' in page
    assert f'<option value="{clinic.alex.pk}" selected>Alex Brennan</option>' in page
    assert '<option value="treatment-session" selected>Treatment session</option>' in page
    assert 'name="minutes" value="240"' in page
    # The free times that day for that artist and type, to pick from instead.
    assert "Free times on Mon 1 Mar with Alex Brennan" in page
    assert 'data-time="09:00"' in page
    # No client yet: search for one or add one.
    assert "Find a client" in page
    assert "…or add a new client" in page


def test_it_books_a_chosen_client_from_the_front_desk(clinic, as_user):
    browser = as_user(clinic.people.front_desk)

    response = browser.post(BOOK, booking_data(clinic))

    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("scheduling:day", args=[MONDAY]) + f"#appointment-{appointment.pk}"
    )
    assert appointment.client == clinic.anna
    assert appointment.type == clinic.consultation
    assert appointment.artist == clinic.sam
    assert appointment.starts_at == at(MONDAY, "10:00")
    assert appointment.minutes == 45
    assert appointment.room == clinic.room1  # picked for them
    assert appointment.source == BookingSource.FRONT_DESK
    assert appointment.booked_by == clinic.people.front_desk
    assert appointment.notes == "Bring reference photos"
    page = browser.get(response["Location"]).content.decode()
    assert "Booked: Free consultation for Anna Ashby, Mon 1 Mar 10:00 with Sam Okafor." in page


def test_it_books_the_room_and_length_chosen(clinic, as_user):
    as_user(clinic.people.front_desk).post(
        BOOK,
        booking_data(clinic, type="treatment-session", minutes="180", room=clinic.room2.pk),
    )
    appointment = Appointment.objects.get()
    assert appointment.room == clinic.room2
    assert appointment.ends_at == at(MONDAY, "13:00")


def test_an_overlap_is_refused_on_the_time_and_everything_typed_is_kept(clinic, as_user):
    existing = book(clinic, at(MONDAY, "10:00"), client=clinic.ben)

    response = as_user(clinic.people.front_desk).post(
        BOOK, booking_data(clinic, starts_at_1="10:30", notes="Prefers mornings")
    )

    assert response.status_code == 200
    assert field_errors(response, "starts_at") == [
        "The artist already has an appointment then (clean-up time included)."
    ]
    assert list(Appointment.objects.all()) == [existing]
    page = response.content.decode()
    assert "The appointment was not booked" in page
    assert 'name="starts_at_1" value="10:30"' in page
    assert "Prefers mornings</textarea>" in page
    assert 'data-testid="chosen-client"' in page and "Anna Ashby" in page
    # The free times that day are offered.
    assert "Free times on Mon 1 Mar with Sam Okafor" in page
    assert 'data-time="11:00"' in page
    assert 'data-time="10:30"' not in page


def test_a_taken_room_is_refused_on_the_room(clinic, as_user):
    book(clinic, at(MONDAY, "10:00"), artist=clinic.alex, room=clinic.room1, client=clinic.ben)

    response = as_user(clinic.people.front_desk).post(
        BOOK, booking_data(clinic, room=clinic.room1.pk)
    )

    assert field_errors(response, "room") == ["Room 1 is already booked then."]
    assert Appointment.objects.count() == 1


def test_an_artist_away_is_refused_on_the_artist(clinic, as_user):
    TimeOff.objects.create(
        artist=clinic.sam, starts_at=at(MONDAY, "09:00"), ends_at=at(MONDAY, "12:00")
    )
    response = as_user(clinic.people.front_desk).post(BOOK, booking_data(clinic))
    assert field_errors(response, "artist") == ["The artist is away at that time."]
    assert not Appointment.objects.exists()


def test_a_length_outside_the_types_range_is_refused_on_the_length(clinic, as_user):
    response = as_user(clinic.people.front_desk).post(BOOK, booking_data(clinic, minutes="200"))
    assert field_errors(response, "minutes") == [
        "A free consultation lasts between 30 and 90 minutes."
    ]
    assert not Appointment.objects.exists()


def test_bad_input_is_explained_on_each_field(clinic, as_user):
    response = as_user(clinic.people.front_desk).post(
        BOOK,
        booking_data(
            clinic, client="", type="", artist="", starts_at_0=f"{YEAR}-03-01", starts_at_1=""
        ),
    )
    form = response.context["form"]
    assert form.errors["client"] == ["Choose a client, or add a new one."]
    assert form.errors["type"] == ["Choose the kind of appointment."]
    assert form.errors["artist"] == ["Choose an artist."]
    assert form.errors["starts_at"] == ["Give the date and the time."]
    assert "Choose a client, or add a new one." in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_nonexistent_local_time_is_refused(clinic, as_user):
    # 01:30 does not exist on 28 March 2027 in London: the clocks jump from 01:00 to 02:00.
    response = as_user(clinic.people.manager).post(
        BOOK, booking_data(clinic, starts_at_0=f"{YEAR}-03-28", starts_at_1="01:30")
    )
    assert "Europe/London" in " ".join(field_errors(response, "starts_at"))
    assert not Appointment.objects.exists()


def test_outside_hours_is_refused_for_the_front_desk_even_with_a_note(clinic, as_user):
    browser = as_user(clinic.people.front_desk)
    page = browser.get(BOOK).content.decode()
    assert "Outside usual hours" not in page

    response = browser.post(
        BOOK,
        booking_data(
            clinic, starts_at_1="19:00", outside_hours="on", outside_hours_note="Client asked"
        ),
    )

    assert field_errors(response, "starts_at") == [
        "That is outside the clinic's opening hours or the artist's working hours."
    ]
    assert not Appointment.objects.exists()


def test_a_manager_books_outside_hours_with_a_note(clinic, as_user):
    browser = as_user(clinic.people.manager)
    assert "Outside usual hours" in browser.get(BOOK).content.decode()

    response = browser.post(
        BOOK,
        booking_data(
            clinic,
            starts_at_1="19:00",
            outside_hours="on",
            outside_hours_note="Only time he can come",
        ),
    )

    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.starts_at == at(MONDAY, "19:00")
    assert appointment.outside_hours_note == "Only time he can come"
    assert appointment.booked_by == clinic.people.manager


def test_a_manager_outside_hours_needs_the_tick_and_a_note(clinic, as_user):
    browser = as_user(clinic.people.manager)

    response = browser.post(BOOK, booking_data(clinic, starts_at_1="19:00"))
    assert field_errors(response, "starts_at") == [
        "That is outside the clinic's opening hours or the artist's working hours."
    ]
    assert field_errors(response, "outside_hours") == [
        "To book it anyway, tick this and say why in the note below."
    ]

    response = browser.post(
        BOOK, booking_data(clinic, starts_at_1="19:00", outside_hours="on", outside_hours_note=" ")
    )
    assert field_errors(response, "outside_hours_note") == [
        "Say why this booking is outside the usual hours."
    ]
    assert re.search(r'name="outside_hours"[^>]*checked', response.content.decode())
    assert not Appointment.objects.exists()


def test_a_new_client_is_created_with_the_booking(clinic, as_user):
    response = as_user(clinic.people.front_desk).post(
        BOOK,
        booking_data(
            clinic,
            client="",
            new_first_name=" Carl ",
            new_last_name="Dunn",
            new_email="Carl.Dunn@Example.com",
            new_phone="07911 123456",
            new_contact_consent="on",
        ),
    )

    assert response.status_code == 302
    carl = Client.objects.get(last_name="Dunn")
    assert carl.first_name == "Carl"
    assert carl.email == "carl.dunn@example.com"
    assert carl.phone == "+447911123456"
    assert carl.contact_consent is True
    assert carl.created_by == clinic.people.front_desk
    assert Appointment.objects.get().client == carl


def test_a_new_client_with_a_known_email_is_refused_with_a_link(clinic, as_user):
    response = as_user(clinic.people.front_desk).post(
        BOOK,
        booking_data(
            clinic,
            client="",
            new_first_name="Annie",
            new_last_name="Ashby",
            new_email="ANNA@clinic.test",
            notes="Walk-in",
        ),
    )

    assert response.status_code == 200
    [error] = field_errors(response, "new_email")
    assert "Another client already has this email address" in error
    page = response.content.decode()
    assert f'<a href="{clinic.anna.get_absolute_url()}">Anna Ashby</a>' in page
    assert 'name="new_first_name" value="Annie"' in page
    assert "Walk-in</textarea>" in page
    assert Client.objects.count() == 2
    assert not Appointment.objects.exists()


def test_a_new_client_needs_a_name_and_a_way_to_reach_them(clinic, as_user):
    response = as_user(clinic.people.front_desk).post(
        BOOK, booking_data(clinic, client="", new_first_name="Carl")
    )
    form = response.context["form"]
    assert form.errors["new_last_name"] == ["Enter the client's last name."]
    assert form.errors["new_email"] == ["Give an email address or a phone number."]
    assert Client.objects.count() == 2


def test_a_refused_booking_does_not_leave_the_new_client_behind(clinic, as_user):
    book(clinic, at(MONDAY, "10:00"), client=clinic.ben)
    browser = as_user(clinic.people.front_desk)
    data = booking_data(
        clinic, client="", new_first_name="Carl", new_last_name="Dunn", new_email="carl@example.com"
    )

    response = browser.post(BOOK, data)
    assert field_errors(response, "starts_at")
    assert not Client.objects.filter(last_name="Dunn").exists()

    # Sending it again at a free time works: no "duplicate" of the first try.
    response = browser.post(BOOK, {**data, "starts_at_1": "11:00"})
    assert response.status_code == 302
    assert Appointment.objects.get(starts_at=at(MONDAY, "11:00")).client.last_name == "Dunn"


def test_the_client_search_keeps_the_booking_details(clinic, as_user):
    browser = as_user(clinic.people.front_desk)
    params = {"start": f"{YEAR}-03-01T11:00", "artist": clinic.sam.pk, "type": "consultation"}

    page = browser.get(BOOK, {**params, "q": "ashby"}).content.decode()

    assert "Choose Anna Ashby" in page
    assert "Ben Barker" not in page
    assert (
        f'href="{BOOK}?start={YEAR}-03-01T11%3A00&amp;type=consultation&amp;artist={clinic.sam.pk}'
        f'&amp;client={clinic.anna.pk}"'
    ) in page
    # The live search answers with the same list, from the form's own fields.
    partial = browser.get(
        reverse("scheduling:client_picker"),
        {
            "q": "7911 123002",
            "starts_at_0": f"{YEAR}-03-01",
            "starts_at_1": "11:00",
            "type": "touch-up",
        },
    ).content.decode()
    assert "<html" not in partial
    assert "Choose Ben Barker" in partial
    assert f"start={YEAR}-03-01T11%3A00&amp;type=touch-up&amp;client={clinic.ben.pk}" in partial
    partial = browser.get(reverse("scheduling:client_picker"), {"q": "nobody"}).content.decode()
    assert "No client matches “nobody”" in partial


def test_choosing_a_client_shows_their_no_shows(clinic, as_user):
    past_no_show(clinic, client=clinic.anna, days_ago=30)
    past_no_show(clinic, client=clinic.anna, days_ago=60)
    past_no_show(clinic, client=clinic.ben, days_ago=30)
    browser = as_user(clinic.people.front_desk)

    page = browser.get(BOOK, {"client": clinic.anna.pk}).content.decode()
    assert 'data-testid="no-shows">2 no-shows</span>' in page
    assert "Find a client" not in page
    page = browser.get(BOOK, {"client": clinic.ben.pk}).content.decode()
    assert 'data-testid="no-shows">1 no-show</span>' in page
    page = browser.get(BOOK, {"client": 999999}).content.decode()
    assert "Find a client" in page


# --- the appointment page ---------------------------------------------------------


def test_the_appointment_page_shows_everything_about_it(clinic, as_user):
    past_no_show(clinic, client=clinic.anna, days_ago=10)
    appointment = book(clinic, at(MONDAY, "10:00"), notes="Nervous about needles")

    page = as_user(clinic.people.artist).get(appointment.get_absolute_url()).content.decode()

    assert f'<a href="{clinic.anna.get_absolute_url()}">Anna Ashby</a>' in page
    assert 'data-testid="no-shows">1 no-show</span>' in page
    assert "Free consultation" in page
    assert f"Monday 1 March {YEAR}, 10:00–10:45" in page
    assert "Sam Okafor" in page
    assert "Room 1" in page
    assert "Booked" in page
    assert "Front desk by Jordan Price" in page
    assert "Nervous about needles" in page
    assert "Booked (front desk) for Mon 1 Mar 10:00" in page
    assert f'href="/ics/appointments/{appointment.pk}.ics"' in page
    # Arrival is marked on the day: nothing for the artist to mark weeks ahead.
    assert "Mark arrived" not in page


def test_a_future_appointment_offers_confirming_but_not_arrival(clinic, as_user):
    appointment = book(clinic, at(MONDAY, "10:00"))
    page = as_user(clinic.people.front_desk).get(appointment.get_absolute_url()).content.decode()
    assert "Mark confirmed" in page
    assert "Mark arrived" not in page and "Mark no-show" not in page


def test_a_video_consultation_shows_its_meeting_link(clinic, as_user):
    policy = BookingPolicy.current()
    policy.video_meeting_url = "https://meet.example.com/smp-clinic"
    policy.save()
    appointment = book(clinic, at(MONDAY, "10:00"), type=clinic.video)

    page = as_user(clinic.people.front_desk).get(appointment.get_absolute_url()).content.decode()

    assert 'href="https://meet.example.com/smp-clinic"' in page
    assert "Video call — no room" in page


def test_an_outside_hours_booking_shows_why(clinic, as_user):
    appointment = book(
        clinic, at(MONDAY, "19:00"), by=clinic.people.manager, outside_hours_note="Evening only"
    )
    page = as_user(clinic.people.front_desk).get(appointment.get_absolute_url()).content.decode()
    assert "Outside usual hours" in page
    assert "Evening only" in page


def test_a_missing_appointment_is_not_found(clinic, as_user):
    browser = as_user(clinic.people.front_desk)
    assert browser.get(reverse("scheduling:appointment_detail", args=[999])).status_code == 404
    response = browser.post(reverse("scheduling:move", args=[999]), move_data(clinic))
    assert response.status_code == 404
    response = browser.post(reverse("scheduling:cancel", args=[999]), {"reason": "x"})
    assert response.status_code == 404
    response = browser.post(reverse("scheduling:set_status", args=[999]), {"status": "confirmed"})
    assert response.status_code == 404


def test_moving_saves_the_new_time_and_records_it(clinic, as_user):
    appointment = book(clinic, at(MONDAY, "10:00"))
    browser = as_user(clinic.people.front_desk)

    response = browser.post(
        reverse("scheduling:move", args=[appointment.pk]),
        move_data(clinic, artist=clinic.alex.pk, room=clinic.room2.pk),
    )

    assert response.status_code == 302
    assert response["Location"] == appointment.get_absolute_url()
    appointment.refresh_from_db()
    assert appointment.starts_at == at(TUESDAY, "11:00")
    assert appointment.artist == clinic.alex
    assert appointment.room == clinic.room2
    event = appointment.events.get(kind=AppointmentEventKind.MOVED)
    assert event.by == clinic.people.front_desk
    page = browser.get(appointment.get_absolute_url()).content.decode()
    assert "Moved to Tue 2 Mar 11:00 with Alex Brennan." in page
    assert "Moved from Mon 1 Mar 10:00 to Tue 2 Mar 11:00" in page
    assert "artist Sam Okafor → Alex Brennan" in page
    assert "by Jordan Price" in page


def test_a_move_into_a_conflict_is_refused_in_place(clinic, as_user):
    appointment = book(clinic, at(MONDAY, "10:00"))
    book(clinic, at(TUESDAY, "11:00"), client=clinic.ben)

    response = as_user(clinic.people.front_desk).post(
        reverse("scheduling:move", args=[appointment.pk]), move_data(clinic, minutes="60")
    )

    assert response.status_code == 200
    errors = response.context["move_form"].errors
    assert errors["starts_at"] == [
        "The artist already has an appointment then (clean-up time included)."
    ]
    page = response.content.decode()
    assert "Not moved: see below." in page
    assert "<details open" in page
    assert f'name="starts_at_0" value="{YEAR}-03-02"' in page
    assert 'name="minutes" value="60"' in page
    assert "Free times on Tue 2 Mar with Sam Okafor" in page
    appointment.refresh_from_db()
    assert appointment.starts_at == at(MONDAY, "10:00")
    assert not appointment.events.filter(kind=AppointmentEventKind.MOVED).exists()


def test_a_cancelled_appointment_offers_no_move_and_cannot_be_moved(clinic, as_user):
    appointment = book(clinic, at(MONDAY, "10:00"))
    appointment_set_status(appointment=appointment, status="cancelled", reason="Ill")
    browser = as_user(clinic.people.front_desk)

    page = browser.get(appointment.get_absolute_url()).content.decode()
    assert "Move to another time" not in page
    assert "Cancel this appointment" not in page

    response = browser.post(reverse("scheduling:move", args=[appointment.pk]), move_data(clinic))
    assert response.context["move_form"].errors["starts_at"] == [
        "A cancelled appointment cannot move."
    ]
    appointment.refresh_from_db()
    assert appointment.starts_at == at(MONDAY, "10:00")


def test_cancelling_needs_a_reason(clinic, as_user):
    appointment = book(clinic, at(MONDAY, "10:00"))
    browser = as_user(clinic.people.front_desk)
    url = reverse("scheduling:cancel", args=[appointment.pk])

    response = browser.post(url, {"reason": "   "})
    assert response.status_code == 200
    assert response.context["cancel_form"].errors["reason"] == [
        "Say why the appointment is cancelled."
    ]
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED

    response = browser.post(url, {"reason": "Client has flu"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.cancellation_reason == "Client has flu"
    event = appointment.events.get(kind=AppointmentEventKind.CANCELLED)
    assert event.by == clinic.people.front_desk
    page = browser.get(appointment.get_absolute_url()).content.decode()
    assert "The appointment was cancelled." in page
    assert "Cancelled: Client has flu" in page
    # Its time is free again.
    day = browser.get(reverse("scheduling:day", args=[MONDAY])).content.decode()
    assert "Book 10:00 with Sam Okafor" in day


def _status_buttons(page: str) -> list[str]:
    return [chunk.split('"')[0] for chunk in page.split('name="status" value="')[1:]]


def test_only_the_allowed_status_changes_are_offered(clinic, as_user, freeze_now):
    freeze_now(at(MONDAY, "08:00"))
    appointment = book(clinic, at(MONDAY, "10:00"))
    browser = as_user(clinic.people.front_desk)

    page = browser.get(appointment.get_absolute_url()).content.decode()
    # Before the start time nobody is a no-show yet.
    assert _status_buttons(page) == ["confirmed", "arrived"]
    assert "Mark completed" not in page

    # A booked appointment cannot be completed: refused, said so, nothing changed.
    response = browser.post(
        reverse("scheduling:set_status", args=[appointment.pk]),
        {"status": "completed"},
        follow=True,
    )
    assert "A booked appointment cannot become completed." in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED

    response = browser.post(
        reverse("scheduling:set_status", args=[appointment.pk]), {"status": "arrived"}, follow=True
    )
    assert "Marked arrived." in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ARRIVED
    assert _status_buttons(response.content.decode()) == ["completed"]
    assert "Marked arrived (was booked)" in response.content.decode()

    browser.post(reverse("scheduling:set_status", args=[appointment.pk]), {"status": "completed"})
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.COMPLETED
    page = browser.get(appointment.get_absolute_url()).content.decode()
    assert _status_buttons(page) == []


def test_a_no_show_is_recorded_and_counted(clinic, as_user, freeze_now):
    freeze_now(at(MONDAY, "11:00"))
    appointment = book(clinic, at(MONDAY, "11:15"))
    freeze_now(at(MONDAY, "11:30"))
    browser = as_user(clinic.people.front_desk)

    browser.post(reverse("scheduling:set_status", args=[appointment.pk]), {"status": "no_show"})

    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.NO_SHOW
    page = browser.get(appointment.get_absolute_url()).content.decode()
    assert 'data-testid="no-shows">1 no-show</span>' in page
    # A latecomer after all.
    assert _status_buttons(page) == ["arrived"]


def test_a_no_show_before_the_start_time_is_refused_and_not_offered(clinic, as_user, freeze_now):
    freeze_now(at(MONDAY, "09:55"))
    appointment = book(clinic, at(MONDAY, "10:15"))
    browser = as_user(clinic.people.front_desk)

    assert "no_show" not in _status_buttons(
        browser.get(appointment.get_absolute_url()).content.decode()
    )
    response = browser.post(
        reverse("scheduling:set_status", args=[appointment.pk]), {"status": "no_show"}, follow=True
    )
    assert "The appointment starts at 10:15: it cannot be marked a no-show before then." in (
        response.content.decode()
    )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    assert not appointment.events.filter(to_status=AppointmentStatus.NO_SHOW).exists()

    # At the start time it is offered and recorded.
    freeze_now(at(MONDAY, "10:15"))
    assert "no_show" in _status_buttons(
        browser.get(appointment.get_absolute_url()).content.decode()
    )
    browser.post(reverse("scheduling:set_status", args=[appointment.pk]), {"status": "no_show"})
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.NO_SHOW


def test_a_future_arrival_is_refused_with_a_message(clinic, as_user):
    appointment = book(clinic, at(MONDAY, "10:00"))
    response = as_user(clinic.people.front_desk).post(
        reverse("scheduling:set_status", args=[appointment.pk]), {"status": "arrived"}, follow=True
    )
    assert "cannot be marked arrived yet" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_cancelling_goes_through_its_own_form_not_the_status_buttons(clinic, as_user):
    appointment = book(clinic, at(MONDAY, "10:00"))
    response = as_user(clinic.people.front_desk).post(
        reverse("scheduling:set_status", args=[appointment.pk]),
        {"status": "cancelled"},
        follow=True,
    )
    assert "Choose a status to record." in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_an_artist_marks_their_own_client_arrived_and_done_but_nothing_else(
    clinic, as_user, freeze_now
):
    freeze_now(at(MONDAY, "08:00"))
    own = book(clinic, at(MONDAY, "10:00"))
    other = book(clinic, at(MONDAY, "10:00"), artist=clinic.alex, client=clinic.ben)
    browser = as_user(clinic.sam)

    page = browser.get(own.get_absolute_url()).content.decode()
    assert _status_buttons(page) == ["arrived"]
    assert "Move to another time" not in page
    assert "Cancel this appointment" not in page
    assert _status_buttons(browser.get(other.get_absolute_url()).content.decode()) == []

    url = reverse("scheduling:set_status", args=[own.pk])
    assert browser.post(url, {"status": "confirmed"}).status_code == 403
    assert browser.post(url, {"status": "no_show"}).status_code == 403
    url = reverse("scheduling:set_status", args=[other.pk])
    assert browser.post(url, {"status": "arrived"}).status_code == 403
    other.refresh_from_db()
    assert other.status == AppointmentStatus.BOOKED

    browser.post(reverse("scheduling:set_status", args=[own.pk]), {"status": "arrived"})
    browser.post(reverse("scheduling:set_status", args=[own.pk]), {"status": "completed"})
    own.refresh_from_db()
    assert own.status == AppointmentStatus.COMPLETED
    assert own.events.filter(kind=AppointmentEventKind.STATUS, by=clinic.sam).count() == 2


@pytest.mark.needs_postgres
def test_a_booking_that_loses_a_race_is_refused_in_place(clinic, as_user, monkeypatch):
    # Someone else booked the time after our check said it was free: only the
    # database's exclusion constraint sees it. Stand in for that by skipping the check.
    book(clinic, at(MONDAY, "10:00"), client=clinic.ben)
    monkeypatch.setattr("scheduling.booking.Diary.problem", lambda self, **kwargs: None)

    response = as_user(clinic.people.front_desk).post(
        BOOK, booking_data(clinic, notes="Second try")
    )

    assert response.status_code == 200
    assert field_errors(response, "starts_at") == [
        "Someone has just booked that time. Please choose another."
    ]
    assert "Second try</textarea>" in response.content.decode()
    assert Appointment.objects.count() == 1
