"""The health questions in the client's language: shipped Spanish, the clinic's own
translations, a fallback for a missing or half-done one, and answers that keep what was read."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from consultations import admin  # noqa: F401  (registers the translations' admin)
from consultations.links import forms_token_for
from consultations.models import (
    Answer,
    QuestionKind,
    QuestionnaireResponse,
    QuestionTranslation,
)
from consultations.questionnaire import (
    current_questionnaire,
    question_wording,
    questionnaire_copy_as_draft,
    questionnaire_publish,
    questionnaire_submit,
)
from consultations.tests import factories

consult = factories.consult  # fixture


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def speaks(client_record, language):
    client_record.language = language
    client_record.save(update_fields=["language"])


def answers_for(version) -> dict:
    return {
        f"q{q.pk}": "no" if q.kind == QuestionKind.YES_NO else "Ninguna"
        for q in version.questions.all()
    }


def page_of(client, consult):
    token = forms_token_for(consult.consultation)
    return reverse("consultation_forms:questionnaire", args=[token])


def test_every_shipped_question_has_its_spanish(db):
    version = current_questionnaire()
    questions = list(version.questions.prefetch_related("translations"))
    assert questions
    for question in questions:
        wording = question_wording(question, "es")
        assert wording.language == "es", question.text
        assert wording.text != question.text
        assert bool(wording.help_text) == bool(question.help_text), question.text


def test_a_spanish_client_reads_spanish_questions_and_the_answers_keep_them(consult, client):
    speaks(consult.client, "es")
    version = current_questionnaire()
    diabetes = version.questions.get(text="Do you have diabetes?")
    page = client.get(page_of(client, consult))
    html = page.content.decode()
    assert "¿Tiene diabetes?" in html
    assert "Indíquenos el tipo y cómo la controla." in html
    assert "Do you have diabetes?" not in html

    data = answers_for(version)
    data[f"q{diabetes.pk}"] = "yes"
    data[f"d{diabetes.pk}"] = "Tipo 1"
    posted = client.post(page_of(client, consult), data)
    assert posted.status_code == 302
    response = QuestionnaireResponse.objects.get(client=consult.client)
    assert response.language == "es"
    answer = Answer.objects.get(response=response, question=diabetes)
    # Tied to the question asked, with the wording the client read.
    assert answer.question_text == "¿Tiene diabetes?"
    assert answer.yes is True
    assert response.flagged


def test_an_english_client_reads_the_clinics_own_questions(consult, client):
    speaks(consult.client, "en-gb")
    html = client.get(page_of(client, consult)).content.decode()
    assert "Do you have diabetes?" in html
    assert "¿Tiene diabetes?" not in html
    client.post(page_of(client, consult), answers_for(current_questionnaire()))
    response = QuestionnaireResponse.objects.get(client=consult.client)
    assert response.language == ""
    assert response.answers.filter(question_text="Do you have diabetes?").exists()


def test_an_unknown_client_language_falls_back_to_the_clinics(consult, client):
    speaks(consult.client, "xx")
    html = client.get(page_of(client, consult)).content.decode()
    assert "Do you have diabetes?" in html


def test_a_question_the_clinic_has_not_translated_is_shown_in_its_own_words(consult, client):
    speaks(consult.client, "es")
    draft = questionnaire_copy_as_draft(version=current_questionnaire())
    question = draft.questions.get(text="Do you have diabetes?")
    QuestionTranslation.objects.filter(question=question).delete()
    other = draft.questions.get(text="Are you pregnant or breastfeeding?")
    # Half-translated: the help text is missing, so the clinic's own question is shown.
    half = draft.questions.get(text__startswith="Do you have a scalp condition")
    QuestionTranslation.objects.filter(question=half).update(help_text="")
    questionnaire_publish(version=draft)

    html = client.get(page_of(client, consult)).content.decode()
    assert "Do you have diabetes?" in html
    assert half.text in html
    assert "¿Está embarazada o en periodo de lactancia?" in html
    assert other.text not in html

    response = questionnaire_submit(
        client=consult.client,
        consultation=consult.consultation,
        answers={k[1:]: v for k, v in answers_for(draft).items()},
        details={},
        channel="online",
        ip=None,
        user_agent="",
        language="es",
    )
    assert response.answers.get(question=question).question_text == "Do you have diabetes?"
    assert (
        response.answers.get(question=other).question_text
        == "¿Está embarazada o en periodo de lactancia?"
    )


def test_a_copied_draft_keeps_the_translations(db):
    draft = questionnaire_copy_as_draft(version=current_questionnaire())
    question = draft.questions.get(text="Do you have diabetes?")
    assert question_wording(question, "es").text == "¿Tiene diabetes?"


def test_an_answered_translation_cannot_change(consult):
    version = current_questionnaire()
    questionnaire_submit(
        client=consult.client,
        consultation=consult.consultation,
        answers={k[1:]: v for k, v in answers_for(version).items()},
        details={},
        channel="online",
        ip=None,
        user_agent="",
        language="es",
    )
    translated = QuestionTranslation.objects.get(
        question__version=version, question__text="Do you have diabetes?", language="es"
    )
    translated.text = "¿Es usted diabético?"
    with pytest.raises(Exception, match="cannot change"):
        translated.save()


# --- the admin ------------------------------------------------------------------------------


def admin_add_url():
    return reverse("admin:consultations_questiontranslation_add")


def test_the_admin_refuses_a_half_translated_question_with_a_clear_error(consult, as_user, people):
    draft = questionnaire_copy_as_draft(version=current_questionnaire())
    question = draft.questions.get(text="Do you have diabetes?")
    QuestionTranslation.objects.filter(question=question).delete()
    browser = as_user(people.manager)
    page = browser.post(
        admin_add_url(),
        {"question": question.pk, "language": "es", "text": "¿Tiene diabetes?", "help_text": ""},
    )
    assert page.status_code == 200
    assert "translate it too" in page.content.decode()
    assert not QuestionTranslation.objects.filter(question=question).exists()

    page = browser.post(
        admin_add_url(),
        {"question": question.pk, "language": "en-gb", "text": "Diabetes?", "help_text": "x"},
    )
    assert page.status_code == 200
    assert "clinic&#x27;s own language" in page.content.decode()

    page = browser.post(
        admin_add_url(),
        {
            "question": question.pk,
            "language": "es",
            "text": "¿Tiene diabetes?",
            "help_text": "Indíquenos el tipo.",
        },
    )
    assert page.status_code == 302
    assert QuestionTranslation.objects.get(question=question).help_text == "Indíquenos el tipo."


def test_the_admin_refuses_to_change_an_answered_translation(consult, as_user, people):
    version = current_questionnaire()
    questionnaire_submit(
        client=consult.client,
        consultation=consult.consultation,
        answers={k[1:]: v for k, v in answers_for(version).items()},
        details={},
        channel="online",
        ip=None,
        user_agent="",
        language="es",
    )
    translated = QuestionTranslation.objects.get(
        question__version=version, question__text="Do you have diabetes?", language="es"
    )
    page = as_user(people.manager).post(
        reverse("admin:consultations_questiontranslation_change", args=[translated.pk]),
        {"text": "¿Es usted diabético?", "help_text": "Tipo."},
    )
    assert page.status_code == 200
    assert "cannot change" in page.content.decode()
    translated.refresh_from_db()
    assert translated.text == "¿Tiene diabetes?"


# --- Settings → Forms, where the manager edits the questions --------------------------------


def settings_rows(draft):
    rows = []
    for q in draft.questions.order_by("position"):
        row = {
            "id": q.pk,
            "ORDER": q.position,
            "text": q.text,
            "help_text": q.help_text,
            "kind": q.kind,
            "required": q.required,
            "contraindication": q.contraindication,
            "ask_details": q.ask_details,
        }
        for t in q.translations.all():
            row[f"text_{t.language}"] = t.text
            row[f"help_text_{t.language}"] = t.help_text
        rows.append(row)
    return rows


def posted(rows):
    data = {
        "q-TOTAL_FORMS": str(len(rows)),
        "q-INITIAL_FORMS": str(len(rows)),
        "q-MIN_NUM_FORMS": "0",
        "q-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            if value is False or value is None:
                continue
            data[f"q-{i}-{key}"] = "on" if value is True else str(value)
    return data


def start_draft(browser):
    from consultations.models import QuestionnaireVersion

    browser.post(reverse("form_settings:questionnaire_draft"))
    return QuestionnaireVersion.objects.get(published_at__isnull=True)


def test_the_settings_page_edits_the_spanish_and_publishes_it(people, as_user):
    browser = as_user(people.manager)
    draft = start_draft(browser)
    page = browser.get(reverse("form_settings:questionnaire")).content.decode()
    assert "¿Tiene diabetes?" in page  # shown beside the question
    rows = settings_rows(draft)
    diabetes = next(r for r in rows if r["text"] == "Do you have diabetes?")
    diabetes["text_es"] = "¿Es usted diabético?"
    response = browser.post(reverse("form_settings:questionnaire"), posted(rows))
    assert response.status_code == 302
    question = draft.questions.get(text="Do you have diabetes?")
    assert question_wording(question, "es").text == "¿Es usted diabético?"
    # Only the Spanish changed, and that is enough to publish.
    published = browser.post(reverse("form_settings:questionnaire_publish"), follow=True)
    assert "is live" in published.content.decode()
    assert current_questionnaire().pk == draft.pk


@pytest.mark.parametrize(
    "change, message",
    [
        ({"text_es": "", "help_text_es": "Tipo."}, "Write the question in this language too"),
        ({"help_text_es": ""}, "translate it too"),
    ],
)
def test_the_settings_page_refuses_a_half_translated_question(people, as_user, change, message):
    browser = as_user(people.manager)
    draft = start_draft(browser)
    rows = settings_rows(draft)
    diabetes = next(r for r in rows if r["text"] == "Do you have diabetes?")
    diabetes.update(change)
    rows[0]["text"] = "A good change typed beside the bad one"
    response = browser.post(reverse("form_settings:questionnaire"), posted(rows))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "A good change typed beside the bad one" in page
    question = draft.questions.get(text="Do you have diabetes?")
    assert question_wording(question, "es").text == "¿Tiene diabetes?"  # nothing saved
    assert not draft.questions.filter(text="A good change typed beside the bad one").exists()
