"""Settings → Forms: the manager drafts a new version of a consent form or of the health
questionnaire, sees what changes from the live version and publishes it; a new consent
version is signed again before the next session; bad input saves nothing and loses nothing;
nobody else may change the forms."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from consultations.consent import (
    consent_draft_publish,
    consent_draft_start,
    consent_draft_update,
    consent_outstanding,
    live_version,
    session_start_problem,
)
from consultations.models import (
    ConsentTemplate,
    ConsentVersion,
    QuestionKind,
    QuestionnaireVersion,
)
from consultations.questionnaire import (
    current_questionnaire,
    questionnaire_draft_publish,
    questionnaire_draft_start,
)
from consultations.tests.factories import sign_all_consent

pytestmark = pytest.mark.django_db
INDEX = reverse("form_settings:index")
QUESTIONNAIRE = reverse("form_settings:questionnaire")
SMP = "smp-treatment"


def consent_url(name="consent", slug=SMP):
    return reverse(f"form_settings:{name}", kwargs={"slug": slug})


def smp_versions():
    return list(
        ConsentVersion.objects.filter(template__slug=SMP)
        .order_by("number")
        .values_list("number", "title", "body", "statements", "published_at")
    )


def questionnaire_state():
    return [
        (v.number, v.published_at, [(q.position, q.text, q.kind) for q in v.questions.all()])
        for v in QuestionnaireVersion.objects.order_by("number").prefetch_related("questions")
    ]


# --- consent ----------------------------------------------------------------------------------


def test_a_consent_draft_is_compared_published_and_signed_again(people, as_user):
    client = people.record_a
    sign_all_consent(client)
    assert session_start_problem(client) is None
    template = ConsentTemplate.objects.get(slug=SMP)
    v1 = live_version(template)
    browser = as_user(people.manager)

    assert "Start a draft from version 1" in browser.get(consent_url()).content.decode()
    browser.post(consent_url("consent_draft"))
    page = browser.get(consent_url()).content.decode()
    assert "Draft: version 2" in page
    assert "says exactly what the live version says" in page
    # An unchanged draft is not published: nobody signs the same text twice.
    browser.post(consent_url("consent_publish"))
    assert live_version(template).pk == v1.pk

    statements = "\n".join(v1.statements) + "\nI will avoid <sun> for 4 weeks."
    response = browser.post(
        consent_url(),
        {"title": v1.title, "body": v1.body + "\n\nAsk us anything.", "statements": statements},
        follow=True,
    )
    assert "Draft version 2 saved." in response.content.decode()
    page = browser.get(consent_url()).content.decode()
    assert "<ins>Ask us anything.\n" in page
    assert "<ins>7. I will avoid &lt;sun&gt; for 4 weeks." in page
    assert live_version(template).pk == v1.pk  # a draft changes nothing for clients
    assert session_start_problem(client) is None

    response = browser.post(consent_url("consent_publish"), follow=True)
    assert "Version 2 is live" in response.content.decode()
    v2 = live_version(template)
    assert v2.number == 2 and v2.statements[-1] == "I will avoid <sun> for 4 weeks."
    v1.refresh_from_db()
    assert v1.published_at is not None and v1.signatures.count() == 1  # kept as it was
    assert [version.pk for version in consent_outstanding(client)] == [v2.pk]
    problem = session_start_problem(client)
    assert problem is not None and template.name in problem.message


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "  ", "This field is required"),
        ("body", "", "This field is required"),
        ("statements", "\n \n", "This field is required"),
        ("title", "x" * 201, "at most 200 characters"),
    ],
)
def test_bad_consent_text_keeps_what_was_typed_and_saves_nothing(
    people, as_user, field, value, message
):
    browser = as_user(people.manager)
    browser.post(consent_url("consent_draft"))
    before = smp_versions()
    data = {"title": "A new title", "body": "Typed explanation", "statements": "One\nTwo"}
    data[field] = value
    response = browser.post(consent_url(), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "Nothing you typed has been lost" in page
    kept = [v for k, v in data.items() if k != field]
    assert all(text in page for text in kept)
    assert smp_versions() == before


def test_nothing_is_saved_or_published_without_a_draft(people, as_user):
    before = smp_versions()
    browser = as_user(people.manager)
    browser.post(consent_url(), {"title": "T", "body": "B", "statements": "S"})
    response = browser.post(consent_url("consent_publish"), follow=True)
    assert "There is no draft to publish." in response.content.decode()
    assert smp_versions() == before


def test_an_unknown_consent_form_is_not_found(people, as_user):
    browser = as_user(people.manager)
    assert browser.get(consent_url(slug="no-such-form")).status_code == 404
    assert browser.post(consent_url("consent_draft", slug="no-such-form")).status_code == 404
    assert browser.post(consent_url("consent_publish", slug="no-such-form")).status_code == 404


# --- the health questionnaire -----------------------------------------------------------------


def formset_data(rows, *, initial):
    data = {
        "q-TOTAL_FORMS": str(len(rows)),
        "q-INITIAL_FORMS": str(initial),
        "q-MIN_NUM_FORMS": "0",
        "q-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            if value is True:
                value = "on"
            if value is False or value is None:
                continue
            data[f"q-{i}-{key}"] = str(value)
    return data


def draft_rows(draft):
    return [
        {
            "id": q.pk,
            "ORDER": q.position,
            "text": q.text,
            "help_text": q.help_text,
            "kind": q.kind,
            "required": q.required,
            "contraindication": q.contraindication,
            "ask_details": q.ask_details,
        }
        for q in draft.questions.order_by("position")
    ]


def test_a_questionnaire_draft_is_edited_compared_and_published(people, as_user):
    live = current_questionnaire()
    live_questions = list(live.questions.order_by("position").values_list("text", flat=True))
    browser = as_user(people.manager)
    browser.post(reverse("form_settings:questionnaire_draft"))
    draft = QuestionnaireVersion.objects.get(published_at__isnull=True)
    rows = draft_rows(draft)
    first, second, third = rows[0], rows[1], rows[2]
    first["ORDER"], second["ORDER"] = 2, 1  # swap the first two
    first["text"] = "Have you ever had keloid or raised scars?"
    third["DELETE"] = True
    new = {"ORDER": 99, "text": "Do you swim often?", "kind": QuestionKind.YES_NO,
           "required": True, "ask_details": True}  # fmt: skip
    data = formset_data([*rows, new, {"kind": QuestionKind.YES_NO, "required": True}],
                        initial=len(rows))  # fmt: skip
    response = browser.post(QUESTIONNAIRE, data, follow=True)
    assert "Draft version 2 saved." in response.content.decode()

    saved = list(draft.questions.order_by("position"))
    expected = [second["text"], first["text"], *[r["text"] for r in rows[3:]], new["text"]]
    assert [q.text for q in saved] == expected
    assert [q.position for q in saved] == list(range(1, len(expected) + 1))
    assert saved[-1].ask_details and saved[-1].required
    # The live version is untouched.
    assert list(live.questions.order_by("position").values_list("text", flat=True)) == (
        live_questions
    )

    page = browser.get(QUESTIONNAIRE).content.decode()
    assert "What changes from version 1" in page
    assert (
        "<ins>Do you swim often? (Yes / no; must be answered; asks for details after a yes)" in page
    )
    assert f"<del>{escape(third['text'])} (" in page  # the question taken out

    response = browser.post(reverse("form_settings:questionnaire_publish"), follow=True)
    assert "Version 2 is live" in response.content.decode()
    assert current_questionnaire().pk == draft.pk
    live.refresh_from_db()
    assert live.published_at is not None  # the earlier version is kept


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"text": ""}, "This field is required"),
        ({"kind": QuestionKind.TEXT, "contraindication": True}, "Only a yes / no question"),
        ({"kind": "maybe"}, "Select a valid choice"),
    ],
)
def test_bad_questions_keep_what_was_typed_and_save_nothing(people, as_user, change, message):
    browser = as_user(people.manager)
    browser.post(reverse("form_settings:questionnaire_draft"))
    draft = QuestionnaireVersion.objects.get(published_at__isnull=True)
    before = questionnaire_state()
    rows = draft_rows(draft)
    rows[0].update(change)
    rows[1]["text"] = "A good change typed beside the bad one"
    response = browser.post(QUESTIONNAIRE, formset_data(rows, initial=len(rows)))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "Nothing you typed has been lost" in page
    assert "A good change typed beside the bad one" in page
    assert questionnaire_state() == before


def test_a_question_of_another_version_is_refused(people, as_user):
    browser = as_user(people.manager)
    live_question = current_questionnaire().questions.first()
    browser.post(reverse("form_settings:questionnaire_draft"))
    draft = QuestionnaireVersion.objects.get(published_at__isnull=True)
    before = questionnaire_state()
    rows = draft_rows(draft)
    rows[0]["id"] = live_question.pk
    rows[0]["text"] = "Rewritten through a forged id"
    response = browser.post(QUESTIONNAIRE, formset_data(rows, initial=len(rows)))
    assert response.status_code == 400
    assert "not part of the draft" in response.content.decode()
    assert questionnaire_state() == before
    live_question.refresh_from_db()
    assert live_question.text != "Rewritten through a forged id"


# --- who may, and what it costs -----------------------------------------------------------------


@pytest.mark.parametrize("who", ["front_desk", "artist", "client_a"])
def test_only_the_manager_changes_the_forms(people, as_user, who):
    consent_before, questionnaire_before = smp_versions(), questionnaire_state()
    browser = as_user(getattr(people, who))
    for url in (INDEX, QUESTIONNAIRE, consent_url()):
        assert browser.get(url).status_code == 403
    for url in (
        reverse("form_settings:questionnaire_draft"),
        reverse("form_settings:questionnaire_publish"),
        consent_url("consent_draft"),
        consent_url("consent_publish"),
        consent_url(),
        QUESTIONNAIRE,
    ):
        assert browser.post(url, {"title": "T", "body": "B", "statements": "S"}).status_code == 403
    assert smp_versions() == consent_before
    assert questionnaire_state() == questionnaire_before


def test_the_pages_cost_the_same_queries_with_a_long_history(people, as_user):
    browser = as_user(people.manager)
    browser.post(reverse("form_settings:questionnaire_draft"))
    browser.post(consent_url("consent_draft"))
    pages = (INDEX, QUESTIONNAIRE, consent_url())
    few = {}
    for url in pages:
        browser.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert browser.get(url).status_code == 200
        few[url] = len(queries)
    template = ConsentTemplate.objects.get(slug=SMP)
    for n in range(8):  # a long history, made the way the pages make it
        draft = consent_draft_start(template=template)
        consent_draft_update(
            version=draft, title=draft.title, body=f"Version {n}", statements=["I agree."]
        )
        consent_draft_publish(version=draft)
        draft = questionnaire_draft_start()
        question = draft.questions.first()
        question.text = f"Question, version {n}?"
        question.save()
        questionnaire_draft_publish(version=draft)
    consent_draft_start(template=template)
    questionnaire_draft_start()
    ConsentTemplate.objects.create(slug="extra", name="Extra form")
    for url in pages:
        with CaptureQueriesContext(connection) as queries:
            assert browser.get(url).status_code == 200
        assert len(queries) == few[url], url


def test_a_spanish_speaking_manager_drafts_the_forms_in_spanish(people, as_user):
    people.manager.language = "es"
    people.manager.save(update_fields=["language"])
    browser = as_user(people.manager)
    page = browser.get(INDEX).content.decode()
    assert "Formularios de consentimiento" in page
    assert "Publicada: versión 1" in page
    assert "Ver o cambiar el cuestionario" in page

    response = browser.post(reverse("form_settings:questionnaire_draft"), follow=True)
    page = response.content.decode()
    assert "La versión 2 es un borrador: cámbiela y después publíquela." in page
    assert "Borrador: versión 2" in page
    assert "Se responde con" in page  # a question's field
    assert "Sí / no" in page  # and its choices
    assert "Publicada</strong> desde el" in page  # the history

    page = browser.get(consent_url()).content.decode()
    assert "Empezar un borrador a partir de la versión 1" in page
    response = browser.post(consent_url("consent_publish"), follow=True)
    assert "No hay ningún borrador que publicar." in response.content.decode()
