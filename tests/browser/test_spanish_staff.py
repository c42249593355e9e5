"""A receptionist who chose Spanish signs in and works from the home page and the diary.

The clinic speaks British English; her own choice (User.language) turns her screens Spanish
from the moment she has signed in.
"""

import re

import pytest
from playwright.sync_api import expect

from scheduling.tests.diary_fixtures import book
from tests.browser.conftest import sign_in, take_session
from tests.clock import MONDAY, YEAR, at

pytestmark = pytest.mark.django_db(transaction=True)

ENGLISH_NAV = ["Today", "Diary", "Clients", "Consultations", "Check-ins", "Waitlist", "Reminders"]
SPANISH_NAV = ["Hoy", "Agenda", "Clientes", "Consultas", "Espera", "Avisos"]


def nav_labels(page) -> list[str]:
    return [text.strip() for text in page.locator("#nav .nav-link").all_inner_texts()]


def test_a_spanish_speaking_receptionist_sees_home_and_week_in_spanish(
    page, live_server, clinic, screenshots
):
    desk = clinic.people.front_desk
    desk.language = "es"
    desk.save(update_fields=["language"])
    book(clinic, at(MONDAY, "10:00"), client=clinic.anna)

    sign_in(page, desk.email)

    # The front desk's home.
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name="Hola de nuevo, Jordan")).to_be_visible()
    expect(page.get_by_role("heading", name="Citas de hoy")).to_be_visible()
    expect(
        page.get_by_role("heading", name=re.compile("^Por confirmar para mañana"))
    ).to_be_visible()
    expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible()
    labels = nav_labels(page)
    for label in SPANISH_NAV:
        assert label in labels
    assert not set(labels) & set(ENGLISH_NAV), labels
    page.get_by_test_id("account-menu").click()
    expect(page.get_by_role("link", name="Mi horario")).to_be_visible()
    expect(page.get_by_test_id("account-menu")).to_contain_text("Recepción")
    page.keyboard.press("Escape")
    # The longer Spanish labels still keep the bar on one line: nothing spills sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=screenshots / "es-staff-home.png", full_page=True)

    # The week diary, reached as she would: the diary, then its week view and a date.
    page.get_by_role("link", name="Agenda", exact=True).click()
    page.get_by_role("link", name="Semana", exact=True).click()
    page.get_by_label("Ir a la fecha").fill(f"{YEAR}-03-03")
    page.get_by_label("Ir a la fecha").dispatch_event("change")
    expect(page.get_by_role("heading", name=re.compile(r"^Semana del "))).to_be_visible()
    expect(page.get_by_role("link", name="‹ Semana anterior")).to_be_visible()
    expect(page.get_by_role("link", name="Reservar una cita")).to_be_visible()
    expect(page.get_by_role("link", name="Por artista")).to_be_visible()
    monday = page.locator(f"section[data-day='{YEAR}-03-01']")
    expect(monday.get_by_test_id("appointment")).to_have_count(1)
    sunday = page.locator(f"section[data-day='{YEAR}-03-07']")
    expect(sunday).to_contain_text("Cerrado")
    assert not set(nav_labels(page)) & set(ENGLISH_NAV)
    for english in ("Week of", "Previous week", "Book an appointment", "By artist", "Closed"):
        expect(page.locator("main")).not_to_contain_text(english)
    page.screenshot(path=screenshots / "es-staff-week.png", full_page=True)

    # Booking from the diary: the form's labels too.
    page.get_by_role("link", name="Reservar una cita").click()
    expect(page.get_by_role("heading", name="Reservar una cita", exact=True)).to_be_visible()
    for label in ("Tipo de cita", "Artista", "Sala", "Notas", "Duración (minutos)"):
        expect(page.get_by_label(label, exact=False).first).to_be_visible()
    # (The rooms' names, "Room 1", are the clinic's own.)
    for english in ("Artist", "Notes", "Appointment type", "Length"):
        expect(page.locator("#booking-form")).not_to_contain_text(re.compile(rf"\b{english}\b"))

    # The manager's bar is the longest (reports too): in Spanish it still fits at 1280 px.
    manager = clinic.people.manager
    manager.language = "es"
    manager.save(update_fields=["language"])
    take_session(page, live_server, manager)
    page.goto("/")
    expect(page.get_by_role("heading", name="Resumen de la clínica")).to_be_visible()
    assert "Informes" in nav_labels(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
