"""A Spanish-speaking client on a phone: books online, fills the forms, opens the portal.

The phone's browser asks for Spanish; nothing is chosen by hand until the portal, where the
client switches back to English once to see the choice stick.
"""

import re
from importlib import import_module

import pytest
from django.apps import apps
from django.core import mail
from playwright.sync_api import expect

from clients.models import Client
from consultations.models import ConsentSignature, QuestionKind, QuestionnaireResponse
from consultations.questionnaire import current_questionnaire
from reminders.dispatch import dispatch_due
from tests.browser.conftest import take_session

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        locale="es-ES",
        extra_http_headers={"Accept-Language": "es-ES,es;q=0.9"},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def spanish_defaults():
    """The shipped forms and their Spanish (earlier transactional tests emptied them)."""
    import_module("consultations.migrations.0003_default_questionnaire_and_consent").add_defaults(
        apps, None
    )
    import_module("consultations.migrations.0008_consent_translations").add_shipped_translations(
        apps, None
    )
    import_module("reminders.migrations.0009_message_translations").add_shipped_translations(
        apps, None
    )


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_spanish_client_books_fills_the_forms_and_opens_the_portal_on_a_phone(
    phone, open_clinic, spanish_defaults, live_server, settings, screenshots
):
    settings.SITE_URL = live_server.url
    page = phone

    # The online booking, in Spanish from the browser's preference.
    page.goto("/book/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name="Reserve una consulta gratuita")).to_be_visible()
    expect(page.get_by_test_id("language-choice")).to_contain_text("English")
    assert fits_the_screen(page)
    page.screenshot(path=screenshots / "es-booking-start.png", full_page=True)
    page.get_by_role("link", name=re.compile("En la clínica")).click()

    expect(page.get_by_role("heading", name="Elija una hora")).to_be_visible()
    expect(page.get_by_text("Las horas son las de la clínica.")).to_be_visible()
    page.locator("ul.booking-times a").first.click()

    expect(page.get_by_role("heading", name="Sus datos")).to_be_visible()
    # Sent half-filled: the errors are in Spanish and nothing typed is lost.
    page.locator("#id_first_name").fill("Lucía")
    page.get_by_role("button", name="Reservar mi consulta gratuita").click()
    expect(page.get_by_text("Corrija los campos marcados abajo.")).to_be_visible()
    expect(page.get_by_text("Escriba sus apellidos.")).to_be_visible()
    expect(page.locator("#id_first_name")).to_have_value("Lucía")

    page.get_by_label("Apellidos").fill("Fernández")
    page.get_by_label("Correo electrónico").fill("lucia@example.com")
    page.get_by_label("Teléfono móvil").fill("07911 123456")
    page.get_by_label("La clínica puede contactarme").check()
    assert fits_the_screen(page)
    page.screenshot(path=screenshots / "es-booking-details.png", full_page=True)
    page.get_by_role("button", name="Reservar mi consulta gratuita").click()

    expect(page.get_by_role("heading", name="Gracias, su cita está reservada")).to_be_visible()
    page.screenshot(path=screenshots / "es-booking-confirmed.png", full_page=True)
    lucia = Client.objects.get(email="lucia@example.com")
    assert lucia.language == "es"

    # The confirmation, in Spanish, carries the link to the forms.
    assert dispatch_due() == 1
    [email] = mail.outbox
    assert "Gracias por reservar con nosotros" in email.body
    forms_link = re.search(r"https?://\S+/consultation-forms/\S+/", email.body).group(0)

    # The client's forms, in her language without asking again.
    page.context.clear_cookies()
    page.goto(forms_link)
    expect(page.get_by_role("heading", name="Antes de su consulta")).to_be_visible()
    page.get_by_test_id("start").click()
    expect(page.get_by_role("heading", name="Cuestionario de salud")).to_be_visible()
    for question in current_questionnaire().questions.order_by("position"):
        box = page.locator(f"#question-{question.pk}")
        if question.kind == QuestionKind.YES_NO:
            box.get_by_text("No", exact=True).click()
        elif question.required:
            box.locator("textarea").first.fill("Nada")
    assert fits_the_screen(page)
    page.screenshot(path=screenshots / "es-forms-questionnaire.png", full_page=True)
    page.get_by_role("button", name="Enviar mis respuestas").click()

    for title in [
        "Consentimiento para la micropigmentación capilar",
        "Consentimiento para fotografías",
    ]:
        expect(page.get_by_test_id("consent-title")).to_have_text(title)
        for box in page.get_by_test_id("statement").all():
            box.locator("input").check()
        page.get_by_label("Escriba su nombre completo para firmar").fill("Lucía Fernández")
        assert fits_the_screen(page)
        if title.endswith("capilar"):
            page.screenshot(path=screenshots / "es-forms-consent.png", full_page=True)
        page.get_by_role("button", name="Firmar").click()
    expect(page.get_by_test_id("done")).to_contain_text("completos")

    assert QuestionnaireResponse.objects.filter(client=lucia).exists()
    signatures = ConsentSignature.objects.filter(client=lucia)
    assert signatures.count() == 2
    assert {s.language for s in signatures} == {"es"}
    assert all(s.text_shown.startswith("Consentimiento") for s in signatures)

    # The portal of a client whose record says Spanish.
    anna = open_clinic.record_a
    anna.language = "es"
    anna.save(update_fields=["language"])
    take_session(page, live_server, open_clinic.client_a)
    page.goto("/portal/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("link", name="Mi plan")).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path=screenshots / "es-portal-home.png", full_page=True)
    page.get_by_role("link", name="Citas").click()
    expect(page.get_by_role("heading", name="Mis citas")).to_be_visible()
    page.get_by_role("link", name="Formularios").click()
    expect(page.get_by_role("heading", name="Mis formularios")).to_be_visible()
    page.screenshot(path=screenshots / "es-portal-forms.png", full_page=True)

    # Her choice on the page sticks: English from now on, messages included.
    page.get_by_test_id("language-choice").get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="My forms")).to_be_visible()
    anna.refresh_from_db()
    assert anna.language == "en-gb"
