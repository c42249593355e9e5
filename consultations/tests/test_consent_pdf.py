"""A signed consent form, on screen and as a PDF: for staff and the client who signed it only."""

import pytest
from django.urls import reverse

from clients.services import client_create
from consultations.links import forms_token_for
from consultations.models import Consultation
from consultations.pdf import consent_pdf
from consultations.tests import factories
from consultations.tests.factories import sign_all_consent

consult = factories.consult  # fixture


@pytest.fixture
def signed(consult):
    signatures = sign_all_consent(consult.client, consultation=consult.consultation)
    return signatures[0]


def pdf_url(signature):
    return reverse("consultation_forms:signature_pdf", args=[signature.pk])


@pytest.mark.parametrize("who", ["manager", "artist", "front_desk", "client_a"])
def test_staff_and_the_client_download_the_pdf(signed, as_user, people, who):
    response = as_user(getattr(people, who)).get(pdf_url(signed))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    body = response.content
    assert body.startswith(b"%PDF")
    # The document's title names the form and the signer.
    assert b"Anna Ashby" in body


def test_another_client_gets_not_found(signed, as_user, people):
    c = as_user(people.client_b)
    assert c.get(pdf_url(signed)).status_code == 404
    assert c.get(reverse("consultation_forms:signature", args=[signed.pk])).status_code == 404


def test_anonymous_visitors_sign_in_first(signed, client):
    response = client.get(pdf_url(signed))
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_signature_page_shows_the_stored_text_and_facts(signed, as_user, people):
    page = as_user(people.artist).get(reverse("consultation_forms:signature", args=[signed.pk]))
    content = page.content.decode()
    assert signed.version.statements[0].replace("'", "&#x27;") in content
    assert signed.text_sha256 in content
    assert "Clinic tablet" in content and "127.0.0.1" in content
    assert "no-store" in page["Cache-Control"]


def test_the_pdf_through_the_private_link_is_the_clients_own_only(signed, consult, client):
    token = forms_token_for(consult.consultation)
    own = client.get(reverse("consultation_forms:signed_pdf", args=[token, signed.pk]))
    assert own.status_code == 200 and own.content.startswith(b"%PDF")
    bens = Consultation.objects.create(client=consult.other_client)
    other_token = forms_token_for(bens)
    refused = client.get(reverse("consultation_forms:signed_pdf", args=[other_token, signed.pk]))
    assert refused.status_code == 404


def test_unicode_names_print(consult, people):
    zoe = client_create(
        first_name="Zoë",
        last_name="Łukasiewicz-Nguyễn",
        email="zoe@clinic.test",
        phone="+447911123009",
        created_by=people.front_desk,
    )
    signature = sign_all_consent(zoe)[0]
    assert signature.typed_name == "Zoë Łukasiewicz-Nguyễn"
    body = consent_pdf(signature)
    assert body.startswith(b"%PDF")
    # The title is stored as UTF-16 when it is not plain Latin-1.
    title = "Consent to scalp micropigmentation, signed by Zoë Łukasiewicz-Nguyễn"
    encoded = ("\ufeff" + title).encode("utf-16-be").hex().upper().encode()
    assert encoded in body.upper() or title.encode("utf-16-be") in body
