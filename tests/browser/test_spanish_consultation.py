"""An artist who chose Spanish works on a consultation record: its sections, labels, buttons
and the message after saving are Spanish; the clinic's own words (names, pigments) are not."""

import pytest
from playwright.sync_api import expect

from consultations.tests import factories
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

consult = factories.consult


def test_a_spanish_speaking_artist_fills_in_the_consultation_record(page, consult, screenshots):
    artist = consult.artist
    artist.language = "es"
    artist.save(update_fields=["language"])
    sign_in(page, artist.email)

    page.goto(consult.consultation.get_absolute_url())
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name="Consulta con Anna Ashby")).to_be_visible()
    for heading in ("Expectativas", "Valoración del cuero cabelludo", "Pigmento", "Presupuesto"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Prueba de parche")).to_be_visible()

    record = page.locator("[data-testid=record-form]")
    record.get_by_label("Aspecto deseado").select_option("buzz_cut")
    record.get_by_label("Escala de pérdida de cabello").select_option("norwood")
    record.get_by_label("Grado Norwood").select_option("5")
    record.get_by_label("Marca del pigmento").fill("Zen")
    record.get_by_label("Tono").fill("Charcoal 2")
    record.locator("#pigment").get_by_role("button", name="Guardar").click()
    expect(page.get_by_text("Pigmento: guardado.")).to_be_visible()
    expect(record.get_by_label("Marca del pigmento")).to_have_value("Zen")

    main = page.locator("main")
    patch = page.locator("[data-testid=patch-form]")
    expect(patch.get_by_label("Pigmento")).to_have_value("Zen Charcoal 2")
    expect(patch.get_by_label("Notas")).to_be_visible()
    for english in (
        "Save the whole record",
        "Patch test",
        "Look wanted",
        "Not recorded",
        "Outcome",
        "Style",
        "no estimate yet",
    ):
        expect(main).not_to_contain_text(english)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=screenshots / "es-consultation-record.png", full_page=True)
