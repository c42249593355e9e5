"""Consent: versions that never change once signed, signatures that keep what was shown."""

import hashlib
import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from consultations import admin_forms  # noqa: F401  (registers the forms' admin)
from consultations.consent import (
    FORM_CHANGED,
    consent_document,
    consent_outstanding,
    consent_sign,
    consent_version_copy_as_draft,
    consent_version_publish,
    consent_version_save,
    current_versions,
    names_match,
    session_start_problem,
)
from consultations.links import forms_token_for
from consultations.models import ConsentSignature, ConsentTemplate, ConsentVersion
from consultations.tests import factories
from consultations.tests.factories import sign_all_consent
from sessions_app import plans
from sessions_app.models import SessionLog
from sessions_app.tests.fixtures import past_appointment

consult = factories.consult  # fixture


def sign(consult, version, **overrides):
    document = consent_document(version)
    kwargs = {
        "client": consult.client,
        "version": version,
        "typed_name": consult.client.full_name,
        "ticked": [n for n, _ in document.numbered_statements],
        "consultation": consult.consultation,
        "channel": "online",
        "ip": "198.51.100.7",
        "user_agent": "Phone " + "y" * 500,
        "text_shown_sha256": document.sha256,
    }
    kwargs.update(overrides)
    return consent_sign(**kwargs)


def smp_version():
    return ConsentVersion.objects.get(template__slug="smp-treatment", number=1)


def test_the_default_consent_forms_are_published(db):
    names = [v.template.name for v in current_versions()]
    assert names == ["Consent to scalp micropigmentation", "Photographs"]
    smp = consent_document(smp_version())
    text = smp.text.lower()
    for risk in ["redness", "swelling", "allergic", "fade", "results vary", "aftercare", "photo"]:
        assert risk in text, risk
    photos = consent_document(ConsentVersion.objects.get(template__slug="photographs"))
    assert "separate written agreement" in photos.text


def test_the_document_is_title_body_and_numbered_statements(db):
    version = smp_version()
    document = consent_document(version)
    assert document.text.startswith(version.title + "\n\n")
    assert f"\n1. {version.statements[0]}\n" in document.text
    assert document.text.rstrip().endswith(f"{len(version.statements)}. {version.statements[-1]}")
    assert document.sha256 == hashlib.sha256(document.text.encode()).hexdigest()


def test_signing_stores_the_exact_text_its_hash_and_who_signed(consult):
    version = smp_version()
    signature = sign(consult, version, typed_name="  anna   ASHBY ")
    document = consent_document(version)
    assert signature.text_shown == document.text
    assert signature.text_sha256 == hashlib.sha256(signature.text_shown.encode()).hexdigest()
    assert signature.typed_name == "anna ASHBY"
    assert signature.ip_address == "198.51.100.7"
    assert len(signature.user_agent) == 300
    assert signature.consultation == consult.consultation
    assert signature.signed_at is not None


@pytest.mark.parametrize(
    ("full", "typed", "ok"),
    [
        ("José García", "jose garcia", True),
        ("José García", "JOSÉ  GARCÍA", True),
        ("Zoë Smith-Jones", "zoe smith jones", True),
        ("Anna Ashby", "Anna", False),
        ("Anna Ashby", "Ben Barker", False),
        ("Anna Ashby", "   ", False),
    ],
)
def test_names_match_ignoring_case_spacing_and_accents(full, typed, ok):
    assert names_match(typed, full) is ok


def test_a_name_that_is_not_the_clients_is_refused(consult):
    with pytest.raises(ValidationError) as refused:
        sign(consult, smp_version(), typed_name="Ben Barker")
    assert "Anna Ashby" in refused.value.message_dict["typed_name"][0]
    assert not ConsentSignature.objects.exists()


def test_every_statement_must_be_ticked(consult):
    with pytest.raises(ValidationError) as refused:
        sign(consult, smp_version(), ticked=[1, 2])
    assert "not ticked: 3, 4, 5, 6" in refused.value.message_dict["ticked"][0]
    with pytest.raises(ValidationError):
        sign(consult, smp_version(), ticked=["x"])
    assert not ConsentSignature.objects.exists()


