"""Services' names and descriptions in the client's language, on the booking pages, the
portal and the messages, with a fallback when the clinic has not translated one."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from clients.models import Client
from reminders.dispatch import dispatch_due
from scheduling import admin  # noqa: F401  (registers the services' admin)
from scheduling.booking import booking_create
from scheduling.models import AppointmentType, AppointmentTypeTranslation
from scheduling.shipped_services import shipped_translations_add
from scheduling.tests.api_fixtures import make_clinic
from scheduling.tests.public_booking_fixtures import details, details_url
from tests.clock import LONDON

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clinic(people, settings):
    settings.TIME_ZONE = "Europe/London"
    settings.SITE_URL = "https://clinic.example"
    return make_clinic(people)


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_every_shipped_service_has_its_spanish_name(db):
    for service in AppointmentType.objects.all():
        assert service.name_in("es") != service.name, service.slug
        assert service.description_in("es") != service.description, service.slug
    consultation = AppointmentType.objects.get(slug="consultation")
    assert consultation.name_in("es") == "Consulta gratuita"
    assert consultation.name_in("en-gb") == "Free consultation"
    assert consultation.name_in_sentence("es") == "consulta gratuita"
    assert consultation.name_in_sentence("en-gb") == "Free consultation"
    assert shipped_translations_add() == 0  # already there: nothing twice


def test_a_spanish_visitor_books_a_consulta_gratuita_and_gets_it_in_the_email(client, clinic):
    start = dt.datetime.combine(clinic.day, dt.time(10), tzinfo=LONDON)
    choose = text_of(client.get(reverse("booking:start") + "?lang=es"))
    assert "Consulta gratuita" in choose
    assert "Conozca a su artista en la clínica" in choose
    assert "Free consultation" not in choose
    assert "Consulta gratuita" in text_of(client.get(details_url(start)))

    posted = client.post(details_url(start), details(start, email="lucia@example.com"))
    assert posted.status_code == 302
    assert "Consulta gratuita" in text_of(client.get(posted.url))
    assert Client.objects.get(email="lucia@example.com").language == "es"

    assert dispatch_due() == 1
    message = mail.outbox[0]
    assert message.subject.startswith("Su consulta gratuita en "), message.subject
    assert "Su consulta gratuita está confirmada" in message.body
    assert "Free consultation" not in message.body


def test_an_english_visitor_books_a_free_consultation(client, clinic):
    start = dt.datetime.combine(clinic.day, dt.time(10), tzinfo=LONDON)
    choose = text_of(client.get(reverse("booking:start"), HTTP_ACCEPT_LANGUAGE="en-GB"))
    assert "Free consultation" in choose
    assert "Consulta gratuita" not in choose
    posted = client.post(details_url(start), details(start, email="dan@example.com"))
    assert posted.status_code == 302
    assert dispatch_due() == 1
    assert mail.outbox[0].subject.startswith("Your Free consultation at ")


def test_a_service_without_a_spanish_name_keeps_the_clinics(client, clinic):
    consultation = AppointmentType.objects.get(slug="consultation")
    consultation.translations.all().delete()
    consultation.name = "Free SMP consultation"
    consultation.save()
    choose = text_of(client.get(reverse("booking:start") + "?lang=es"))
    assert "Free SMP consultation" in choose
    assert "Consulta gratuita" not in choose
    # A renamed service gets no shipped Spanish: it would not say what the clinic says.
    assert shipped_translations_add() == 0
    assert consultation.name_in_sentence("es") == "Free SMP consultation"


def test_the_portal_shows_a_spanish_client_the_spanish_name(clinic, as_user):
    record = clinic.people.record_a
    record.language = "es"
    record.save(update_fields=["language"])
    booking_create(
        client=record,
        appointment_type=clinic.treatment,
        artist=clinic.artist,
        starts_at=dt.datetime.combine(clinic.day, dt.time(10), tzinfo=LONDON),
        room=clinic.room1,
        by=clinic.people.front_desk,
    )
    page = text_of(as_user(clinic.people.client_a).get(reverse("portal:appointments")))
    assert "Sesión de tratamiento" in page
    assert "Treatment session" not in page


def test_the_portal_shows_an_english_client_the_clinics_name(clinic, as_user):
    booking_create(
        client=clinic.people.record_a,
        appointment_type=clinic.treatment,
        artist=clinic.artist,
        starts_at=dt.datetime.combine(clinic.day, dt.time(10), tzinfo=LONDON),
        room=clinic.room1,
        by=clinic.people.front_desk,
    )
    page = text_of(as_user(clinic.people.client_a).get(reverse("portal:appointments")))
    assert "Treatment session" in page
    assert "Sesión de tratamiento" not in page


# --- the admin ------------------------------------------------------------------------------


def admin_post(service, **translation):
    data = {
        "name": service.name,
        "slug": service.slug,
        "kind": service.kind,
        "description": service.description,
        "price": str(service.price),
        "default_minutes": service.default_minutes,
        "min_minutes": service.min_minutes,
        "max_minutes": service.max_minutes,
        "buffer_after_minutes": service.buffer_after_minutes,
        "needs_room": "on" if service.needs_room else "",
        "is_video": "on" if service.is_video else "",
        "online_bookable": "on" if service.online_bookable else "",
        "is_active": "on",
        "position": service.position,
        "translations-TOTAL_FORMS": "1",
        "translations-INITIAL_FORMS": "0",
        "translations-MIN_NUM_FORMS": "0",
        "translations-MAX_NUM_FORMS": "1000",
        "translations-0-id": "",
        "translations-0-appointment_type": service.pk,
    }
    data.update({f"translations-0-{k}": v for k, v in translation.items()})
    return {k: v for k, v in data.items() if v != ""}


@pytest.mark.parametrize(
    "translation, error",
    [
        ({"language": "es", "name": "Visita", "description": ""}, "translate it too"),
        ({"language": "es", "name": "   ", "description": "Una visita."}, "This field is required"),
        ({"language": "en-gb", "name": "Visit", "description": "A visit."}, "own language"),
        ({"language": "xx", "name": "Visita", "description": "Una visita."}, "valid choice"),
    ],
)
def test_the_admin_refuses_a_half_filled_translation_clearly(clinic, as_user, translation, error):
    service = AppointmentType.objects.get(slug="fade-check-in")
    service.translations.all().delete()
    page = as_user(clinic.people.manager).post(
        reverse("admin:scheduling_appointmenttype_change", args=[service.pk]),
        admin_post(service, **translation),
    )
    assert page.status_code == 200
    assert error in page.content.decode().replace("&#x27;", "'")
    assert not AppointmentTypeTranslation.objects.filter(appointment_type=service).exists()


def test_the_admin_saves_a_complete_translation(clinic, as_user):
    service = AppointmentType.objects.get(slug="fade-check-in")
    service.translations.all().delete()
    page = as_user(clinic.people.manager).post(
        reverse("admin:scheduling_appointmenttype_change", args=[service.pk]),
        admin_post(service, language="es", name="Revisión", description="Una visita corta."),
    )
    assert page.status_code == 302
    saved = AppointmentTypeTranslation.objects.get(appointment_type=service)
    assert (saved.language, saved.name) == ("es", "Revisión")


# --- the settings page, where the manager edits the service ---------------------------------


def settings_form_data(browser, service) -> dict:
    form = browser.get(reverse("clinic_settings:service", args=[service.pk])).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = value
    return data


def test_the_settings_page_shows_and_saves_the_spanish_name(clinic, as_user):
    manager = as_user(clinic.people.manager)
    service = AppointmentType.objects.get(slug="consultation")
    data = settings_form_data(manager, service)
    assert data["name_es"] == "Consulta gratuita"
    data["name_es"] = "Primera consulta"
    posted = manager.post(reverse("clinic_settings:service", args=[service.pk]), data)
    assert posted.status_code == 302
    assert service.translations.get(language="es").name == "Primera consulta"

    # Both left empty: no translation, clients read the clinic's own name.
    data.update(name_es="", description_es="")
    manager.post(reverse("clinic_settings:service", args=[service.pk]), data)
    assert not service.translations.exists()


@pytest.mark.parametrize(
    "half, field, error",
    [
        ({"name_es": "", "description_es": "Una visita."}, "name_es", "name in this language"),
        ({"name_es": "Consulta", "description_es": ""}, "description_es", "translate it too"),
    ],
)
def test_the_settings_page_refuses_a_half_filled_translation(clinic, as_user, half, field, error):
    manager = as_user(clinic.people.manager)
    service = AppointmentType.objects.get(slug="consultation")
    data = {**settings_form_data(manager, service), **half}
    data["name"] = "Free first consultation"
    page = manager.post(reverse("clinic_settings:service", args=[service.pk]), data)
    assert page.status_code == 400
    assert error in " ".join(page.context["form"].errors[field])
    service.refresh_from_db()
    assert service.name == "Free consultation"  # nothing saved
    assert service.translations.get(language="es").name == "Consulta gratuita"
