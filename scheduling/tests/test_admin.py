"""The manager's diary settings in the admin: who opens them, what they refuse, how fast."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role, User
from accounts.services import user_create
from scheduling.models import (
    Appointment,
    AppointmentEvent,
    AppointmentEventKind,
    AppointmentStatus,
    AppointmentType,
    ArtistHours,
    BookingPolicy,
    CalendarFeed,
    ClosedDay,
    OpeningHours,
    Room,
    TimeOff,
)
from tests.clock import YEAR, at, day, utc

pytestmark = pytest.mark.django_db

# model name in the admin URL -> something only that page shows
CHANGELISTS = {
    "openinghours": "Monday",
    "closedday": "Christmas Day",
    "room": "Room 1 – Hairline",
    "artisthours": "Sam Okafor",
    "timeoff": "Annual leave",
    "appointmenttype": "Treatment session",
    "calendarfeed": "Sam Okafor",
    "appointment": "Anna Ashby",
}
ADD_PAGES = {
    "openinghours": "Closes",
    "closedday": "Reason",
    "room": "Name",
    "artisthours": "Weekday",
    "timeoff": "Kind",
    "appointmenttype": "Clean-up after (minutes)",
    "calendarfeed": "Artist",
}


def admin_url(model: str, view: str = "changelist", *args) -> str:
    return reverse(f"admin:scheduling_{model}_{view}", args=args)


def book_directly(*, client, artist, starts_at, type=None, room=None, status="booked"):
    """An appointment row as the diary would hold it (booking rules are tested elsewhere)."""
    type = type or AppointmentType.objects.get(slug="consultation")
    ends_at = starts_at + dt.timedelta(minutes=type.default_minutes)
    return Appointment(
        client=client,
        type=type,
        artist=artist,
        room=room,
        starts_at=starts_at,
        ends_at=ends_at,
        blocked_until=ends_at + dt.timedelta(minutes=type.buffer_after_minutes),
        status=status,
    )


@pytest.fixture
def clinic(people):
    room = Room.objects.create(name="Room 1 – Hairline")
    ArtistHours.objects.create(
        artist=people.artist, weekday=0, starts=dt.time(9), ends=dt.time(17, 30)
    )
    ClosedDay.objects.create(date=day(12, 25), reason="Christmas Day")
    TimeOff.objects.create(
        artist=people.artist,
        starts_at=at(day(8, 2), "09:00"),
        ends_at=at(day(8, 9), "09:00"),
        note="Annual leave",
    )
    CalendarFeed.objects.create(artist=people.artist)
    appointment = book_directly(
        client=people.record_a,
        artist=people.artist,
        room=room,
        starts_at=at(day(3, 1), "10:00"),
    )
    appointment.save()
    AppointmentEvent.objects.create(
        appointment=appointment,
        kind=AppointmentEventKind.CREATED,
        by=people.front_desk,
        to_starts_at=appointment.starts_at,
        to_status=appointment.status,
    )
    return appointment


def form_errors(response, field):
    """The errors the admin shows next to one field of the main form."""
    return list(response.context["adminform"].form.errors.get(field, []))


# --- who may open the settings ---------------------------------------------------------


def test_the_manager_opens_every_list_and_add_page(people, clinic, as_user):
    browser = as_user(people.manager)
    for model, content in CHANGELISTS.items():
        response = browser.get(admin_url(model))
        assert response.status_code == 200, model
        assert content in response.content.decode(), model
    for model, content in ADD_PAGES.items():
        response = browser.get(admin_url(model, "add"))
        assert response.status_code == 200, model
        assert content in response.content.decode(), model


def test_the_settings_index_lists_the_diary_settings(people, as_user):
    html = as_user(people.manager).get(reverse("admin:index")).content.decode()
    for name in ["Booking rules", "Opening hours", "Rooms", "Artist working hours", "Time off"]:
        assert name in html


@pytest.mark.parametrize("role", ["front_desk", "artist", "client_a"])
def test_other_roles_are_sent_to_the_admin_sign_in(people, clinic, as_user, role):
    browser = as_user(getattr(people, role))
    for model in [*CHANGELISTS, "bookingpolicy"]:
        url = admin_url(model)
        response = browser.get(url)
        assert response.status_code == 302, model
        assert response["Location"] == f"{reverse('admin:login')}?next={url}"
    response = browser.post(admin_url("room", "add"), {"name": "Sneaky room"})
    assert response.status_code == 302
    assert not Room.objects.filter(name="Sneaky room").exists()


def test_anonymous_people_are_sent_to_sign_in(client, clinic):
    url = admin_url("appointment")
    response = client.get(url)
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


# --- booking rules: one row ------------------------------------------------------------


def test_the_booking_rules_list_opens_the_one_row(people, as_user):
    policy = BookingPolicy.current()
    browser = as_user(people.manager)
    response = browser.get(admin_url("bookingpolicy"))
    assert response["Location"] == admin_url("bookingpolicy", "change", policy.pk)
    page = browser.get(response["Location"]).content.decode()
    assert "Video call link" in page
    assert "Free times are offered on this step" in page
    assert "Delete" not in page


def test_booking_rules_cannot_be_added_twice_or_deleted(people, as_user):
    policy = BookingPolicy.current()
    browser = as_user(people.manager)
    assert browser.get(admin_url("bookingpolicy", "add")).status_code == 403
    assert browser.post(admin_url("bookingpolicy", "add"), {"slot_minutes": 30}).status_code == 403
    assert (
        browser.post(admin_url("bookingpolicy", "delete", policy.pk), {"post": "yes"}).status_code
        == 403
    )
    assert list(BookingPolicy.objects.values_list("pk", "slot_minutes")) == [(policy.pk, 15)]


def test_the_manager_changes_the_booking_rules(people, as_user):
    policy = BookingPolicy.current()
    data = {
        "slot_minutes": "30",
        "staff_notice_minutes": "0",
        "online_notice_hours": "48",
        "online_horizon_days": "60",
        "change_notice_hours": "48",
        "video_meeting_url": "https://meet.example.com/smp-clinic",
    }
    response = as_user(people.manager).post(admin_url("bookingpolicy", "change", policy.pk), data)
    assert response.status_code == 302
    policy.refresh_from_db()
    assert (policy.slot_minutes, policy.online_notice_hours, policy.online_horizon_days) == (
        30,
        48,
        60,
    )
    assert policy.video_meeting_url == "https://meet.example.com/smp-clinic"


def test_a_bad_booking_rule_is_explained_and_nothing_changes(people, as_user):
    policy = BookingPolicy.current()
    data = {
        "slot_minutes": "2",
        "staff_notice_minutes": "0",
        "online_notice_hours": "48",
        "online_horizon_days": "60",
        "video_meeting_url": "not a link",
    }
    response = as_user(people.manager).post(admin_url("bookingpolicy", "change", policy.pk), data)
    assert response.status_code == 200
    assert form_errors(response, "slot_minutes") == [
        "Ensure this value is greater than or equal to 5."
    ]
    assert form_errors(response, "video_meeting_url") == ["Enter a valid URL."]
    policy.refresh_from_db()
    assert (policy.slot_minutes, policy.online_notice_hours) == (15, 24)


# --- bad input: a clear message next to the field, nothing saved ------------------------


def test_opening_hours_closing_before_opening_are_refused(people, as_user):
    before = list(OpeningHours.objects.values_list("weekday", "opens", "closes"))
    response = as_user(people.manager).post(
        admin_url("openinghours", "add"), {"weekday": "6", "opens": "14:00", "closes": "10:00"}
    )
    assert response.status_code == 200
    assert form_errors(response, "closes") == ["Closing time must be after opening time."]
    assert "Closing time must be after opening time." in response.content.decode()
    assert list(OpeningHours.objects.values_list("weekday", "opens", "closes")) == before


def test_changing_opening_hours_to_nonsense_keeps_the_old_hours(people, as_user):
    monday = OpeningHours.objects.get(weekday=0)
    response = as_user(people.manager).post(
        admin_url("openinghours", "change", monday.pk),
        {"weekday": "0", "opens": "18:00", "closes": "18:00"},
    )
    assert form_errors(response, "closes") == ["Closing time must be after opening time."]
    monday.refresh_from_db()
    assert (monday.opens, monday.closes) == (dt.time(9), dt.time(18))


def test_an_unreadable_time_is_explained(people, as_user):
    response = as_user(people.manager).post(
        admin_url("openinghours", "add"), {"weekday": "6", "opens": "nine", "closes": "13:00"}
    )
    assert form_errors(response, "opens") == ["Enter a valid time."]
    assert not OpeningHours.objects.filter(weekday=6).exists()


def test_the_manager_adds_sunday_hours(people, as_user):
    response = as_user(people.manager).post(
        admin_url("openinghours", "add"), {"weekday": "6", "opens": "10:00", "closes": "13:00"}
    )
    assert response.status_code == 302
    sunday = OpeningHours.objects.get(weekday=6)
    assert (sunday.opens, sunday.closes) == (dt.time(10), dt.time(13))


def time_off_data(artist, **overrides):
    data = {
        "artist": str(artist.pk),
        "kind": "holiday",
        "starts_at_0": f"{YEAR}-08-09",
        "starts_at_1": "09:00",
        "ends_at_0": f"{YEAR}-08-02",
        "ends_at_1": "09:00",
        "note": "Summer",
    }
    data.update(overrides)
    return data


def test_time_off_ending_before_it_starts_is_refused(people, as_user):
    response = as_user(people.manager).post(
        admin_url("timeoff", "add"), time_off_data(people.artist)
    )
    assert response.status_code == 200
    assert form_errors(response, "ends_at") == ["Time off must end after it starts."]
    assert not TimeOff.objects.exists()


def test_time_off_is_saved_in_clinic_time(people, as_user, settings):
    settings.TIME_ZONE = "Europe/London"
    response = as_user(people.manager).post(
        admin_url("timeoff", "add"),
        time_off_data(people.artist, starts_at_0=f"{YEAR}-08-02", ends_at_0=f"{YEAR}-08-09"),
    )
    assert response.status_code == 302
    time_off = TimeOff.objects.get()
    # 09:00 in London in August is 08:00 UTC.
    assert time_off.starts_at == utc(8, 2, 8)
    assert time_off.artist == people.artist


def test_time_off_is_only_for_artists(people, as_user):
    response = as_user(people.manager).post(
        admin_url("timeoff", "add"),
        time_off_data(people.front_desk, starts_at_0=f"{YEAR}-08-02", ends_at_0=f"{YEAR}-08-09"),
    )
    assert form_errors(response, "artist") == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert not TimeOff.objects.exists()


def type_data(**overrides):
    data = {
        "name": "Scar camouflage",
        "slug": "scar-camouflage",
        "kind": "treatment",
        "description": "",
        "price": "300",
        "default_minutes": "90",
        "min_minutes": "60",
        "max_minutes": "120",
        "buffer_after_minutes": "15",
        "needs_room": "on",
        "is_active": "on",
        "position": "9",
        # The names in other languages, none given (the page's inline form).
        "translations-TOTAL_FORMS": "0",
        "translations-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "lengths",
    [
        {"min_minutes": "100", "default_minutes": "90", "max_minutes": "120"},
        {"min_minutes": "60", "default_minutes": "150", "max_minutes": "120"},
        {"min_minutes": "200", "default_minutes": "150", "max_minutes": "120"},
    ],
)
def test_appointment_type_lengths_out_of_order_are_refused(people, as_user, lengths):
    count = AppointmentType.objects.count()
    response = as_user(people.manager).post(
        admin_url("appointmenttype", "add"), type_data(**lengths)
    )
    assert response.status_code == 200
    assert form_errors(response, "default_minutes") == [
        "Lengths must satisfy shortest ≤ default ≤ longest."
    ]
    assert AppointmentType.objects.count() == count


def test_changing_a_type_to_bad_lengths_keeps_the_old_ones(people, as_user):
    treatment = AppointmentType.objects.get(slug="treatment-session")
    response = as_user(people.manager).post(
        admin_url("appointmenttype", "change", treatment.pk),
        type_data(name="Treatment session", slug="treatment-session", min_minutes="250"),
    )
    assert form_errors(response, "default_minutes")
    treatment.refresh_from_db()
    assert (treatment.min_minutes, treatment.default_minutes, treatment.max_minutes) == (
        120,
        240,
        240,
    )
    assert treatment.name == "Treatment session"


def test_the_manager_adds_an_appointment_type(people, as_user):
    response = as_user(people.manager).post(admin_url("appointmenttype", "add"), type_data())
    assert response.status_code == 302
    added = AppointmentType.objects.get(slug="scar-camouflage")
    assert (added.min_minutes, added.default_minutes, added.max_minutes) == (60, 90, 120)
    listing = as_user(people.manager).get(admin_url("appointmenttype")).content.decode()
    assert "Scar camouflage" in listing


def test_the_type_list_shows_lengths_and_prices(people, as_user):
    html = as_user(people.manager).get(admin_url("appointmenttype")).content.decode()
    assert "Free consultation" in html
    assert "450.00" in html  # a treatment session's price
    for column in ["Default min", "Shortest", "Longest", "Clean-up", "Online", "Price"]:
        assert f">{column}<" in html, column


# --- artists' hours -----------------------------------------------------------------------


def test_artist_hours_ending_before_they_start_are_refused(people, as_user):
    response = as_user(people.manager).post(
        admin_url("artisthours", "add"),
        {"artist": people.artist.pk, "weekday": "0", "starts": "17:00", "ends": "09:00"},
    )
    assert form_errors(response, "ends") == ["End time must be after start time."]
    assert not ArtistHours.objects.exists()


def test_artist_hours_outside_opening_hours_are_saved_with_a_warning(people, as_user):
    browser = as_user(people.manager)
    response = browser.post(
        admin_url("artisthours", "add"),
        {"artist": people.artist.pk, "weekday": "5", "starts": "10:00", "ends": "18:00"},
        follow=True,
    )
    html = response.content.decode()
    assert "Sam Okafor works Saturday 10:00–18:00, but the clinic is open 09:00–14:00" in html
    assert ArtistHours.objects.filter(artist=people.artist, weekday=5).count() == 1

    response = browser.post(
        admin_url("artisthours", "add"),
        {"artist": people.artist.pk, "weekday": "0", "starts": "10:00", "ends": "18:00"},
        follow=True,
    )
    assert "but the clinic is open" not in response.content.decode()


def test_hours_on_a_closed_weekday_say_so(people, as_user):
    response = as_user(people.manager).post(
        admin_url("artisthours", "add"),
        {"artist": people.artist.pk, "weekday": "6", "starts": "10:00", "ends": "12:00"},
        follow=True,
    )
    assert "the clinic is open not at all that day" in response.content.decode()


# --- the user page of an artist ------------------------------------------------------------


def user_form(user, **overrides):
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": user.role,
        "is_active": "on",
    }
    data.update(overrides)
    return data


def inline_management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def user_change_url(user):
    return reverse("admin:accounts_user_change", args=[user.pk])


def test_an_artists_page_has_their_hours_and_time_off(people, clinic, as_user):
    html = as_user(people.manager).get(user_change_url(people.artist)).content.decode()
    assert "Artist working hours" in html
    assert "time off (current and upcoming" in html.lower()
    assert 'name="working_hours-0-starts" value="09:00:00"' in html


def test_other_peoples_pages_have_no_diary_sections(people, as_user):
    for person in (people.front_desk, people.manager, people.client_a):
        html = as_user(people.manager).get(user_change_url(person)).content.decode()
        assert "working_hours-TOTAL_FORMS" not in html
        assert "time_off-TOTAL_FORMS" not in html


def test_the_manager_sets_an_artists_hours_on_their_page(people, as_user):
    data = {
        **user_form(people.artist),
        **inline_management("working_hours", total=2),
        "working_hours-0-weekday": "1",
        "working_hours-0-starts": "09:00",
        "working_hours-0-ends": "17:30",
        "working_hours-1-weekday": "5",
        "working_hours-1-starts": "09:00",
        "working_hours-1-ends": "16:00",
        **inline_management("time_off", total=1),
        "time_off-0-kind": "training",
        "time_off-0-starts_at_0": f"{YEAR}-05-03",
        "time_off-0-starts_at_1": "09:00",
        "time_off-0-ends_at_0": f"{YEAR}-05-04",
        "time_off-0-ends_at_1": "18:00",
        "time_off-0-note": "Pigment course",
    }
    response = as_user(people.manager).post(user_change_url(people.artist), data, follow=True)
    assert response.status_code == 200
    assert sorted(
        ArtistHours.objects.filter(artist=people.artist).values_list("weekday", "starts", "ends")
    ) == [(1, dt.time(9), dt.time(17, 30)), (5, dt.time(9), dt.time(16))]
    assert TimeOff.objects.get(artist=people.artist).note == "Pigment course"
    # Saturday closes at 14:00.
    assert "Sam Okafor works Saturday 09:00–16:00" in response.content.decode()


def test_bad_hours_on_an_artists_page_save_nothing(people, as_user):
    data = {
        **user_form(people.artist, first_name="Samuel"),
        **inline_management("working_hours", total=1),
        "working_hours-0-weekday": "1",
        "working_hours-0-starts": "17:00",
        "working_hours-0-ends": "09:00",
        **inline_management("time_off"),
    }
    response = as_user(people.manager).post(user_change_url(people.artist), data)
    assert response.status_code == 200
    assert "End time must be after start time." in response.content.decode()
    people.artist.refresh_from_db()
    assert people.artist.first_name == "Sam"
    assert not ArtistHours.objects.exists()


def test_a_client_made_an_artist_gets_the_diary_sections_afterwards(people, as_user):
    browser = as_user(people.manager)
    # The page was drawn for a front desk user: no inline rows are posted.
    response = browser.post(
        user_change_url(people.front_desk), user_form(people.front_desk, role=Role.ARTIST)
    )
    assert response.status_code == 302
    people.front_desk.refresh_from_db()
    assert people.front_desk.role == Role.ARTIST
    html = browser.get(user_change_url(people.front_desk)).content.decode()
    assert "working_hours-TOTAL_FORMS" in html


# --- appointments: look, do not touch ------------------------------------------------------


def test_appointments_are_view_only(people, clinic, as_user):
    browser = as_user(people.manager)
    listing = browser.get(admin_url("appointment")).content.decode()
    assert admin_url("appointment", "add") not in listing
    assert "Anna Ashby" in listing
    page = browser.get(admin_url("appointment", "change", clinic.pk)).content.decode()
    assert "View appointment" in page
    assert "Booked" in page  # the history
    assert "Jordan Price" in page  # who booked it
    assert 'name="_save"' not in page

    assert browser.get(admin_url("appointment", "add")).status_code == 403
    response = browser.post(
        admin_url("appointment", "change", clinic.pk), {"status": "cancelled", "notes": "x"}
    )
    assert response.status_code == 403
    response = browser.post(admin_url("appointment", "delete", clinic.pk), {"post": "yes"})
    assert response.status_code == 403
    clinic.refresh_from_db()
    assert clinic.status == AppointmentStatus.BOOKED
    assert clinic.notes == ""


def test_appointments_are_found_by_client_name_and_filtered(people, clinic, as_user):
    book_directly(
        client=people.record_b,
        artist=people.artist,
        starts_at=at(day(3, 2), "10:00"),
        status=AppointmentStatus.CANCELLED,
    ).save()
    browser = as_user(people.manager)
    html = browser.get(admin_url("appointment"), {"q": "ben bar"}).content.decode()
    assert "Ben Barker" in html and "Anna Ashby" not in html
    html = browser.get(admin_url("appointment"), {"status__exact": "booked"}).content.decode()
    assert "Anna Ashby" in html and "Ben Barker" not in html
    # The artist filter lists artists, not every person who can sign in.
    alex = user_create(
        email="alex@clinic.test", first_name="Alex", last_name="Brennan", role=Role.ARTIST
    )
    html = browser.get(admin_url("appointment")).content.decode()
    assert f"?artist__id__exact={people.artist.pk}" in html
    assert f"?artist__id__exact={alex.pk}" in html
    assert f"?artist__id__exact={people.front_desk.pk}" not in html


def fill_diary(people, count):
    room = Room.objects.create(name=f"Room {count}")
    types = list(AppointmentType.objects.filter(slug__in=["consultation", "fade-check-in"]))
    first = utc(3, 1, 9)
    Appointment.objects.bulk_create(
        book_directly(
            client=[people.record_a, people.record_b][n % 2],
            artist=people.artist,
            type=types[n % 2],
            room=room if n % 3 else None,
            # An hour apart: never overlapping, even with the clean-up time.
            starts_at=first + dt.timedelta(hours=n),
        )
        for n in range(count)
    )


def changelist_queries(browser, url):
    with CaptureQueriesContext(connection) as captured:
        response = browser.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_appointment_list_takes_the_same_queries_for_5_or_50(people, as_user):
    browser = as_user(people.manager)
    url = admin_url("appointment")
    browser.get(url)  # sessions and content types warmed up
    fill_diary(people, 5)
    few, html = changelist_queries(browser, url)
    assert html.count('class="field-starts_at') == 5
    Appointment.objects.all().delete()
    fill_diary(people, 50)
    many, html = changelist_queries(browser, url)
    assert html.count('class="field-starts_at') == 50
    assert few == many


def test_the_history_of_an_appointment_takes_fixed_queries(people, clinic, as_user):
    browser = as_user(people.manager)
    url = admin_url("appointment", "change", clinic.pk)
    browser.get(url)
    one, _ = changelist_queries(browser, url)
    AppointmentEvent.objects.bulk_create(
        AppointmentEvent(
            appointment=clinic,
            kind=AppointmentEventKind.EDITED,
            by=[people.front_desk, people.manager][n % 2],
            detail=f"Note {n}",
        )
        for n in range(10)
    )
    eleven, html = changelist_queries(browser, url)
    assert [f"Note {n}" in html for n in range(10)] == [True] * 10
    assert one == eleven


def test_a_calendar_link_can_be_replaced(people, clinic, as_user):
    feed = CalendarFeed.objects.get(artist=people.artist)
    old = feed.token
    browser = as_user(people.manager)
    page = browser.get(admin_url("calendarfeed", "change", feed.pk)).content.decode()
    assert old in page
    assert 'name="token"' not in page  # shown, not editable
    browser.post(
        admin_url("calendarfeed"),
        {"action": "issue_new_token", "_selected_action": [feed.pk]},
    )
    feed.refresh_from_db()
    assert feed.token != old and len(feed.token) >= 32


def test_a_calendar_feed_is_only_for_artists(people, as_user):
    response = as_user(people.manager).post(
        admin_url("calendarfeed", "add"), {"artist": people.client_a.pk}
    )
    assert form_errors(response, "artist")
    assert not CalendarFeed.objects.exists()
    assert User.objects.filter(pk=people.client_a.pk, role=Role.CLIENT).exists()


def test_a_second_artist_appears_in_the_filters(people, clinic, as_user):
    alex = user_create(
        email="alex@clinic.test", first_name="Alex", last_name="Brennan", role=Role.ARTIST
    )
    html = as_user(people.manager).get(admin_url("timeoff")).content.decode()
    assert f"artist__id__exact={alex.pk}" in html
    assert f"artist__id__exact={people.artist.pk}" in html


def add_artists_time_from(first, count):
    for n in range(first, count):
        artist = user_create(
            email=f"artist{n}@clinic.test", first_name=f"Artist{n}", role=Role.ARTIST
        )
        ArtistHours.objects.create(
            artist=artist, weekday=n % 6, starts=dt.time(9), ends=dt.time(17)
        )
        TimeOff.objects.create(
            artist=artist,
            starts_at=at(day(8, 2), "09:00") + dt.timedelta(days=n),
            ends_at=at(day(8, 3), "09:00") + dt.timedelta(days=n),
        )


@pytest.mark.parametrize("model", ["artisthours", "timeoff", "calendarfeed"])
def test_the_artists_lists_take_the_same_queries_for_2_or_12_artists(people, as_user, model):
    browser = as_user(people.manager)
    url = admin_url(model)
    browser.get(url)
    add_artists_time_from(0, 2)
    CalendarFeed.objects.bulk_create(
        CalendarFeed(artist=artist) for artist in User.objects.filter(role=Role.ARTIST)
    )
    few, html = changelist_queries(browser, url)
    assert "Artist1" in html
    add_artists_time_from(2, 12)
    CalendarFeed.objects.bulk_create(
        CalendarFeed(artist=artist)
        for artist in User.objects.filter(role=Role.ARTIST, calendar_feed__isnull=True)
    )
    many, html = changelist_queries(browser, url)
    assert "Artist11" in html
    assert few == many
