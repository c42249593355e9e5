"""The client record shows their no-shows and appointments, in a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scheduling.booking import booking_cancel
from tests.clock import MONDAY, YEAR, at

from .diary_fixtures import book, past_no_show

pytestmark = pytest.mark.django_db


def test_the_record_shows_no_shows_and_upcoming_and_past_appointments(clinic, as_user):
    past_no_show(clinic, client=clinic.anna, days_ago=14)
    past_no_show(clinic, client=clinic.anna, days_ago=40)
    past_no_show(clinic, client=clinic.ben, days_ago=14)
    upcoming = book(clinic, at(MONDAY, "10:00"), room=clinic.room2)
    dropped = book(clinic, at(MONDAY, "15:00"), artist=clinic.alex)
    booking_cancel(appointment=dropped, reason="Rebooking", by=clinic.people.front_desk)
    book(clinic, at(MONDAY, "11:00"), client=clinic.ben)

    response = as_user(clinic.people.artist).get(clinic.anna.get_absolute_url())

    page = response.content.decode()
    assert 'data-testid="no-shows">2 no-shows</span>' in page
    upcoming_list = page.split('data-testid="upcoming"')[1].split("</ul>")[0]
    assert f'href="{upcoming.get_absolute_url()}">Mon 1 Mar {YEAR}, 10:00</a>' in upcoming_list
    assert "Free consultation with Sam Okafor · Room 2" in upcoming_list
    assert "Cancelled" in upcoming_list
    assert "Ben" not in upcoming_list
    past_list = page.split('data-testid="past"')[1].split("</ul>")[0]
    assert past_list.count("No-show") == 2


def test_a_client_without_appointments_says_so(clinic, as_user):
    page = as_user(clinic.people.front_desk).get(clinic.ben.get_absolute_url()).content.decode()
    assert 'data-testid="no-shows">No no-shows</span>' in page
    assert "No upcoming appointments." in page
    assert "No past appointments." in page
    assert f'href="{reverse("scheduling:book")}?client={clinic.ben.pk}"' in page


def test_the_record_costs_the_same_for_one_appointment_or_many(clinic, as_user):
    browser = as_user(clinic.people.front_desk)
    url = clinic.anna.get_absolute_url()
    book(clinic, at(MONDAY, "10:00"))
    past_no_show(clinic, client=clinic.anna, days_ago=3)
    browser.get(url)
    with CaptureQueriesContext(connection) as few:
        browser.get(url)

    for day in range(1, 6):
        for hour in ("09:00", "10:00", "11:00"):
            book(clinic, at(MONDAY + dt.timedelta(days=day), hour), artist=clinic.alex)
    for days_ago in range(5, 30):
        past_no_show(clinic, client=clinic.anna, days_ago=days_ago)
    with CaptureQueriesContext(connection) as many:
        response = browser.get(url)

    assert 'data-testid="no-shows">26 no-shows</span>' in response.content.decode()
    assert len(many) == len(few)


def test_upcoming_appointments_come_before_the_message_rows(people, as_user):
    """On the client record the next appointment is read first, not under the messages."""
    html = as_user(people.front_desk).get(f"/clients/{people.record_a.pk}/").content.decode()
    assert html.index("Upcoming appointments") < html.index("Past appointments")
    assert html.index("Past appointments") < html.index('id="messages-heading"')


def test_the_record_takes_exactly_its_queries(clinic, as_user, django_assert_num_queries):
    # Session, user, the client, the audit row, their texts, upcoming and past appointments
    # (each carrying the no-show count), consultations, plans, photos, balance, deposits
    # due, waitlist, messages and the email block.
    browser = as_user(clinic.people.front_desk)
    url = clinic.anna.get_absolute_url()
    book(clinic, at(MONDAY, "10:00"))
    past_no_show(clinic, client=clinic.anna, days_ago=3)
    browser.get(url)
    with django_assert_num_queries(15):
        response = browser.get(url)
    assert 'data-testid="no-shows">1 no-show</span>' in response.content.decode()


def test_no_shows_are_counted_beyond_the_appointments_shown(clinic, as_user):
    for days_ago in range(1, 24):
        past_no_show(clinic, client=clinic.anna, days_ago=days_ago)
    page = as_user(clinic.people.artist).get(clinic.anna.get_absolute_url()).content.decode()
    assert 'data-testid="no-shows">23 no-shows</span>' in page
    assert page.split('data-testid="past"')[1].split("</ul>")[0].count("No-show") == 20
