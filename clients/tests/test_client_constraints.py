"""The database itself refuses duplicates, so two desks saving at once cannot create two records."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from clients.models import Client
from clients.services import client_create, client_update

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_duplicate_email_in_any_case(people):
    with pytest.raises(IntegrityError), transaction.atomic():
        Client.objects.create(first_name="X", last_name="Y", email="ANNA@clinic.test")


def test_the_database_refuses_a_duplicate_phone(people):
    with pytest.raises(IntegrityError), transaction.atomic():
        Client.objects.create(first_name="X", last_name="Y", phone="+447911123001")


def test_the_database_refuses_a_client_with_no_way_to_reach_them(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Client.objects.create(first_name="X", last_name="Y")


def test_many_clients_may_have_no_email(db):
    client_create(first_name="A", last_name="A", phone="+447911123301")
    client_create(first_name="B", last_name="B", phone="+447911123302")
    assert Client.objects.filter(email="").count() == 2


def test_the_service_turns_a_duplicate_into_a_field_error(people):
    with pytest.raises(ValidationError) as info:
        client_create(first_name="X", last_name="Y", email="anna@clinic.test")
    assert "email" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        client_update(client=people.record_b, phone="+447911123001")
    assert "phone" in info.value.message_dict
    people.record_b.refresh_from_db()
    assert people.record_b.phone.as_e164 == "+447911123002"


def test_the_service_refuses_unknown_fields(db):
    with pytest.raises(TypeError):
        client_create(first_name="X", last_name="Y", email="x@example.com", is_vip=True)