def test_a_page_showing_other_text_is_refused(consult):
    with pytest.raises(ValidationError, match="changed"):
        sign(consult, smp_version(), text_shown_sha256="0" * 64)
    assert not ConsentSignature.objects.exists()


def test_a_version_no_longer_current_is_refused(consult, people):
    v1 = smp_version()
    v2 = consent_version_copy_as_draft(version=v1, by=people.manager)
    v2.body += "\n\nNew paragraph."
    consent_version_save(version=v2)
    consent_version_publish(version=v2)
    with pytest.raises(ValidationError) as refused:
        sign(consult, v1)
    assert refused.value.messages == [FORM_CHANGED]


def test_signing_twice_is_refused(consult):
    sign(consult, smp_version())
    with pytest.raises(ValidationError, match="already signed"):
        sign(consult, smp_version())
    assert ConsentSignature.objects.count() == 1


def test_outstanding_forms_and_the_session_gate(consult, people):
    client = consult.client
    assert [v.template.slug for v in consent_outstanding(client)] == [
        "smp-treatment",
        "photographs",
    ]
    problem = session_start_problem(client)
    assert problem.code == "consent" and problem.field == "consent"
    assert "must sign the current" in problem.message
    assert "Consent to scalp micropigmentation" in problem.message

    sign_all_consent(client)
    assert consent_outstanding(client) == []
    assert session_start_problem(client) is None
    assert consent_outstanding(consult.other_client) != []

    # A new version of the photographs form: Anna signs again.
    v2 = consent_version_copy_as_draft(
        version=ConsentVersion.objects.get(template__slug="photographs"), by=people.manager
    )
    v2.statements = [*v2.statements, "I may withdraw this consent at any time."]
    consent_version_save(version=v2)
    assert consent_outstanding(client) == []  # a draft changes nothing
    consent_version_publish(version=v2)
    assert consent_outstanding(client) == [v2]
    assert "Photographs" in session_start_problem(client).message


def test_an_inactive_form_is_not_asked_for(consult):
    ConsentTemplate.objects.filter(slug="photographs").update(is_active=False)
    assert [v.template.slug for v in consent_outstanding(consult.client)] == ["smp-treatment"]


def test_the_first_session_log_waits_for_the_current_consent(treatment):
    # Anna signed version 1 (the fixture); the clinic then publishes version 2.
    v1 = ConsentVersion.objects.get(template__slug="smp-treatment", number=1)
    consent_version_publish(version=consent_version_copy_as_draft(version=v1))
    session = treatment.sessions[0]
    past_appointment(session, when=session.plan.created_at.replace(year=2020))
    with pytest.raises(ValidationError, match="must sign the current"):
        plans.session_log_save(
            session=session, by=treatment.artist, regions={"frontal_hairline": 3}, minutes_taken=200
        )
    assert not SessionLog.objects.filter(session=session).exists()
    sign_all_consent(treatment.client)
    log = plans.session_log_save(
        session=session, by=treatment.artist, regions={"frontal_hairline": 3}, minutes_taken=200
    )
    assert log.pk


# --- versions never change once signed --------------------------------------------------------


def test_signed_text_cannot_change_through_the_service(consult):
    version = smp_version()
    sign(consult, version)
    for field, value in [
        ("title", "Another title"),
        ("body", "Another body"),
        ("statements", ["Only this"]),
    ]:
        fresh = ConsentVersion.objects.get(pk=version.pk)
        setattr(fresh, field, value)
        with pytest.raises(ValidationError, match="has been signed"):
            consent_version_save(version=fresh)
    stored = ConsentVersion.objects.get(pk=version.pk)
    assert (stored.title, stored.body, stored.statements) == (
        version.title,
        version.body,
        version.statements,
    )


def test_signed_text_cannot_change_through_save(consult):
    version = smp_version()
    sign(consult, version)
    version.body = "Rewritten after signing"
    with pytest.raises(ValidationError):
        version.save()
    assert ConsentVersion.objects.get(pk=version.pk).body != "Rewritten after signing"


