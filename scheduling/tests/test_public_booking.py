"""A member of the public books a free consultation online, without signing in."""

import base64
import datetime as dt
import re
import smtplib
import time
import zlib
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote

import pytest
from django.contrib.staticfiles import finders
from django.core import mail, signing
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.models import Role
from accounts.services import user_create
from clients.models import Client
from reminders.dispatch import dispatch_due
from reminders.models import Reminder, ReminderKind, ReminderStatus
from scheduling.booking import booking_create
from scheduling.models import (
    Appointment,
    AppointmentEventKind,
    AppointmentType,
    ArtistHours,
    BookingPolicy,
    BookingSource,
    ClosedDay,
    Room,
)
from scheduling.public_forms import format_start
from scheduling.tests.public_booking_fixtures import details, details_url
from scheduling.tokens import appointment_from_manage_token
from tests.clock import LONDON

pytestmark = pytest.mark.django_db


def bookable_day(offset: int = 3) -> dt.date:
    """A weekday a few days ahead: past the 24-hour notice, inside this week's page."""
    day = timezone.localdate() + dt.timedelta(days=offset)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def at(day: dt.date, hhmm: str) -> dt.datetime:
    hour, minute = map(int, hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


def page_text(response) -> str:
    """What a person reads on the page: the HTML without its tags."""
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(text.split()).replace(" ,", ",")


def add_artist_hours(artist) -> None:
    ArtistHours.objects.bulk_create(
        ArtistHours(artist=artist, weekday=weekday, starts=dt.time(9), ends=dt.time(18))
        for weekday in range(6)
    )


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate-limit counters live in the default cache (files or Redis) and outlive a test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clinic(people, settings):
    settings.TIME_ZONE = "Europe/London"
    add_artist_hours(people.artist)
    return SimpleNamespace(
        people=people,
        artist=people.artist,
        room=Room.objects.create(name="Treatment room 1"),
        consultation=AppointmentType.objects.get(slug="consultation"),
        video=AppointmentType.objects.get(slug="video-consultation"),
        day=bookable_day(),
    )


def book_as_front_desk(clinic, start, client=None, artist=None):
    return booking_create(
        client=client or clinic.people.record_b,
        appointment_type=clinic.consultation,
        artist=artist or clinic.artist,
        starts_at=start,
        by=clinic.people.front_desk,
    )


# --- the start page -------------------------------------------------------------------------


def test_the_start_page_offers_the_online_consultations_free(client, clinic):
    response = client.get(reverse("booking:start"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "At the clinic" in body
    assert "By video call" in body
    assert clinic.consultation.description in body
    assert "45 minutes" in body and "30 minutes" in body
    assert body.count(">Free<") == 2
    assert reverse("booking:times", args=["consultation"]) in body
    assert reverse("booking:times", args=["video-consultation"]) in body
    assert "Treatment session" not in body


def test_a_type_taken_off_the_website_is_not_offered(client, clinic):
    AppointmentType.objects.filter(slug="video-consultation").update(is_active=False)

    body = client.get(reverse("booking:start")).content.decode()

    assert "By video call" not in body
    assert client.get(reverse("booking:times", args=["video-consultation"])).status_code == 404


def test_the_booking_pages_refuse_other_methods(client, clinic):
    assert client.post(reverse("booking:start")).status_code == 405
    assert client.post(reverse("booking:times", args=["consultation"])).status_code == 405
    url = details_url(at(clinic.day, "10:00"))
    assert client.put(url).status_code == 405
    assert client.delete(url).status_code == 405


# --- free times -------------------------------------------------------------------------------


def test_free_times_are_shown_by_day_and_taken_ones_are_not(client, clinic):
    book_as_front_desk(clinic, at(clinic.day, "10:00"))

    response = client.get(reverse("booking:times", args=["consultation"]))

    body = response.content.decode()
    assert response.status_code == 200
    assert f"{clinic.day:%A} {clinic.day.day} {clinic.day:%B}" in body
    assert details_url(at(clinic.day, "09:00")) in body
    assert details_url(at(clinic.day, "11:00")) in body
    # 10:00 is booked; 09:30 would run into it (45 minutes + 15 of clean-up).
    assert details_url(at(clinic.day, "10:00")) not in body
    assert details_url(at(clinic.day, "09:30")) not in body
    # Nothing inside the 24 hours' notice, nothing on a Sunday.
    assert details_url(at(timezone.localdate(), "15:00")) not in body
    sunday = next(
        timezone.localdate() + dt.timedelta(days=n)
        for n in range(7)
        if (timezone.localdate() + dt.timedelta(days=n)).weekday() == 6
    )
    assert f"{sunday:%A} {sunday.day} {sunday:%B}" not in body


def test_a_video_consultation_needs_no_room(client, clinic):
    Room.objects.all().delete()

    body = client.get(reverse("booking:times", args=["video-consultation"])).content.decode()
    assert details_url(at(clinic.day, "09:00"), "video-consultation") in body
    body = client.get(reverse("booking:times", args=["consultation"])).content.decode()
    assert details_url(at(clinic.day, "09:00")) not in body
    assert "Nothing is free between" in body


def test_the_times_page_takes_the_same_queries_for_a_quiet_and_a_busy_week(client, clinic):
    url = reverse("booking:times", args=["consultation"])
    book_as_front_desk(clinic, at(clinic.day, "09:00"))
    with CaptureQueriesContext(connection) as quiet:
        assert client.get(url).status_code == 200

    second = user_create(
        email="alex@clinic.test", first_name="Alex", last_name="Brennan", role=Role.ARTIST
    )
    add_artist_hours(second)
    Room.objects.create(name="Treatment room 2")
    # Five different weekdays (a weekend maps two offsets onto the same Monday).
    for day in sorted({bookable_day(offset) for offset in range(3, 10)})[:5]:
        for hhmm in ("11:00", "13:00", "15:00"):
            book_as_front_desk(clinic, at(day, hhmm))
            book_as_front_desk(clinic, at(day, hhmm), artist=second)
    with CaptureQueriesContext(connection) as busy:
        assert client.get(url).status_code == 200

    assert Appointment.objects.count() >= 25
    assert len(busy) == len(quiet)


def test_the_times_page_shown_again_after_a_booking_no_longer_offers_its_time(client, clinic):
    url = reverse("booking:times", args=["consultation"])
    before = client.get(url).content.decode()
    assert details_url(at(clinic.day, "10:00")) in before

    book_as_front_desk(clinic, at(clinic.day, "10:00"))

    after = client.get(url).content.decode()
    assert details_url(at(clinic.day, "10:00")) not in after
    assert details_url(at(clinic.day, "09:30")) not in after
    assert details_url(at(clinic.day, "11:00")) in after


def test_the_times_page_shown_again_later_offers_nothing_inside_the_notice(
    client, clinic, freeze_now
):
    url = reverse("booking:times", args=["consultation"])
    freeze_now(at(clinic.day - dt.timedelta(days=1), "09:00"))
    early = client.get(url).content.decode()
    assert details_url(at(clinic.day, "09:00")) in early

    # The same free times, asked for two and a half hours later: 24 hours' notice.
    freeze_now(at(clinic.day - dt.timedelta(days=1), "11:30"))
    later = client.get(url).content.decode()
    assert details_url(at(clinic.day, "09:00")) not in later
    assert details_url(at(clinic.day, "11:00")) not in later
    assert details_url(at(clinic.day, "11:30")) in later


def test_the_times_page_in_english_then_in_spanish_speaks_each(client, clinic):
    url = reverse("booking:times", args=["consultation"])
    english = client.get(url).content.decode()
    spanish = client.get(url, {"lang": "es"}).content.decode()
    english_again = client.get(url, {"lang": "en-gb"}).content.decode()

    assert "Later →" in english and "Después →" not in english
    assert "Después →" in spanish and "Later →" not in spanish
    assert english_again == english
    assert details_url(at(clinic.day, "09:00")) in spanish


def test_the_times_page_asked_again_takes_three_queries(client, clinic, django_assert_num_queries):
    url = reverse("booking:times", args=["consultation"])
    first = client.get(url)
    # The type (and its translations) and the booking policy; the free times and the
    # rendered list of them come from the cache.
    with django_assert_num_queries(3):
        again = client.get(url)
    assert again.content == first.content


def test_weeks_page_forward_within_the_booking_horizon(client, clinic):
    url = reverse("booking:times", args=["consultation"])
    today = timezone.localdate()
    horizon = BookingPolicy.current().online_horizon_days
    last_day = timezone.localdate(timezone.now() + dt.timedelta(days=horizon))

    first = client.get(url).content.decode()
    assert f"?from={today + dt.timedelta(days=7):%Y-%m-%d}" in first
    assert "Earlier" not in first

    second = client.get(url, {"from": f"{today + dt.timedelta(days=7):%Y-%m-%d}"}).content.decode()
    assert f"?from={today:%Y-%m-%d}" in second
    assert f"?from={today + dt.timedelta(days=14):%Y-%m-%d}" in second

    beyond = client.get(url, {"from": "2099-01-01"})
    assert beyond.context["first_day"] == last_day
    assert beyond.context["next_from"] is None
    assert "Later" not in beyond.content.decode()
    # Nothing is offered after the horizon, even on the last page.
    for day in beyond.context["days"]:
        assert day["date"] <= last_day

    garbage = client.get(url, {"from": "next tuesday"})
    assert garbage.status_code == 200
    assert garbage.context["first_day"] == today


def test_a_week_with_nothing_free_says_so_and_links_to_the_next(client, clinic):
    first = bookable_day(7)
    ClosedDay.objects.bulk_create(
        ClosedDay(date=first + dt.timedelta(days=n), reason="Refit") for n in range(7)
    )

    response = client.get(
        reverse("booking:times", args=["consultation"]), {"from": f"{first:%Y-%m-%d}"}
    )

    body = response.content.decode()
    assert "Nothing is free between" in body
    assert f'href="?from={first + dt.timedelta(days=7):%Y-%m-%d}">See the next week' in body


def test_unknown_or_staff_only_types_are_not_found(client, clinic):
    assert client.get(reverse("booking:times", args=["no-such-thing"])).status_code == 404
    assert client.get(reverse("booking:times", args=["treatment-session"])).status_code == 404
    start = at(clinic.day, "10:00")
    assert client.get(details_url(start, "treatment-session")).status_code == 404
    response = client.post(details_url(start, "treatment-session"), details(start))
    assert response.status_code == 404
    assert not Appointment.objects.exists()


# --- the whole booking -----------------------------------------------------------------------


def test_a_newcomer_books_a_consultation_and_gets_the_email(client, clinic):
    start = at(clinic.day, "10:15")
    page = client.get(details_url(start))
    assert page.status_code == 200
    assert f"{clinic.day:%A} {clinic.day.day} {clinic.day:%B} {clinic.day.year}, 10:15–11:00" in (
        page_text(page)
    )

    response = client.post(details_url(start), details(start))

    assert response.status_code == 302
    assert response.url.startswith("/book/confirmed/")
    new = Client.objects.get(email="dan.whitaker@example.com")
    assert (new.first_name, new.last_name, new.phone.as_e164) == (
        "Daniel",
        "Whitaker",
        "+447911123456",
    )
    assert new.contact_consent is True
    appointment = Appointment.objects.get()
    assert appointment.client == new
    assert appointment.source == BookingSource.ONLINE
    assert appointment.type == clinic.consultation
    assert appointment.artist == clinic.artist
    assert appointment.room == clinic.room
    assert appointment.starts_at == start
    assert appointment.notes == "Thinning at the crown since 2019."
    assert appointment.booked_by is None
    [event] = appointment.events.all()
    assert event.kind == AppointmentEventKind.CREATED
    # The confirmation was written to the outbox with the booking; the dispatcher sends it.
    confirmation = Reminder.objects.get(
        appointment=appointment, kind=ReminderKind.BOOKING_CONFIRMATION
    )
    assert confirmation.status == ReminderStatus.PENDING
    assert mail.outbox == []
    assert dispatch_due() == 1

    [email] = mail.outbox
    assert email.to == ["dan.whitaker@example.com"]
    assert f"{clinic.day:%A} {clinic.day.day} {clinic.day:%B} at 10:15" in email.subject
    assert "Hello Daniel" in email.body
    [html, _type] = email.alternatives[0]
    assert "Change or cancel" in html
    token = re.search(r"/book/manage/([^/\s]+)/", email.body).group(1)
    assert appointment_from_manage_token(token) == appointment
    assert f"/book/manage/{token}/" in html
    [attachment] = email.attachments
    assert attachment.filename == "consultation.ics"
    assert attachment.mimetype == "text/calendar; method=PUBLISH"
    assert 'Content-Type: text/calendar; method="PUBLISH"' in email.message().as_string()
    [event] = Calendar.from_ical(attachment.content).walk("VEVENT")
    assert event.decoded("dtstart") == start.astimezone(dt.UTC)
    assert event.decoded("dtstart").utcoffset() == dt.timedelta(0)
    assert event.decoded("dtend") == appointment.ends_at
    assert f"/book/manage/{token}/" in str(event["description"])

    confirmation = client.get(response.url)
    body = confirmation.content.decode()
    assert confirmation.status_code == 200
    assert "Thank you, you are booked" in body
    assert "10:15–11:00" in body
    assert "dan.whitaker@example.com" in body


def test_the_booking_survives_a_mail_server_that_is_down(client, clinic, monkeypatch):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    start = at(clinic.day, "10:00")

    response = client.post(details_url(start), details(start))
    dispatch_due()

    assert response.status_code == 302
    appointment = Appointment.objects.get(starts_at=start, source=BookingSource.ONLINE)
    # Not lost: back in the outbox with the error, to be tried again.
    confirmation = Reminder.objects.get(
        appointment=appointment, kind=ReminderKind.BOOKING_CONFIRMATION
    )
    assert confirmation.status == ReminderStatus.PENDING
    assert "Connection unexpectedly closed" in confirmation.last_error
    assert confirmation.due_at > timezone.now()


def test_the_email_goes_out_only_after_the_booking_is_saved(
    client, clinic, django_capture_on_commit_callbacks, settings
):
    settings.REMINDERS_SEND_ON_COMMIT = True
    start = at(clinic.day, "10:00")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(details_url(start), details(start))
    assert mail.outbox == []
    # The hand-off to a worker waits for the commit (as does marking the day's free times
    # changed once more); the dispatcher would send it anyway.
    assert [c.__qualname__ for c in callbacks] == [
        "new_generation.<locals>.renew",
        "_kick_after_commit.<locals>.kick",
    ]
    assert dispatch_due() == 1
    assert len(mail.outbox) == 1


def test_a_video_consultation_carries_the_meeting_link(client, clinic):
    BookingPolicy.objects.filter(pk=1).update(video_meeting_url="https://meet.example.com/clinic")
    start = at(clinic.day, "09:00")

    response = client.post(details_url(start, "video-consultation"), details(start))
    dispatch_due()

    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.room is None
    assert appointment.meeting_link == "https://meet.example.com/clinic"
    [email] = mail.outbox
    assert "https://meet.example.com/clinic" in email.body
    [event] = Calendar.from_ical(email.attachments[0].content).walk("VEVENT")
    assert str(event["location"]) == "https://meet.example.com/clinic"
    assert "By video call" in client.get(response.url).content.decode()


def test_an_existing_client_is_found_by_email_and_their_record_is_not_changed(client, clinic):
    start = at(clinic.day, "10:00")
    before = Client.objects.count()

    client.post(
        details_url(start),
        details(start, first_name="Annie", last_name="Smith", email="ANNA@clinic.test"),
    )

    assert Client.objects.count() == before
    appointment = Appointment.objects.get()
    assert appointment.client == clinic.people.record_a
    clinic.people.record_a.refresh_from_db()
    assert clinic.people.record_a.full_name == "Anna Ashby"
    assert clinic.people.record_a.phone.as_e164 == "+447911123001"
    # The confirmation goes to the address on her record, which is the one typed.
    assert dispatch_due() == 1
    [email] = mail.outbox
    assert email.to == ["anna@clinic.test"]


def test_a_new_email_with_a_clients_phone_number_books_for_the_booker_not_the_client(
    client, clinic, as_user
):
    """Anyone can type anyone's phone number: the booking and its email follow the email."""
    anna = clinic.people.record_a
    start = at(clinic.day, "10:00")

    response = client.post(
        details_url(start),
        details(
            start,
            first_name="Dan",
            last_name="Walker",
            email="Dan.Walker@Example.com",
            phone="07911 123001",  # Anna's number
        ),
    )

    assert response.status_code == 302
    thanks = page_text(client.get(response.url))
    assert "Thank you, you are booked" in thanks
    assert "We have emailed a confirmation to dan.walker@example.com" in thanks
    assert "anna@clinic.test" not in thanks
    # Anna has no new appointment and her record is as it was.
    assert not Appointment.objects.filter(client=anna).exists()
    anna.refresh_from_db()
    assert (anna.full_name, anna.email, anna.phone.as_e164) == (
        "Anna Ashby",
        "anna@clinic.test",
        "+447911123001",
    )
    # The booker has a record of their own, without the number that is Anna's.
    appointment = Appointment.objects.get(starts_at=start)
    booker = appointment.client
    assert booker != anna
    assert (booker.full_name, booker.email, booker.phone) == (
        "Dan Walker",
        "dan.walker@example.com",
        "",
    )
    # Only the booker is written to.
    assert dispatch_due() == 1
    [email] = mail.outbox
    assert email.to == ["dan.walker@example.com"]
    assert "Hello Dan" in email.body
    assert not [m for m in mail.outbox if "anna@clinic.test" in m.to]
    assert not Reminder.objects.filter(client=anna).exists()
    # The front desk sees on the new record that it may be Anna again.
    desk_page = page_text(as_user(clinic.people.front_desk).get(booker.get_absolute_url()))
    assert "Possible duplicate: booked online giving the phone number +44 7911 123001" in (
        desk_page
    )
    assert "Possible duplicate" not in page_text(client.get(anna.get_absolute_url()))


def test_an_email_of_one_client_and_the_phone_of_another_books_for_the_emails_owner(client, clinic):
    anna, ben = clinic.people.record_a, clinic.people.record_b
    start = at(clinic.day, "10:00")

    client.post(
        details_url(start),
        details(start, email="anna@clinic.test", phone=str(ben.phone.as_e164)),
    )

    assert Appointment.objects.get(starts_at=start).client == anna
    assert not Appointment.objects.filter(client=ben).exists()
    assert dispatch_due() == 1
    assert [m.to for m in mail.outbox] == [["anna@clinic.test"]]
    anna.refresh_from_db()
    ben.refresh_from_db()
    assert anna.phone.as_e164 == "+447911123001"
    assert ben.phone.as_e164 == "+447911123002"


def test_the_answer_does_not_reveal_whether_the_email_is_a_clients(client, clinic):
    # Two artists, so both can book the same time and only the email differs.
    second = user_create(
        email="alex@clinic.test", first_name="Alex", last_name="Brennan", role=Role.ARTIST
    )
    add_artist_hours(second)
    Room.objects.create(name="Treatment room 2")
    start = at(clinic.day, "10:00")

    answers = {}
    for email in ("anna@clinic.test", "someone.new@example.com"):
        posted = client.post(details_url(start), details(start, email=email))
        page = client.get(posted.url)
        answers[email] = SimpleNamespace(
            posted=posted,
            page=page,
            templates=[t.name for t in page.templates],
            body=page.content.decode().replace(email, "EMAIL"),
        )

    existing, newcomer = answers.values()
    assert existing.posted.status_code == newcomer.posted.status_code == 302
    assert existing.posted.content == newcomer.posted.content
    assert existing.page.status_code == newcomer.page.status_code == 200
    assert existing.templates == newcomer.templates
    assert existing.body == newcomer.body
    assert "already" not in existing.body.lower()
    assert Appointment.objects.filter(starts_at=start).count() == 2
    assert dispatch_due() == 2
    assert len(mail.outbox) == 2
    assert mail.outbox[0].subject == mail.outbox[1].subject


# --- robots and floods -----------------------------------------------------------------------


def test_a_robot_filling_the_hidden_field_is_thanked_and_nothing_is_booked(client, clinic):
    start = at(clinic.day, "10:00")
    page = client.get(details_url(start)).content.decode()
    assert re.search(r'class="[^"]*booking-hp[^"]*"[^>]*aria-hidden="true"', page)
    assert re.search(r'name="website"[^>]*tabindex="-1"|tabindex="-1"[^>]*name="website"', page)
    clients_before = Client.objects.count()

    response = client.post(details_url(start), details(start, website="http://cheap-pills.example"))

    assert response.status_code == 302
    thanks = client.get(response.url)
    assert thanks.status_code == 200
    assert "Thank you, you are booked" in thanks.content.decode()
    assert [t.name for t in thanks.templates][0] == "booking/confirmed.html"
    assert not Appointment.objects.exists()
    assert Client.objects.count() == clients_before
    assert not Reminder.objects.exists()
    assert dispatch_due() == 0
    assert mail.outbox == []


def test_the_honeypot_is_hidden_by_the_booking_stylesheet(client, clinic):
    page = client.get(details_url(at(clinic.day, "10:00"))).content.decode()
    assert "/static/css/booking.css" in page
    assert "<script>" not in page
    css = Path(finders.find("css/booking.css")).read_text()
    assert re.search(r"\.booking-hp\s*\{[^}]*left:\s*-10000px", css)


@pytest.mark.parametrize("limit, allowed", [("2/h", 2), ("10/h", 10)])
def test_too_many_attempts_from_one_address_are_turned_away(
    client, clinic, settings, limit, allowed
):
    settings.BOOKING_RATE_LIMIT = limit
    start = at(clinic.day, "10:00")
    address = {"REMOTE_ADDR": "203.0.113.41"}
    for _ in range(allowed):
        attempt = client.post(details_url(start), details(start, email=""), **address)
        assert attempt.status_code == 200

    refused = client.post(details_url(start), details(start), **address)

    assert refused.status_code == 429
    assert (
        "Too many booking attempts from your connection; please call the clinic or try again later"
        in refused.content.decode()
    )
    assert not Appointment.objects.exists()
    assert not Client.objects.filter(email="dan.whitaker@example.com").exists()
    # Looking at times is not limited; another connection can still book.
    assert client.get(details_url(start), **address).status_code == 200
    other = client.post(details_url(start), details(start), REMOTE_ADDR="198.51.100.9")
    assert other.status_code == 302
    assert Appointment.objects.count() == 1


# --- bad input -------------------------------------------------------------------------------


def test_an_empty_post_asks_for_everything(client, clinic):
    start = at(clinic.day, "10:00")

    response = client.post(details_url(start))

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {
        "start",
        "first_name",
        "last_name",
        "email",
        "phone",
    }
    assert not Appointment.objects.exists()


def test_missing_details_are_asked_for_and_nothing_is_saved(client, clinic):
    start = at(clinic.day, "10:00")
    clients_before = Client.objects.count()

    response = client.post(
        details_url(start),
        {"start": format_start(start), "note": "Receding at the temples."},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter your first name." in body
    assert "Enter your last name." in body
    assert "Enter your email address." in body
    assert "Enter a phone number we can reach you on." in body
    assert "Nothing you typed has been lost" in body
    assert "Receding at the temples." in body
    assert response.context["form"].errors.keys() == {"first_name", "last_name", "email", "phone"}
    assert not Appointment.objects.exists()
    assert Client.objects.count() == clients_before


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("email", "dan.at.example.com", "Enter a valid email address"),
        ("phone", "12", "Enter a valid phone number"),
        ("phone", "call me maybe", "Enter a valid phone number"),
        ("note", "x" * 1001, "at most 1000 characters"),
    ],
)
def test_bad_details_get_a_message_on_their_field(client, clinic, field, value, message):
    start = at(clinic.day, "10:00")

    response = client.post(details_url(start), details(start, **{field: value}))

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert message in form.errors[field][0]
    body = response.content.decode()
    assert 'value="Daniel"' in body and 'value="Whitaker"' in body
    assert not Appointment.objects.exists()
    assert not Client.objects.filter(first_name="Daniel").exists()


def test_a_start_that_is_not_a_free_time_shows_the_days_free_times(client, clinic):
    off_grid = at(clinic.day, "10:07")
    too_early = at(clinic.day, "07:00")
    for start in (off_grid, too_early):
        page = client.get(details_url(start))
        assert page.status_code == 200
        assert page.context["problem"] == "Sorry, that time is not free. Please choose another."
        assert 'value="' + format_start(at(clinic.day, "09:00")) + '"' in page.content.decode()

        response = client.post(details_url(start), details(start))
        assert response.status_code == 200
        assert "Sorry, that time is not free" in response.content.decode()
    assert not Appointment.objects.exists()
    assert not Client.objects.filter(first_name="Daniel").exists()


def test_a_start_in_the_past_is_refused(client, clinic):
    past = at(timezone.localdate() - dt.timedelta(days=2), "10:00")

    page = client.get(details_url(past))
    assert page.context["problem"] == "That time has passed. Please choose another."
    assert "Nothing is free that day" in page.content.decode()

    response = client.post(details_url(past), details(past))
    assert "That time has passed" in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_start_in_the_wrong_format_is_not_found_or_refused(client, clinic):
    bad = reverse("booking:details", args=["consultation", "tomorrow-at-ten"])
    assert client.get(bad).status_code == 404
    assert client.post(bad, details(at(clinic.day, "10:00"))).status_code == 404
    for far in ("9999-12-31T23:59Z", "0001-01-01T00:00Z"):
        assert client.get(reverse("booking:details", args=["consultation", far])).status_code == 404

    start = at(clinic.day, "10:00")
    response = client.post(details_url(start), details(start, start="not a time"))
    assert response.status_code == 200
    assert response.context["form"].errors["start"] == ["Choose one of the free times."]
    assert response.context["problem"] == "Choose one of the free times."
    assert f'value="{format_start(at(clinic.day, "11:00"))}"' in response.content.decode()
    assert 'value="Daniel"' in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_closed_day_offers_nothing(client, clinic):
    ClosedDay.objects.create(date=clinic.day, reason="Bank holiday")
    start = at(clinic.day, "10:00")

    page = client.get(details_url(start))
    assert "Sorry, that time is not free" in page.content.decode()
    assert "Nothing is free that day" in page.content.decode()
    times = client.get(reverse("booking:times", args=["consultation"])).content.decode()
    assert details_url(start) not in times

    client.post(details_url(start), details(start))
    assert not Appointment.objects.exists()


def test_a_time_taken_meanwhile_shows_the_other_times_and_keeps_the_details(client, clinic):
    start = at(clinic.day, "10:00")
    assert client.get(details_url(start)).context["problem"] == ""
    book_as_front_desk(clinic, start)

    response = client.post(details_url(start), details(start))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Sorry, that time is not free. Please choose another." in body
    assert f"Free times on {clinic.day:%A} {clinic.day.day} {clinic.day:%B}" in body
    assert f'value="{format_start(at(clinic.day, "11:00"))}"' in body
    assert f'value="{format_start(start)}"' not in body
    for kept in ("Daniel", "Whitaker", "Dan.Whitaker@Example.com", "Thinning at the crown"):
        assert kept in body
    assert Appointment.objects.count() == 1
    assert not Client.objects.filter(first_name="Daniel").exists()

    # Choosing another time from the same page books it without retyping anything.
    again = client.post(
        details_url(start), details(start, start=format_start(at(clinic.day, "11:00")))
    )
    assert again.status_code == 302
    assert Appointment.objects.get(source=BookingSource.ONLINE).starts_at == at(clinic.day, "11:00")


def test_a_race_lost_at_the_last_moment_saves_nothing(client, clinic):
    """Another booking got there first: the new client record is rolled back with it."""
    start = at(clinic.day, "10:00")
    book_as_front_desk(clinic, start)
    clients_before = Client.objects.count()

    response = client.post(details_url(start), details(start))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Sorry, that time is not free. Please choose another." in body
    assert "The artist already has" not in body  # the diary's workings stay private
    assert "Daniel" in body
    assert Client.objects.count() == clients_before
    assert Appointment.objects.count() == 1


def readable_parts(url: str) -> str:
    """What a person could read from an address: as written, unquoted, and the token's
    payload (the part before the first ":") decoded from base64 and inflated."""
    token = unquote(url).rstrip("/").rsplit("/", 1)[-1]
    payload = token.split(":", 1)[0]
    compressed = payload.startswith(".")
    payload = payload.lstrip(".")
    parts = [url, unquote(url)]
    padded = payload + "=" * (-len(payload) % 4)
    for decode in (base64.urlsafe_b64decode, base64.b64decode):
        try:
            raw = decode(padded)
        except ValueError:
            continue
        parts.append((_inflated(raw) if compressed else raw).decode("utf-8", "replace"))
    return "\n".join(parts).lower()


def _inflated(raw: bytes) -> bytes:
    try:
        return zlib.decompress(raw)
    except zlib.error:
        return b""


@pytest.mark.parametrize("robot", [False, True], ids=["person", "robot"])
def test_the_thank_you_address_does_not_carry_the_email(client, clinic, robot):
    start = at(clinic.day, "10:00")
    typed = "Dan.Whitaker@Example.com"
    website = "http://cheap-pills.example" if robot else ""

    response = client.post(details_url(start), details(start, email=typed, website=website))

    assert response.status_code == 302
    address = response.url
    readable = readable_parts(address)
    for leak in ("dan.whitaker", "example.com", "@"):
        assert leak not in readable
    for encoding in (base64.b64encode, base64.urlsafe_b64encode):
        for email in (typed, typed.lower()):
            for shift in range(3):  # base64 of the email wherever it sits in a payload
                chunk = encoding(b"x" * shift + email.encode()).decode().rstrip("=")[4:-4]
                assert chunk not in address
    # The page itself still says where the confirmation went.
    thanks = page_text(client.get(address))
    assert "Thank you, you are booked" in thanks
    assert f"{clinic.day:%A} {clinic.day.day} {clinic.day:%B} {clinic.day.year}, 10:00–10:45" in (
        thanks
    )
    assert "We have emailed a confirmation to dan.whitaker@example.com" in thanks


def test_the_thank_you_page_shows_the_booking_it_was_made_for(client, clinic):
    """Two bookings, two addresses: each shows its own time and email."""
    Room.objects.create(name="Treatment room 2")
    second_artist = user_create(
        email="alex@clinic.test", first_name="Alex", last_name="Brennan", role=Role.ARTIST
    )
    add_artist_hours(second_artist)
    first = client.post(
        details_url(at(clinic.day, "10:00")),
        details(at(clinic.day, "10:00"), email="first@example.com", phone="07911 100001"),
    )
    second = client.post(
        details_url(at(clinic.day, "14:30")),
        details(at(clinic.day, "14:30"), email="second@example.com", phone="07911 100002"),
    )

    first_page, second_page = page_text(client.get(first.url)), page_text(client.get(second.url))
    assert "10:00–10:45" in first_page and "first@example.com" in first_page
    assert "14:30–15:15" in second_page and "second@example.com" in second_page
    assert "second@example.com" not in first_page


def assert_thanks_link_dead(response) -> None:
    assert response.status_code == 404
    text = page_text(response)
    assert "This link no longer works" in text
    assert "the confirmation email has your appointment's details" in text
    assert "Thank you, you are booked" not in text


def test_a_confirmation_address_that_was_altered_does_not_work(client, clinic):
    start = at(clinic.day, "10:00")
    address = client.post(details_url(start), details(start)).url
    token = address.rstrip("/").rsplit("/", 1)[-1]
    payload, rest = token.split(":", 1)
    other_payload = signing.dumps(Appointment.objects.get().pk + 1).split(":", 1)[0]
    for altered in (
        "not-a-real-token",
        token[:-2] + ("aa" if not token.endswith("aa") else "bb"),
        f"{other_payload}:{rest}",  # another appointment's number under this signature
        token + "x",
    ):
        assert_thanks_link_dead(client.get(reverse("booking:confirmed", args=[altered])))
    assert client.get(address).status_code == 200


def test_a_thank_you_address_for_no_appointment_or_in_the_old_form_does_not_work(client, clinic):
    salt = "scheduling.booking-confirmed"
    start = at(clinic.day, "10:00")
    for token in (
        signing.dumps(999_999, salt=salt),  # no such appointment
        # The old form, which carried the details (and the email) in the address itself.
        signing.dumps(
            {"type": clinic.consultation.pk, "start": format_start(start), "email": "a@b.example"},
            salt=salt,
        ),
        signing.dumps("a-key-this-browser-was-never-given", salt=salt),
    ):
        assert_thanks_link_dead(client.get(reverse("booking:confirmed", args=[token])))


def test_the_thank_you_address_stops_working_after_a_day(client, clinic, monkeypatch):
    start = at(clinic.day, "10:00")
    address = client.post(details_url(start), details(start)).url
    made = time.time()

    monkeypatch.setattr(signing.time, "time", lambda: made + 23 * 60 * 60)
    assert client.get(address).status_code == 200
    monkeypatch.setattr(signing.time, "time", lambda: made + 25 * 60 * 60)
    assert_thanks_link_dead(client.get(address))
