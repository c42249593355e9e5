"""Each role lands on its own home page, showing real figures from the database."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from clients.services import client_create

pytestmark = pytest.mark.django_db


def test_front_desk_sees_search_and_the_clients_added_recently(people, as_user):
    response = as_user(people.front_desk).get(reverse("home"))
    html = response.content.decode()
    assert "Good to see you, Jordan" in html
    assert 'action="/clients/"' in html
    assert "Ben Barker" in html and "Anna Ashby" in html
    assert "Add a new client" in html


def test_the_recent_list_is_empty_with_a_message_when_there_are_no_clients(db, as_user):
    from accounts.models import Role
    from accounts.services import user_create

    desk = user_create(email="desk@clinic.test", role=Role.FRONT_DESK)
    html = as_user(desk).get(reverse("home")).content.decode()
    assert "No clients yet" in html


def test_the_manager_sees_real_counts(people, as_user):
    old = client_create(first_name="Old", last_name="Timer", email="old@example.com")
    Client.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    client_create(
        first_name="Keen", last_name="Contact", email="keen@example.com", contact_consent=True
    )
    response = as_user(people.manager).get(reverse("home"))
    overview = response.context["overview"]
    assert overview["clients_total"] == 4
    assert overview["clients_this_week"] == 3
    assert overview["clients_consenting"] == 1
    html = response.content.decode()
    assert '<div class="stat" data-stat="clients-total">4</div>' in html
    assert '<div class="stat" data-stat="clients-this-week">3</div>' in html
    assert "1 artist · 1 front desk · 1 manager" in html


def test_the_manager_home_costs_a_fixed_number_of_queries(people, as_user):
    browser = as_user(people.manager)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            browser.get(reverse("home"))
        return len(ctx.captured_queries)

    before = count()
    for i in range(20):
        client_create(first_name=f"C{i}", last_name="More", email=f"more{i}@example.com")
    assert count() == before


def test_a_client_lands_on_their_own_portal_and_sees_nobody_elses(people, as_user):
    response = as_user(people.client_a).get(reverse("home"), follow=True)
    assert response.redirect_chain == [(reverse("portal:home"), 302)]
    html = response.content.decode()
    assert "Anna" in html
    assert "ben@clinic.test" not in html and "Barker" not in html


def test_a_client_without_a_record_is_told_so(people, as_user):
    people.record_a.user = None
    people.record_a.save()
    html = as_user(people.client_a).get(reverse("home")).content.decode()
    assert "not linked to a client record yet" in html


def _appointment_today(people, artist, client, hhmm, status="booked"):
    import datetime as dt

    from scheduling.models import Appointment, AppointmentType
    from smpclinic.clinic import clinic_zone, local_datetime

    hour, minute = map(int, hhmm.split(":"))
    start = local_datetime(timezone.localdate(), dt.time(hour, minute), clinic_zone())
    return Appointment.objects.create(
        client=client,
        type=AppointmentType.objects.get(slug="consultation"),
        artist=artist,
        starts_at=start,
        ends_at=start + timedelta(minutes=45),
        blocked_until=start + timedelta(minutes=60),
        status=status,
    )


def test_front_desk_sees_todays_appointments_for_every_artist(people, as_user):
    from accounts.models import Role
    from accounts.services import user_create

    other_artist = user_create(email="alex@clinic.test", first_name="Alex", role=Role.ARTIST)
    _appointment_today(people, people.artist, people.record_a, "10:00")
    _appointment_today(people, other_artist, people.record_b, "11:30", status="arrived")
    _appointment_today(people, other_artist, people.record_b, "15:00", status="cancelled")
    html = as_user(people.front_desk).get(reverse("home")).content.decode()
    table = html.split('data-testid="todays-appointments"')[1].split("</table>")[0]
    assert "10:00–10:45" in table and "Anna Ashby" in table and "Sam" in table
    assert "11:30–12:15" in table and "Ben Barker" in table and "Arrived" in table
    assert "15:00" not in table  # cancelled


def test_an_artist_sees_only_their_own_day(people, as_user):
    from accounts.models import Role
    from accounts.services import user_create

    other_artist = user_create(email="alex@clinic.test", first_name="Alex", role=Role.ARTIST)
    _appointment_today(people, people.artist, people.record_a, "10:00")
    _appointment_today(people, other_artist, people.record_b, "11:30")
    html = as_user(people.artist).get(reverse("home")).content.decode()
    day = html.split('data-testid="my-day"')[1].split("</section>")[0]
    assert "Anna Ashby" in day
    assert "11:30" not in html


def test_the_artists_empty_day_says_so(people, as_user):
    html = as_user(people.artist).get(reverse("home")).content.decode()
    assert "No appointments today." in html


def test_the_manager_sees_the_diary_figures(people, as_user):
    _appointment_today(people, people.artist, people.record_a, "10:00")
    _appointment_today(people, people.artist, people.record_b, "12:00", status="cancelled")
    response = as_user(people.manager).get(reverse("home"))
    assert response.context["diary"]["today"] == 1
    assert '<div class="stat" data-stat="appointments-today">1</div>' in response.content.decode()


def test_the_front_desk_home_costs_the_same_queries_with_more_appointments(people, as_user):
    browser = as_user(people.front_desk)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            browser.get(reverse("home"))
        return len(ctx.captured_queries)

    _appointment_today(people, people.artist, people.record_a, "09:00")
    before = count()
    for i, hhmm in enumerate(["10:00", "11:00", "12:00", "13:00", "14:00"]):
        _appointment_today(people, people.artist, (people.record_a, people.record_b)[i % 2], hhmm)
    assert count() == before


def test_the_managers_tiles_count_what_todays_table_lists(people, as_user):
    """A no-show stays on the day's list, so 'Appointments today' counts it, and so does
    'No-shows, last 30 days' as soon as it is marked."""
    _appointment_today(people, people.artist, people.record_a, "09:00", status="no_show")
    _appointment_today(people, people.artist, people.record_b, "11:00")
    _appointment_today(people, people.artist, people.record_b, "15:00", status="cancelled")
    response = as_user(people.manager).get(reverse("home"))
    html = response.content.decode()
    table = html.split('data-testid="todays-appointments"')[1].split("</table>")[0]
    listed = table.count("<tr") - 1  # less the heading row
    assert listed == 2
    assert f'<div class="stat" data-stat="appointments-today">{listed}</div>' in html
    assert '<div class="stat" data-stat="no-shows">1</div>' in html
