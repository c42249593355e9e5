"""The client record shows the messages sent (or due) to that client, and only theirs."""

import pytest
from django.urls import reverse

from reminders import dispatch
from scheduling.booking import booking_create
from scheduling.tests.api_fixtures import make_clinic
from tests.clock import at


@pytest.fixture
def clinic(people):
    return make_clinic(people)


def test_the_record_lists_the_clients_messages_and_no_one_elses(clinic, as_user):
    people = clinic.people
    booking_create(
        client=people.record_a,
        appointment_type=clinic.treatment,
        artist=clinic.artist,
        starts_at=at(clinic.day, "10:00"),
        room=clinic.room1,
        by=people.front_desk,
    )
    booking_create(
        client=people.record_b,
        appointment_type=clinic.consultation,
        artist=clinic.artist2,
        starts_at=at(clinic.day, "11:00"),
        by=people.front_desk,
    )
    dispatch.dispatch_due()

    page = as_user(people.front_desk).get(reverse("clients:detail", args=[people.record_a.pk]))

    card = page.content.decode().split('data-testid="client-messages"')[1].split("</section>")[0]
    assert "Booking confirmation" in card
    assert "Sent" in card and "by Email" in card
    assert card.count("Appointment reminder") == 2
    assert "Forms to fill" not in card  # Ben's consultation, not Anna's
    assert card.count("<li") == 3


def test_a_client_with_no_messages_sees_a_plain_empty_state(people, as_user):
    page = as_user(people.front_desk).get(reverse("clients:detail", args=[people.record_b.pk]))
    assert "No messages yet." in page.content.decode()
