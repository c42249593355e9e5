import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.tests.conftest import log
from scheduling.booking import booking_create
from scheduling.models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    BookingPolicy,
    BookingSource,
)
from scheduling.public_forms import format_start
from sessions_app.tests.fixtures import past_appointment
from tests.clock import LONDON, at


def working_day(after_days: int) -> dt.date:
    """The first Monday–Saturday at least `after_days` days from today."""
    day = dt.datetime.now(LONDON).date() + dt.timedelta(days=after_days)
    while day.weekday() == 6:
        day += dt.timedelta(days=1)
    return day


def book_session(session, when):
    """The desk booked this session (written directly: any time, no rules)."""
    return past_appointment(session, when=when)


def key(when: dt.datetime) -> str:
    return format_start(when)


# --- the list ----------------------------------------------------------------------------


def test_upcoming_and_past_with_calendar_files(portal, as_user, django_assert_max_num_queries):
    log(portal.sessions[0], days_before_today=20)
    upcoming = book_session(portal.sessions[1], at(portal.monday, "10:00"))
    c = as_user(portal.people.client_a)
    with django_assert_max_num_queries(12):
        page = c.get(reverse("portal:appointments"))
    body = page.content.decode()
    assert f'data-testid="upcoming-{upcoming.pk}"' in body
    assert reverse("portal:appointment_ics", args=[upcoming.pk]) in body
    assert reverse("portal:reschedule", args=[upcoming.pk]) in body
    assert "Completed" in body  # session 1, in the past list
    ics = c.get(reverse("portal:appointment_ics", args=[upcoming.pk]))
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    text = ics.content.decode()
    assert "BEGIN:VEVENT" in text and "Treatment session" in text
    assert "Okafor" not in text  # the artist's first name only, as on the client's files


def test_the_list_takes_the_same_queries_for_many_appointments(
    portal, as_user, django_assert_max_num_queries
):
    c = as_user(portal.people.client_a)
    book_session(portal.sessions[0], at(portal.monday, "10:00"))
    with django_assert_max_num_queries(12) as one:
        c.get(reverse("portal:appointments"))
    for number, session in enumerate(portal.sessions[1:], start=1):
        book_session(session, at(portal.monday + dt.timedelta(days=7 * number), "10:00"))
    with django_assert_max_num_queries(len(one.captured_queries)):
        body = c.get(reverse("portal:appointments")).content.decode()
    assert body.count('data-testid="upcoming-') == 3


# --- notice ---------------------------------------------------------------------------------


def test_inside_the_notice_period_the_client_is_asked_to_call(portal, as_user, settings):
    settings.CLINIC_PHONE = "+44 20 7946 0000"
    BookingPolicy.objects.update_or_create(pk=1, defaults={"change_notice_hours": 48})
    soon = (timezone.now() + dt.timedelta(hours=30)).replace(minute=0, second=0, microsecond=0)
    appointment = book_session(portal.sessions[0], soon)
    c = as_user(portal.people.client_a)
    body = c.get(reverse("portal:appointments")).content.decode()
    assert 'data-testid="call-us"' in body and "+44 20 7946 0000" in body
    assert reverse("portal:reschedule", args=[appointment.pk]) not in body
    later = at(working_day(10), "10:00")
    for response in (
        c.get(reverse("portal:reschedule", args=[appointment.pk])),
        c.post(reverse("portal:reschedule_confirm", args=[appointment.pk, key(later)])),
    ):
        assert response.status_code == 409
        assert "please call us" in response.content.decode().lower()
    appointment.refresh_from_db()
    assert appointment.starts_at == soon and appointment.status == AppointmentStatus.BOOKED
    assert not appointment.cancelled_late


