"""The private forms link, the signed-in client's forms, and the clinic's tablet."""

import datetime as dt
import time

import pytest
from django.core import signing
from django.urls import reverse

from consultations.consent import consent_document, current_versions
from consultations.links import (
    FORMS_SALT,
    FormsLinkExpired,
    FormsLinkTampered,
    FormsLinkUnknown,
    consultation_from_forms_token,
    forms_status,
    forms_token_for,
    forms_url,
    send_forms_link,
)
from consultations.models import (
    ConsentSignature,
    ConsentTemplate,
    ConsentVersion,
    Consultation,
    ConsultationSettings,
    QuestionKind,
    QuestionnaireResponse,
)
from consultations.questionnaire import current_questionnaire
from consultations.tests import factories
from consultations.tests.factories import sign_all_consent
from reminders.models import Reminder, ReminderKind

consult = factories.consult  # fixture


@pytest.fixture(autouse=True)
def own_cache(settings):
    """Rate limits count in a cache of this test's own."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "h1"}
    }
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def bens(consult):
    """A consultation of Ben's, who must never be reachable through Anna's link."""
    return Consultation.objects.create(client=consult.other_client, artist=consult.artist)


def url(name, token, *args):
    return reverse(f"consultation_forms:{name}", args=[token, *args])


def questionnaire_post(version, **overrides) -> dict:
    data = {}
    for question in version.questions.all():
        data[f"q{question.pk}"] = "no" if question.kind == QuestionKind.YES_NO else "None"
    data.update(overrides)
    return data


# --- the token ------------------------------------------------------------------------------


def test_a_token_names_its_consultation(consult):
    token = forms_token_for(consult.consultation)
    assert consultation_from_forms_token(token) == consult.consultation


def test_tampered_expired_and_unknown_tokens_are_refused(consult, monkeypatch):
    token = forms_token_for(consult.consultation)
    with pytest.raises(FormsLinkTampered):
        consultation_from_forms_token(token[:-2] + "xx")
    with pytest.raises(FormsLinkTampered):
        # Signed for another purpose (the appointment manage link) is not a forms link.
        consultation_from_forms_token(signing.dumps(consult.consultation.pk, salt="other"))
    with pytest.raises(FormsLinkUnknown):
        consultation_from_forms_token(signing.dumps(987654, salt=FORMS_SALT))

    days = ConsultationSettings.current().forms_link_days
    long_ago = time.time() - (days + 1) * 86400
    monkeypatch.setattr(signing.time, "time", lambda: long_ago)
    old = forms_token_for(consult.consultation)
    monkeypatch.undo()
    with pytest.raises(FormsLinkExpired):
        consultation_from_forms_token(old)


def test_forms_url_is_absolute(consult, settings):
    settings.SITE_URL = "https://clinic.example"
    link = forms_url(consult.consultation)
    assert link.startswith("https://clinic.example/consultation-forms/")
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert consultation_from_forms_token(token) == consult.consultation


@pytest.mark.parametrize("kind", ["tampered", "expired", "unknown"])
def test_a_bad_link_gets_a_friendly_page_with_the_clinics_contacts(
    consult, client, settings, monkeypatch, kind
):
    settings.CLINIC_PHONE = "+44 20 7946 0000"
    settings.CLINIC_EMAIL = "hello@clinic.example"
    if kind == "tampered":
        token = forms_token_for(consult.consultation)[:-3] + "abc"
    elif kind == "unknown":
        token = signing.dumps(987654, salt=FORMS_SALT)
    else:
        long_ago = time.time() - 400 * 86400
        monkeypatch.setattr(signing.time, "time", lambda: long_ago)
        token = forms_token_for(consult.consultation)
        monkeypatch.undo()
    for name in ["overview", "questionnaire", "done"]:
        response = client.get(url(name, token))
        assert response.status_code == 404
        content = response.content.decode()
        assert "This link no longer works" in content
        assert "+44 20 7946 0000" in content and "hello@clinic.example" in content
        assert "Anna" not in content
    response = client.post(url("questionnaire", token), {})
    assert response.status_code == 404
    assert not QuestionnaireResponse.objects.exists()
    if kind == "expired":
        assert "has expired" in content


# --- the pages through the link -------------------------------------------------------------


def test_the_overview_shows_progress_and_never_caches(consult, client):
    token = forms_token_for(consult.consultation)
    response = client.get(url("overview", token))
    content = response.content.decode()
    assert "Hello Anna" in content
    assert "0 of 3 done" in content
    assert "Health questionnaire" in content
    assert "Consent to scalp micropigmentation" in content and "Photographs" in content
    assert "no-store" in response["Cache-Control"]
    assert 'name="robots" content="noindex' in content
    # No staff navigation and no sign-out form on the client's pages.
    assert "Sign out" not in content and "navbar-nav" not in content


def test_the_questionnaire_by_link_flags_review_and_moves_on(consult, client):
    token = forms_token_for(consult.consultation)
    version = current_questionnaire()
    diabetes = version.questions.get(text__icontains="diabetes")
    page = client.get(url("questionnaire", token))
    assert diabetes.text in page.content.decode()
    assert "no-store" in page["Cache-Control"]

    data = questionnaire_post(version, **{f"q{diabetes.pk}": "yes"})
    data[f"d{diabetes.pk}"] = "Type 1 since 2010"
    response = client.post(
        url("questionnaire", token), data, HTTP_USER_AGENT="Phone", REMOTE_ADDR="192.0.2.5"
    )
    first_consent = current_versions()[0]
    assert response.status_code == 302
    assert response["Location"] == url("consent", token, first_consent.pk)

    stored = QuestionnaireResponse.objects.get()
    assert stored.client == consult.client and stored.consultation == consult.consultation
    assert stored.flagged and stored.channel == "online"
    assert stored.ip_address == "192.0.2.5" and stored.user_agent == "Phone"
    assert stored.answers.get(question=diabetes).details == "Type 1 since 2010"
    consult.consultation.refresh_from_db()
    assert consult.consultation.review_required
    assert "1 of 3 done" in client.get(url("overview", token)).content.decode()


def test_a_missing_answer_reshows_the_form_with_everything_kept(consult, client):
    token = forms_token_for(consult.consultation)
    version = current_questionnaire()
    diabetes = version.questions.get(text__icontains="diabetes")
    keloid = version.questions.get(position=1)
    data = questionnaire_post(version, **{f"q{keloid.pk}": "yes"})
    data[f"d{keloid.pk}"] = "A raised scar on my chest"
    del data[f"q{diabetes.pk}"]
    response = client.post(url("questionnaire", token), data)
    assert response.status_code == 400
    content = response.content.decode()
    assert "Please answer yes or no." in content
    assert "A raised scar on my chest" in content
    assert f'id="id_q{keloid.pk}_0" value="yes" autocomplete="off" checked' in content
    assert not QuestionnaireResponse.objects.exists()


def test_signing_by_link_through_to_done(consult, client):
    token = forms_token_for(consult.consultation)
    client.post(url("questionnaire", token), questionnaire_post(current_questionnaire()))
    for version in current_versions():
        document = consent_document(version)
        response = client.post(
            url("consent", token, version.pk),
            {
                "text_sha256": document.sha256,
                "ticked": [n for n, _ in document.numbered_statements],
                "typed_name": "anna ashby",
            },
        )
        assert response.status_code == 302
    assert response["Location"] == url("done", token)
    done = client.get(url("done", token)).content.decode()
    assert "complete" in done
    assert ConsentSignature.objects.filter(client=consult.client, channel="online").count() == 2
    overview = client.get(url("overview", token)).content.decode()
    assert "3 of 3 done" in overview
    assert "(PDF)" in overview


def test_a_wrong_name_or_missing_tick_reshows_the_consent_with_what_was_typed(consult, client):
    token = forms_token_for(consult.consultation)
    version = current_versions()[0]
    document = consent_document(version)
    response = client.post(
        url("consent", token, version.pk),
        {"text_sha256": document.sha256, "ticked": ["1", "2"], "typed_name": "Ben Barker"},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Type your full name as the clinic has it: Anna Ashby" in content
    assert "not ticked: 3, 4, 5, 6" in content
    assert 'value="Ben Barker"' in content
    assert 'value="1" checked' in content and 'value="3" checked' not in content
    assert not ConsentSignature.objects.exists()


def test_a_consent_that_changed_since_the_page_was_shown_is_read_again(consult, client, people):
    token = forms_token_for(consult.consultation)
    version = current_versions()[0]
    old_hash = consent_document(version).sha256
    version.body += "\n\nA new paragraph."
    version.save()
    response = client.post(
        url("consent", token, version.pk),
        {
            "text_sha256": old_hash,
            "ticked": ["1", "2", "3", "4", "5", "6"],
            "typed_name": "Anna Ashby",
        },
        follow=True,
    )
    assert "The form changed since you opened it" in response.content.decode()
    assert "A new paragraph." in response.content.decode()
    assert not ConsentSignature.objects.exists()


def test_an_old_version_sends_the_client_to_the_current_one(consult, client, people):
    from consultations.consent import consent_version_copy_as_draft, consent_version_publish

    token = forms_token_for(consult.consultation)
    v1 = current_versions()[0]
    v2 = consent_version_publish(version=consent_version_copy_as_draft(version=v1))
    response = client.get(url("consent", token, v1.pk))
    assert response["Location"] == url("consent", token, v2.pk)


def test_a_retired_form_is_not_found(consult, client):
    token = forms_token_for(consult.consultation)
    version = ConsentVersion.objects.get(template__slug="photographs")
    ConsentTemplate.objects.filter(slug="photographs").update(is_active=False)
    assert client.get(url("consent", token, version.pk)).status_code == 404
    assert client.get(url("consent", token, 987654)).status_code == 404


def test_wrong_methods_are_refused(consult, client):
    token = forms_token_for(consult.consultation)
    assert client.post(url("overview", token)).status_code == 405
    assert client.delete(url("questionnaire", token)).status_code == 405


# --- one consultation's link never reaches another client ---------------------------------------


def test_annas_link_never_shows_or_touches_bens_data(consult, client, bens):
    sign_all_consent(consult.other_client, consultation=bens)
    bens_signature = ConsentSignature.objects.filter(client=consult.other_client).first()
    token = forms_token_for(consult.consultation)
    for name in ["overview", "questionnaire", "done"]:
        content = client.get(url(name, token)).content.decode()
        assert "Ben" not in content and "Barker" not in content
    # Ben's signature PDF is not reachable through Anna's link.
    assert client.get(url("signed_pdf", token, bens_signature.pk)).status_code == 404
    # What is sent through Anna's link is Anna's.
    client.post(url("questionnaire", token), questionnaire_post(current_questionnaire()))
    response = QuestionnaireResponse.objects.get()
    assert response.client == consult.client and response.consultation == consult.consultation
    # Anna's overview counts Anna's signatures, not Ben's.
    assert "1 of 3 done" in client.get(url("overview", token)).content.decode()


def test_bens_link_shows_ben(consult, client, bens):
    content = client.get(url("overview", forms_token_for(bens))).content.decode()
    assert "Hello Ben" in content and "Anna" not in content


# --- the signed-in client -------------------------------------------------------------------


def test_the_signed_in_client_reaches_their_own_forms_only(consult, as_user, people, bens):
    c = as_user(people.client_a)
    mine = reverse("consultation_forms:mine_overview", args=[consult.consultation.pk])
    page = c.get(mine)
    assert page.status_code == 200 and "Hello Anna" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    c.post(
        reverse("consultation_forms:mine_questionnaire", args=[consult.consultation.pk]),
        questionnaire_post(current_questionnaire()),
    )
    assert QuestionnaireResponse.objects.get().channel == "portal"

    for name in ["mine_overview", "mine_questionnaire", "mine_done"]:
        assert c.get(reverse(f"consultation_forms:{name}", args=[bens.pk])).status_code == 404
    assert c.get(reverse("consultation_forms:mine_consent", args=[bens.pk, 1])).status_code == 404
    # Staff have no client record: not found either; anonymous visitors sign in first.
    assert as_user(people.artist).get(mine).status_code == 404
    c.logout()
    assert c.get(mine)["Location"].startswith(reverse("accounts:login"))


# --- the clinic's tablet --------------------------------------------------------------------


def test_staff_hand_the_tablet_over(consult, as_user, people):
    c = as_user(people.artist)
    start = reverse("consultation_forms:tablet_start", args=[consult.consultation.pk])
    response = c.get(start, follow=True)
    content = response.content.decode()
    assert "Hello Anna" in content and "At the clinic" in content
    # The artist's navigation and other clients are nowhere on the page.
    assert "Sign out" not in content and "navbar-nav" not in content and "Ben" not in content
    token = response.redirect_chain[-1][0].split("/")[2]
    c.post(url("questionnaire", token), questionnaire_post(current_questionnaire()))
    assert QuestionnaireResponse.objects.get().channel == "clinic"


def test_only_staff_start_the_tablet(consult, as_user, people, client):
    start = reverse("consultation_forms:tablet_start", args=[consult.consultation.pk])
    # A consultation's page is a health page: 404 for a client (accounts/access.py).
    assert as_user(people.client_a).get(start).status_code == 404
    client.logout()
    assert client.get(start)["Location"].startswith(reverse("accounts:login"))
    assert (
        as_user(people.front_desk)
        .get(reverse("consultation_forms:tablet_start", args=[987654]))
        .status_code
        == 404
    )


# --- for the consultation page ------------------------------------------------------------------


def test_forms_status_says_what_is_outstanding(consult):
    status = forms_status(consult.consultation)
    assert not status.questionnaire_done and not status.flagged
    assert [v.template.slug for v in status.consent_outstanding] == ["smp-treatment", "photographs"]
    assert (status.done_steps, status.total_steps, status.complete) == (0, 3, False)
    sign_all_consent(consult.client)
    status = forms_status(consult.consultation)
    assert status.consent_outstanding == [] and len(status.consent_signed) == 2
    assert (status.done_steps, status.complete) == (2, False)


def test_the_status_include_renders(consult, rf):
    from django.template.loader import render_to_string

    sign_all_consent(consult.client)
    text = render_to_string(
        "consultations/_forms_status.html", {"forms_status": forms_status(consult.consultation)}
    )
    assert "Health questionnaire:" in text and "not done" in text
    assert "Photographs (v1): signed" in text
    assert reverse("consultation_forms:tablet_start", args=[consult.consultation.pk]) in text


def test_send_forms_link_goes_through_the_outbox(consult, people):
    reminder = send_forms_link(consult.consultation, people.front_desk)
    again = send_forms_link(consult.consultation, people.front_desk)
    assert reminder.pk != again.pk
    stored = Reminder.objects.get(pk=reminder.pk)
    assert stored.kind == ReminderKind.CONSULTATION_FORMS
    assert stored.consultation == consult.consultation and stored.client == consult.client
    assert stored.key.startswith(f"consultation:{consult.consultation.pk}:forms:")


# --- limits -------------------------------------------------------------------------------------


def test_the_overview_takes_a_fixed_number_of_queries(
    consult, client, django_assert_max_num_queries
):
    token = forms_token_for(consult.consultation)
    client.get(url("overview", token))  # warm up (settings row, session)
    with django_assert_max_num_queries(12):
        client.get(url("overview", token))
    for n in range(5):
        template = ConsentTemplate.objects.create(slug=f"extra-{n}", name=f"Extra {n}")
        ConsentVersion.objects.create(
            template=template,
            number=1,
            title=f"Extra {n}",
            body="Body",
            statements=["Yes"],
            published_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        )
    sign_all_consent(consult.client)
    with django_assert_max_num_queries(12):
        response = client.get(url("overview", token))
    assert "7 of 8 done" in response.content.decode()


def test_too_many_posts_are_slowed_down(consult, client, monkeypatch):
    from consultations import forms_views

    monkeypatch.setattr(forms_views, "POST_RATE", "2/h")
    token = forms_token_for(consult.consultation)
    for _ in range(2):
        assert client.post(url("questionnaire", token), {}).status_code == 400
    response = client.post(url("questionnaire", token), {})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_a_spanish_client_is_asked_to_answer_yes_or_no_in_spanish(consult, client):
    consult.client.language = "es"
    consult.client.save(update_fields=["language"])
    token = forms_token_for(consult.consultation)
    version = current_questionnaire()
    diabetes = version.questions.get(text__icontains="diabetes")
    data = questionnaire_post(version)
    del data[f"q{diabetes.pk}"]
    response = client.post(url("questionnaire", token), data)
    assert response.status_code == 400
    content = response.content.decode()
    assert "Por favor, responda sí o no." in content
    assert "Please answer yes or no." not in content
    assert not QuestionnaireResponse.objects.exists()
