"""The manager's settings pages in a browser: each meets WCAG 2.2 AA at a desktop and a
phone width (axe-core), and a screenshot of each at 1280 px is kept to be looked at."""

import pytest
from django.urls import reverse

from scheduling.models import ClosedDay
from scheduling.setup import public_holidays_close
from tests.browser.conftest import take_session
from tests.browser.test_accessibility import problems_on

pytestmark = pytest.mark.django_db(transaction=True)


def test_settings_pages_meet_wcag_aa(page, live_server, whole_clinic, screenshots):
    clinic = whole_clinic
    public_holidays_close(clinic.day.year, "ENG")
    ClosedDay.objects.get_or_create(
        date=clinic.day.replace(day=28), defaults={"reason": "Training"}
    )
    take_session(page, live_server, clinic.people.manager)
    pages = {
        "index": reverse("clinic_settings:index"),
        "clinic": reverse("clinic_settings:clinic"),
        "hours": reverse("clinic_settings:hours"),
        "rooms": reverse("clinic_settings:rooms"),
        "room": reverse("clinic_settings:room", args=[clinic.room.pk]),
        "services": reverse("clinic_settings:services"),
        "service": reverse("clinic_settings:service", args=[clinic.appointment.type_id]),
        "rules": reverse("clinic_settings:rules"),
        "changes": reverse("clinic_settings:changes"),
    }
    problems = []
    for name, path in pages.items():
        problems += problems_on(page, path)
        page.set_viewport_size({"width": 1280, "height": 860})
        page.goto(path)
        page.screenshot(path=screenshots / f"settings-{name}-1280.png", full_page=True)
    assert not problems, "\n".join(problems)


def test_a_spanish_speaking_manager_reads_the_settings_in_spanish(
    page, live_server, whole_clinic, screenshots
):
    # The clinic speaks English; the manager's own choice turns her settings Spanish, and
    # the longer Spanish labels keep the pages accessible and within the window.
    from playwright.sync_api import expect

    clinic = whole_clinic
    manager = clinic.people.manager
    manager.language = "es"
    manager.save(update_fields=["language"])
    take_session(page, live_server, manager)
    pages = {
        "index": (reverse("clinic_settings:index"), "Configuración"),
        "clinic": (reverse("clinic_settings:clinic"), "La clínica"),
        "hours": (reverse("clinic_settings:hours"), "Horario de apertura y días cerrados"),
        "rooms": (reverse("clinic_settings:rooms"), "Salas"),
        "services": (reverse("clinic_settings:services"), "Servicios"),
        "rules": (reverse("clinic_settings:rules"), "Normas de reserva y seguridad"),
        "changes": (reverse("clinic_settings:changes"), "Cambios recientes en la configuración"),
    }
    problems = []
    for name, (path, heading) in pages.items():
        problems += problems_on(page, path)
        page.set_viewport_size({"width": 1280, "height": 860})
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", "es")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
        page.screenshot(path=screenshots / f"settings-{name}-es-1280.png", full_page=True)
    assert not problems, "\n".join(problems)

    page.goto(reverse("clinic_settings:rules"))
    expect(page.get_by_label("Antelación mínima para reservas en línea (horas)")).to_be_visible()
    page.get_by_role("button", name="Guardar: normas de reserva").click()
    expect(page.get_by_role("alert").or_(page.locator(".alert")).first).to_contain_text(
        "Normas de reserva: guardado."
    )
