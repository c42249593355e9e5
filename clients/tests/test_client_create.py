"""Front desk creates client records; bad input is explained on the field and nothing is lost."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Client

pytestmark = pytest.mark.django_db

URL = "/clients/new/"


def valid_form(**overrides):
    data = {
        "first_name": "Daniel",
        "last_name": "Whitaker",
        "date_of_birth": "1984-03-12",
        "email": "Daniel.Whitaker@Example.com",
        "phone": "07911 123123",
        "preferred_channel": "sms",
        "contact_consent": "on",
        "referral_source": "search",
        "notes": "Norwood 5, wants a soft hairline.",
    }
    data.update(overrides)
    return data


def field_errors(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def test_url_is_the_create_page():
    assert reverse("clients:create") == URL


def test_it_creates_a_client_with_every_field(people, as_user):
    response = as_user(people.front_desk).post(URL, valid_form())
    client = Client.objects.get(last_name="Whitaker")
    assert response["Location"] == client.get_absolute_url()
    assert client.first_name == "Daniel"
    assert client.email == "daniel.whitaker@example.com"
    assert client.phone.as_e164 == "+447911123123"
    assert client.date_of_birth == datetime.date(1984, 3, 12)
    assert client.preferred_channel == "sms"
    assert client.contact_consent is True
    assert client.referral_source == "search"
    assert client.notes == "Norwood 5, wants a soft hairline."
    assert client.created_by == people.front_desk

    page = as_user(people.front_desk).get(client.get_absolute_url())
    assert b"Daniel Whitaker" in page.content
    assert b"+44 7911 123123" in page.content
    assert b"daniel.whitaker@example.com" in page.content
    assert "Search engine" in page.content.decode()


def test_the_manager_can_create_too(people, as_user):
    as_user(people.manager).post(URL, valid_form())
    assert Client.objects.filter(last_name="Whitaker").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "Enter a valid email address."),
        ("phone", "12ab", "Enter a valid phone number"),
        ("first_name", "", "Enter the client's first name."),
        ("last_name", "   ", "Enter the client's last name."),
        ("date_of_birth", "1850-01-01", "over 120"),
        ("date_of_birth", "31/02/1990", "Enter a valid date."),
    ],
)
def test_it_explains_bad_input_on_the_field_and_keeps_the_rest(
    people, as_user, field, value, message
):
    response = as_user(people.front_desk).post(URL, valid_form(**{field: value}))
    assert response.status_code == 200
    assert any(message in e for e in field_errors(response, field)), field_errors(response, field)
    # Nothing saved, nothing typed elsewhere lost.
    assert not Client.objects.filter(last_name="Whitaker").exists()
    html = response.content.decode()
    assert "Nothing you typed has been lost" in html
    for other in ("notes", "email", "last_name"):
        if other != field:
            assert str(valid_form()[other]) in html


def test_it_refuses_a_date_of_birth_in_the_future(people, as_user):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = as_user(people.front_desk).post(URL, valid_form(date_of_birth=tomorrow.isoformat()))
    assert field_errors(response, "date_of_birth") == ["The date of birth cannot be in the future."]
    assert not Client.objects.filter(last_name="Whitaker").exists()


def test_it_needs_an_email_or_a_phone(people, as_user):
    response = as_user(people.front_desk).post(URL, valid_form(email="", phone=""))
    assert field_errors(response, "email") == ["Give an email address or a phone number."]
    assert field_errors(response, "phone") == ["Give a phone number or an email address."]
    assert not Client.objects.filter(last_name="Whitaker").exists()


def test_it_needs_a_phone_for_sms(people, as_user):
    response = as_user(people.front_desk).post(URL, valid_form(phone="", preferred_channel="sms"))
    assert field_errors(response, "preferred_channel") == ["SMS needs a phone number."]


def test_a_client_may_have_only_a_phone(people, as_user):
    as_user(people.front_desk).post(URL, valid_form(email="", preferred_channel="sms"))
    client = Client.objects.get(last_name="Whitaker")
    assert client.email == ""
    assert client.phone.as_e164 == "+447911123123"


def test_it_refuses_a_second_client_with_the_same_email_and_links_the_first(people, as_user):
    existing = people.record_a
    response = as_user(people.front_desk).post(URL, valid_form(email="ANNA@clinic.test"))
    assert response.status_code == 200
    [error] = field_errors(response, "email")
    assert "Another client already has this email address" in error
    html = response.content.decode()
    assert f'href="{existing.get_absolute_url()}"' in html
    assert ">Anna Ashby</a>" in html
    assert Client.objects.filter(email__iexact="anna@clinic.test").count() == 1
    assert "Norwood 5, wants a soft hairline." in html


def test_it_refuses_the_same_phone_written_another_way(people, as_user):
    # record_a's phone is +447911123001; typed nationally with spaces.
    response = as_user(people.front_desk).post(URL, valid_form(phone="07911 123 001"))
    [error] = field_errors(response, "phone")
    assert "Another client already has this phone number" in error
    assert f'href="{people.record_a.get_absolute_url()}"' in response.content.decode()
    assert Client.objects.count() == 2


def test_it_refuses_wrong_methods(people, as_user):
    browser = as_user(people.front_desk)
    assert browser.put(URL).status_code == 405
    assert browser.delete(URL).status_code == 405


def test_a_duplicate_is_reported_even_while_other_fields_need_fixing(people, as_user):
    response = as_user(people.front_desk).post(
        URL, valid_form(email="anna@clinic.test", last_name="", date_of_birth="2999-01-01")
    )
    assert field_errors(response, "last_name") == ["Enter the client's last name."]
    [error] = field_errors(response, "email")
    assert "Another client already has this email address" in error
    assert Client.objects.count() == 2
