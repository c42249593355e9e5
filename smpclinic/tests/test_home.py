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


def test_a_client_sees_their_own_details_and_nobody_elses(people, as_user):
    html = as_user(people.client_a).get(reverse("home")).content.decode()
    assert "Welcome, Anna" in html
    assert "anna@clinic.test" in html
    assert "+44 7911 123001" in html
    assert "ben@clinic.test" not in html and "Barker" not in html


def test_a_client_without_a_record_is_told_so(people, as_user):
    people.record_a.user = None
    people.record_a.save()
    html = as_user(people.client_a).get(reverse("home")).content.decode()
    assert "not linked to a client record yet" in html