def test_inside_the_notice_period_a_cancellation_is_accepted_and_recorded_as_late(portal, as_user):
    # A client can always tell us they cannot come; refusing would only make a no-show.
    BookingPolicy.objects.update_or_create(pk=1, defaults={"change_notice_hours": 48})
    soon = (timezone.now() + dt.timedelta(hours=30)).replace(minute=0, second=0, microsecond=0)
    appointment = book_session(portal.sessions[0], soon)
    c = as_user(portal.people.client_a)
    page = c.get(reverse("portal:cancel", args=[appointment.pk])).content.decode()
    assert "we will record this as a late cancellation" in page
    response = c.post(reverse("portal:cancel", args=[appointment.pk]), {"reason": "Ill"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED and appointment.cancelled_late
    event = appointment.events.get(kind="cancelled")
    assert event.detail.startswith("Late cancellation")


def test_outside_the_notice_period_the_client_moves_the_appointment(portal, as_user):
    appointment = book_session(portal.sessions[0], at(portal.monday, "10:00"))
    c = as_user(portal.people.client_a)
    page = c.get(reverse("portal:reschedule", args=[appointment.pk]) + f"?from={portal.monday}")
    tuesday = at(portal.monday + dt.timedelta(days=1), "11:00")
    confirm = reverse("portal:reschedule_confirm", args=[appointment.pk, key(tuesday)])
    assert confirm in page.content.decode()
    assert c.get(confirm).status_code == 200
    response = c.post(confirm)
    assert response.status_code == 302 and response.url == reverse("portal:appointments")
    appointment.refresh_from_db()
    assert appointment.starts_at == tuesday and appointment.artist == portal.artist
    assert appointment.minutes == portal.sessions[0].planned_minutes


def test_a_move_that_breaks_the_gap_is_refused(portal, as_user):
    log(portal.sessions[0], days_before_today=2)
    appointment = book_session(portal.sessions[1], at(portal.monday, "10:00"))
    too_soon = at(working_day(3), "10:00")
    c = as_user(portal.people.client_a)
    page = c.get(reverse("portal:reschedule", args=[appointment.pk]) + f"?from={too_soon.date()}")
    assert key(too_soon) not in page.content.decode()
    response = c.post(
        reverse("portal:reschedule_confirm", args=[appointment.pk, key(too_soon)]), follow=True
    )
    assert "at least 7 days apart" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.starts_at == at(portal.monday, "10:00")


def test_the_move_page_says_why_a_session_can_only_move_within_some_days(portal, as_user):
    """Session 2 between two sessions a week each side: the page says which days it can
    move to and why, and the current time is shown as such, not offered as a new one."""
    log(portal.sessions[0], days_before_today=2)
    appointment = book_session(portal.sessions[1], at(portal.monday, "10:00"))
    book_session(portal.sessions[2], at(portal.monday + dt.timedelta(days=8), "10:00"))
    c = as_user(portal.people.client_a)
    body = c.get(
        reverse("portal:reschedule", args=[appointment.pk]) + f"?from={portal.monday}"
    ).content.decode()
    limits = body[body.index('data-testid="move-limits"') :]
    assert "Session 2 needs at least 7 days between it and your other sessions" in limits
    latest = portal.monday + dt.timedelta(days=1)  # a week before session 3
    assert f"and {latest:%A} {latest.day} {latest:%B}." in limits.split("</p>")[0]
    assert 'data-testid="current-time"' in body and "10:00 · your time now" in body
    current = reverse(
        "portal:reschedule_confirm", args=[appointment.pk, key(appointment.starts_at)]
    )
    assert current not in body


def test_cancelling_needs_a_reason(portal, as_user):
    appointment = book_session(portal.sessions[0], at(portal.monday, "10:00"))
    c = as_user(portal.people.client_a)
    url = reverse("portal:cancel", args=[appointment.pk])
    response = c.post(url, {"reason": "  "})
    assert response.status_code == 400
    assert "Tell us briefly why you are cancelling." in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    response = c.post(url, {"reason": "Work trip"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert "Work trip" in appointment.cancellation_reason


# --- book my next session ------------------------------------------------------------------


def test_book_next_offers_only_times_after_the_gap_and_books_one(portal, as_user):
    log(portal.sessions[0], days_before_today=2)
    c = as_user(portal.people.client_a)
    earliest = at(dt.datetime.now(LONDON).date() - dt.timedelta(days=2), "10:00") + dt.timedelta(
        days=7
    )
    page = c.get(reverse("portal:book_next"))
    body = page.content.decode()
    assert "Session 2 with Sam" in body
    offered = [
        dt.datetime.fromisoformat(part.split("/")[0])
        for part in body.split("/portal/book-next/")[1:]
        if part[:4].isdigit()
    ]
    assert offered and min(offered) >= earliest

    chosen = at(portal.monday, "10:00")
    url = reverse("portal:book_next_confirm", args=[key(chosen)])
    assert "Book this time" in c.get(url).content.decode()
    response = c.post(url)
    assert response.status_code == 302 and response.url == reverse("portal:appointments")
    session = portal.sessions[1]
    session.refresh_from_db()
    appointment = session.appointment
    assert appointment.starts_at == chosen and appointment.artist == portal.artist
    assert appointment.minutes == session.planned_minutes
    assert appointment.source in (BookingSource.ONLINE, BookingSource.FRONT_DESK)
    assert appointment.booked_by == portal.people.client_a
    # The same request again (a double tap) books nothing more.
    again = c.post(url, follow=True)
    assert "booked" in again.content.decode()
    assert Appointment.objects.filter(client=portal.client).count() == 2


def test_book_next_refuses_a_time_inside_the_gap(portal, as_user):
    log(portal.sessions[0], days_before_today=2)
    too_soon = at(working_day(3), "10:00")
    c = as_user(portal.people.client_a)
    response = c.post(reverse("portal:book_next_confirm", args=[key(too_soon)]), follow=True)
    body = response.content.decode()
    assert "at least 7 days apart" in body
    assert "Session 2 with Sam" in body  # the list again
    portal.sessions[1].refresh_from_db()
    assert portal.sessions[1].appointment is None


def test_book_next_refuses_a_time_taken_meanwhile(portal, as_user):
    chosen = at(portal.monday, "10:00")
    booking_create(
        client=portal.other_client,
        appointment_type=AppointmentType.objects.get(slug="consultation"),
        artist=portal.artist,
        starts_at=chosen,
    )
    c = as_user(portal.people.client_a)
    response = c.post(reverse("portal:book_next_confirm", args=[key(chosen)]), follow=True)
    assert "not free any more" in response.content.decode()
    portal.sessions[0].refresh_from_db()
    assert portal.sessions[0].appointment is None


def test_book_next_when_everything_is_booked(portal, as_user):
    for number, session in enumerate(portal.sessions):
        book_session(session, at(portal.monday + dt.timedelta(days=7 * number), "10:00"))
    body = as_user(portal.people.client_a).get(reverse("portal:book_next")).content.decode()
    assert "Every session of your plan is booked or done" in body


@pytest.mark.parametrize("start", ["not-a-time", "1999-01-01T10:00:00Z"])
def test_a_garbled_time_is_404(portal, as_user, start):
    c = as_user(portal.people.client_a)
    assert c.get(reverse("portal:book_next_confirm", args=[start])).status_code == 404


# --- deposits -------------------------------------------------------------------------------


def test_each_appointment_says_what_became_of_its_deposit_in_a_fixed_number_of_queries(
    portal, as_user, django_assert_max_num_queries
):
    from billing.models import CancellationPolicy, Deposit, DepositStatus

    c = as_user(portal.people.client_a)
    anna = portal.people.record_a
    held = book_session(portal.sessions[1], at(portal.monday, "10:00"))
    kept = book_session(portal.sessions[2], at(portal.monday + dt.timedelta(days=7), "10:00"))
    Appointment.objects.filter(pk=kept.pk).update(status=AppointmentStatus.CANCELLED)
    pay_by = at(portal.monday, "09:00") - dt.timedelta(days=2)
    Deposit.objects.create(appointment=held, client=anna, amount=100, pay_by=pay_by)
    Deposit.objects.create(
        appointment=kept,
        client=anna,
        amount=100,
        status=DepositStatus.FORFEITED,
        policy=CancellationPolicy.current(),
    )
    with django_assert_max_num_queries(13):
        body = c.get(reverse("portal:appointments")).content.decode()

    upcoming = body.split(f'data-testid="upcoming-{held.pk}"')[1].split("</article>")[0]
    assert "Please pay your deposit of £100.00 by" in upcoming
    assert "released for someone else" in upcoming
    past = body.split('id="past-heading"')[1]
    assert "kept under the cancellation policy you accepted (version 1)" in past
