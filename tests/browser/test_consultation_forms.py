"""A client opens the private link on a phone, answers the health questions and signs consent."""

from importlib import import_module

import pytest
from django.apps import apps
from playwright.sync_api import expect

from consultations.links import forms_url
from consultations.models import (
    ConsentSignature,
    Consultation,
    QuestionKind,
    QuestionnaireResponse,
)
from consultations.questionnaire import current_questionnaire

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def forms_defaults():
    """The default questionnaire and consent forms (earlier transactional tests emptied them)."""
    defaults = import_module("consultations.migrations.0003_default_questionnaire_and_consent")
    defaults.add_defaults(apps, None)


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_client_fills_the_forms_on_a_phone(
    page, people, forms_defaults, live_server, settings, screenshots
):
    settings.SITE_URL = live_server.url
    consultation = Consultation.objects.create(client=people.record_a, artist=people.artist)
    version = current_questionnaire()
    questions = list(version.questions.order_by("position"))
    diabetes = next(q for q in questions if "diabetes" in q.text.lower())

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(forms_url(consultation))
    expect(page.get_by_role("heading", name="Before your consultation")).to_be_visible()
    expect(page.get_by_test_id("progress")).to_have_text("0 of 3 done")
    assert fits_the_screen(page)
    page.screenshot(path=screenshots / "consultation-forms-overview.png", full_page=True)
    page.get_by_test_id("start").click()

    expect(page.get_by_role("heading", name="Health questionnaire")).to_be_visible()
    # Sending it half-filled shows what is missing, and keeps what was given.
    page.locator(f"#question-{questions[0].pk}").get_by_text("No", exact=True).click()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_test_id("form-errors")).to_be_visible()
    expect(page.locator(f"#id_q{questions[0].pk}_1")).to_be_checked()

    for question in questions:
        box = page.locator(f"#question-{question.pk}")
        if question.kind == QuestionKind.YES_NO:
            box.get_by_text("Yes" if question == diabetes else "No", exact=True).click()
        elif question.required:
            box.locator("textarea").first.fill("Ibuprofen now and then")
    page.locator(f"#question-{diabetes.pk} textarea").fill("Type 2, diet controlled")
    assert fits_the_screen(page)
    page.screenshot(path=screenshots / "consultation-forms-questionnaire.png", full_page=True)
    page.get_by_role("button", name="Send my answers").click()

    for name in ["Consent to scalp micropigmentation", "Consent to photographs"]:
        expect(page.get_by_test_id("consent-title")).to_have_text(name)
        for box in page.get_by_test_id("statement").all():
            box.locator("input").check()
        page.get_by_label("Type your full name to sign").fill("anna ashby")
        assert fits_the_screen(page)
        if name.endswith("micropigmentation"):
            expect(page.get_by_test_id("progress")).to_have_text("1 of 3 done")
            page.screenshot(path=screenshots / "consultation-forms-consent.png", full_page=True)
        page.get_by_role("button", name="Sign").click()

    expect(page.get_by_test_id("done")).to_contain_text("complete")
    page.screenshot(path=screenshots / "consultation-forms-done.png", full_page=True)

    response = QuestionnaireResponse.objects.get(client=people.record_a)
    assert response.flagged and response.channel == "online"
    assert response.answers.get(question=diabetes).details == "Type 2, diet controlled"
    consultation.refresh_from_db()
    assert consultation.review_required
    signatures = ConsentSignature.objects.filter(client=people.record_a)
    assert signatures.count() == 2
    assert all(s.typed_name == "anna ashby" and "Chrome" in s.user_agent for s in signatures)
