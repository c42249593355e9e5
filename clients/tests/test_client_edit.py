import pytest
from django.urls import reverse

from clients.models import Client

pytestmark = pytest.mark.django_db


def form_for(client, **overrides):
    data = {
        "first_name": client.first_name,
        "last_name": client.last_name,
        "email": client.email,
        "phone": str(client.phone),
        "preferred_channel": client.preferred_channel,
        "notes": client.notes,
    }
    data.update(overrides)
    return data


def test_it_saves_changes(people, as_user):
    record = people.record_a
    url = reverse("clients:edit", args=[record.pk])
    response = as_user(people.front_desk).post(
        url, form_for(record, last_name="Ashby-Stone", notes="Prefers mornings.")
    )
    assert response["Location"] == record.get_absolute_url()
    record.refresh_from_db()
    assert record.last_name == "Ashby-Stone"
    assert record.notes == "Prefers mornings."
    # The search follows the new name.
    listing = as_user(people.front_desk).get(reverse("clients:list"), {"q": "stone"})
    assert b"Ashby-Stone" in listing.content


def test_keeping_your_own_email_and_phone_is_not_a_duplicate(people, as_user):
    record = people.record_a
    response = as_user(people.front_desk).post(
        reverse("clients:edit", args=[record.pk]), form_for(record, first_name="Annabel")
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.first_name == "Annabel"


def test_it_refuses_another_clients_email_and_saves_nothing(people, as_user):
    record = people.record_a
    response = as_user(people.front_desk).post(
        reverse("clients:edit", args=[record.pk]),
        form_for(record, first_name="Annabel", email="ben@clinic.test"),
    )
    assert response.status_code == 200
    assert "Another client already has this email address" in response.content.decode()
    assert f'href="{people.record_b.get_absolute_url()}"' in response.content.decode()
    record.refresh_from_db()
    assert record.first_name == "Anna"
    assert record.email == "anna@clinic.test"


def test_a_missing_record_is_404(people, as_user):
    missing = Client.objects.order_by("-pk").first().pk + 100
    browser = as_user(people.front_desk)
    assert browser.get(reverse("clients:detail", args=[missing])).status_code == 404
    assert browser.get(reverse("clients:edit", args=[missing])).status_code == 404


def test_the_edit_form_shows_the_current_values(people, as_user):
    response = as_user(people.front_desk).get(reverse("clients:edit", args=[people.record_a.pk]))
    html = response.content.decode()
    assert 'value="anna@clinic.test"' in html
    assert 'value="+44 7911 123001"' in html


def _stopped(record):
    from clients.services import client_sms_consent_set
    from tests.clock import at, days_ago

    client_sms_consent_set(
        client=record, allowed=False, how='Replied "STOP" by text', now=at(days_ago(3), "09:00")
    )
    return record


def test_a_new_phone_number_lets_texts_go_again_and_says_why(people, as_user):
    """A STOP belongs to the number it came from: the new number gets texts, the record
    says the STOP came from the old one, and the desk is told."""
    record = _stopped(people.record_a)
    desk = as_user(people.front_desk)

    response = desk.post(
        reverse("clients:edit", args=[record.pk]),
        form_for(record, phone="+447911123999"),
        follow=True,
    )

    record.refresh_from_db()
    assert not record.sms_opted_out
    assert record.sms_consent_changed_how == (
        "New phone number (was +447911123001): the STOP came from the old number"
    )
    page = response.content.decode()
    assert "Text messages go to the new number: the STOP came from the old one." in page
    shown = page.split('data-testid="sms-consent"')[1].split("</dd>")[0]
    assert "Allowed again" in shown and "the STOP came from the old number" in shown


def test_other_changes_keep_texts_stopped(people, as_user):
    record = _stopped(people.record_a)
    stopped_at = record.sms_consent_changed_at

    response = as_user(people.front_desk).post(
        reverse("clients:edit", args=[record.pk]),
        form_for(record, last_name="Ashby-Stone"),
        follow=True,
    )

    record.refresh_from_db()
    assert record.sms_opted_out
    assert record.sms_consent_changed_at == stopped_at
    assert "Text messages go to the new number" not in response.content.decode()