def test_unsigned_text_can_change(consult, people, django_assert_num_queries):
    draft = consent_version_copy_as_draft(version=smp_version(), by=people.manager)
    draft.title = "Consent to SMP (2027)"
    # "May this text still change?" is asked once per save: the stored text, whether
    # anyone signed it, and the update; then the settings trail reads the row as it was
    # and records the change (audit.registry.SETTINGS_RECORDS).
    with django_assert_num_queries(5):
        consent_version_save(version=draft)
    assert ConsentVersion.objects.get(pk=draft.pk).title == "Consent to SMP (2027)"


def test_the_admin_shows_a_signed_version_read_only(consult, as_user, people):
    version = smp_version()
    sign(consult, version)
    c = as_user(people.manager)
    url = reverse("admin:consultations_consentversion_change", args=[version.pk])
    page = c.get(url)
    content = page.content.decode()
    assert "its text cannot change" in content
    assert 'name="body"' not in content
    c.post(
        url,
        {
            "template": version.template_id,
            "number": 1,
            "title": "Forged",
            "body": "Forged",
            "statements": "Forged",
        },
    )
    version.refresh_from_db()
    assert version.title == "Consent to scalp micropigmentation"


def test_the_admin_edits_a_draft_and_says_the_wording_is_the_clinics(consult, as_user, people):
    draft = consent_version_copy_as_draft(version=smp_version(), by=people.manager)
    c = as_user(people.manager)
    url = reverse("admin:consultations_consentversion_change", args=[draft.pk])
    page = c.get(url)
    assert "not legal or medical advice" in page.content.decode()
    response = c.post(
        url,
        {
            "template": draft.template_id,
            "number": draft.number,
            "title": draft.title,
            "body": draft.body,
            "statements": "First statement\n\n  Second statement  \n",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.statements == ["First statement", "Second statement"]


def test_admin_actions_copy_and_publish_consent(consult, as_user, people):
    version = smp_version()
    c = as_user(people.manager)
    url = reverse("admin:consultations_consentversion_changelist")
    c.post(url, {"action": "copy_as_draft", "_selected_action": [version.pk]})
    draft = ConsentVersion.objects.get(template=version.template, number=2)
    assert draft.published_at is None
    c.post(url, {"action": "publish", "_selected_action": [draft.pk]})
    assert draft in current_versions()


# --- the page the client signs ----------------------------------------------------------------


def test_the_stored_hash_is_the_hash_of_the_text_the_page_showed(consult, client):
    version = smp_version()
    url = reverse(
        "consultation_forms:consent", args=[forms_token_for(consult.consultation), version.pk]
    )
    page = client.get(url).content.decode()
    shown_hash = re.search(r'name="text_sha256" value="([0-9a-f]{64})"', page).group(1)
    title = re.search(r'data-testid="consent-title">(.*?)</h1>', page, re.S).group(1)
    statements = [
        html.unescape(s).strip()
        for s in re.findall(r'<span class="fw-semibold">\d+\.</span>\s*(.*?)</label>', page, re.S)
    ]
    body = re.search(r'data-testid="consent-body">(.*?)</div>', page, re.S).group(1)
    paragraphs = [
        html.unescape(re.sub(r"<br>", "\n", p)).strip()
        for p in re.findall(r"<p>(.*?)</p>", body, re.S)
    ]
    page_text = (
        "\n".join(
            [html.unescape(title), "", "\n\n".join(paragraphs), ""]
            + [f"{n}. {s}" for n, s in enumerate(statements, start=1)]
        )
        + "\n"
    )

    response = client.post(
        url,
        {
            "text_sha256": shown_hash,
            "ticked": [str(n) for n in range(1, len(statements) + 1)],
            "typed_name": "Anna Ashby",
        },
    )
    assert response.status_code == 302
    signature = ConsentSignature.objects.get(client=consult.client, version=version)
    assert signature.text_sha256 == shown_hash
    assert signature.text_shown == page_text
    assert hashlib.sha256(page_text.encode()).hexdigest() == shown_hash
