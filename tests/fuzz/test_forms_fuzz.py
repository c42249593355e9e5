"""Whatever people type into the app's forms, the answer is a page, never a server error.

Each form gets random unicode (NUL, right-to-left marks, emoji, newlines), 10 000
character strings, numbers where text belongs, several values for one field, JSON
written as text and missing fields. A refused post (anything but a redirect) must
leave the database as it was; an accepted one may save.
"""

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import field_names, form_posts

FUZZ = settings(
    max_examples=30,
    deadline=None,
    database=None,  # nothing written into the working tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _open(client, clinic, who, url) -> list[str]:
    client.logout()
    if who:
        client.force_login(getattr(clinic.people, who))
    page = client.get(url)
    assert page.status_code == 200, f"{url} as {who}: {page.status_code}"
    return field_names(page.content.decode())


def _post_and_check(client, url, data, state):
    before = state()
    response = client.post(url, data)
    assert response.status_code < 500
    if response.status_code != 302:
        assert state() == before, f"a refused post to {url} saved something: {data!r:.300}"
        assert response.status_code in {200, 400, 403, 404, 409, 410, 422, 429}
    return response


def _counts(*models):
    return lambda: tuple(model.objects.count() for model in models)


@pytest.fixture
def valid_client():
    return {
        "first_name": "Nadia",
        "last_name": "Farah",
        "email": "nadia@example.com",
        "phone": "07911 123456",
        "preferred_channel": "email",
    }


@FUZZ
@given(data=st.data())
def test_client_create_form(clinic, client, valid_client, data):
    from clients.models import Client

    url = reverse("clients:create")
    names = _open(client, clinic, "front_desk", url)
    post = data.draw(form_posts(names, valid_client))
    _post_and_check(client, url, post, _counts(Client))


@FUZZ
@given(data=st.data())
def test_online_booking_details_form(clinic, client, data):
    from clients.models import Client
    from scheduling.models import Appointment

    url = reverse(
        "booking:details", kwargs={"type_slug": "consultation", "start": clinic.free_start}
    )
    names = _open(client, clinic, None, url)
    valid = {
        "start": clinic.free_start,
        "first_name": "Omar",
        "last_name": "Reyes",
        "email": "omar@example.com",
        "phone": "07911 555666",
        "website": "",
    }
    post = data.draw(form_posts(names, valid))
    _post_and_check(client, url, post, _counts(Appointment, Client))


@FUZZ
@given(data=st.data())
def test_questionnaire_by_private_link(clinic, client, data):
    from consultations.models import Answer, QuestionnaireResponse

    url = reverse("consultation_forms:questionnaire", kwargs={"token": clinic.tokens.forms})
    names = _open(client, clinic, None, url)
    assert names, "the questionnaire page shows no form"
    post = data.draw(form_posts(names, {name: "no" for name in names}))
    _post_and_check(client, url, post, _counts(QuestionnaireResponse, Answer))


@pytest.fixture
def unsigned_consent(clinic):
    """Ben's own consultation, with the clinic's consent form not yet signed."""
    from consultations.links import forms_token_for
    from consultations.models import Consultation
    from scheduling.booking import booking_create
    from scheduling.models import AppointmentType
    from tests.clock import at

    appointment = booking_create(
        client=clinic.other_client,
        appointment_type=AppointmentType.objects.get(slug="consultation"),
        artist=clinic.people.artist,
        starts_at=at(clinic.day, "14:00"),
        by=clinic.people.front_desk,
    )
    consultation = Consultation.objects.get(appointment=appointment)
    return reverse(
        "consultation_forms:consent",
        kwargs={"token": forms_token_for(consultation), "version_pk": clinic.signature.version_id},
    )


@FUZZ
@given(data=st.data())
def test_consent_form_by_private_link(clinic, unsigned_consent, client, data):
    from consultations.models import ConsentSignature

    names = _open(client, clinic, None, unsigned_consent)
    assert names, "the consent page shows no form"
    post = data.draw(form_posts(names, {"typed_name": "Ben Barker"}))
    _post_and_check(client, unsigned_consent, post, _counts(ConsentSignature))


@FUZZ
@given(data=st.data())
def test_check_in_form_by_private_link(clinic, client, data):
    from aftercare.models import CheckIn

    url = reverse("check_in:form", kwargs={"token": clinic.tokens.check_in})
    names = _open(client, clinic, None, url)

    def state():
        check_in = CheckIn.objects.get(pk=clinic.check_in.pk)
        return (check_in.status, check_in.submitted_at, check_in.client_questions)

    valid = {"redness": "none", "itching": "none"}
    post = data.draw(form_posts(names, valid))
    response = _post_and_check(client, url, post, state)
    if response.status_code == 302:  # sent: put it back for the next example
        CheckIn.objects.filter(pk=clinic.check_in.pk).update(
            status=clinic.check_in.status, submitted_at=None, client_questions=""
        )


RECORD_FIELDS_START, RECORD_FIELDS_END = "mode", "deposit"


@FUZZ
@given(data=st.data())
def test_consultation_record_form(clinic, client, data):
    from consultations.models import Consultation

    url = reverse("consultations:detail", kwargs={"pk": clinic.consultation.pk})
    names = _open(client, clinic, "artist", url)
    record = names[names.index(RECORD_FIELDS_START) : names.index(RECORD_FIELDS_END) + 1]
    post = data.draw(form_posts(record, {"mode": "in_person"}))

    def state():
        row = model_to_dict(Consultation.objects.get(pk=clinic.consultation.pk))
        return sorted((key, str(value)) for key, value in row.items())

    _post_and_check(client, url, post, state)


@FUZZ
@given(data=st.data())
def test_session_log_form(clinic, client, data):
    from sessions_app.models import RegionTreated, SessionLog

    session = clinic.sessions[0]  # logged already: the form edits that log
    url = reverse("sessions_app:session_log", kwargs={"pk": session.pk})
    names = _open(client, clinic, "artist", url)
    valid = {
        "treated_crown": "on",
        "density_crown": "3",
        "minutes_taken": "180",
        "pigment_brand": "Brand",
    }
    post = data.draw(form_posts(names, valid))

    def state():
        log = model_to_dict(SessionLog.objects.get(session=session))
        regions = sorted(RegionTreated.objects.values_list("region", "density"))
        return sorted((key, str(value)) for key, value in log.items()), regions

    _post_and_check(client, url, post, state)


def test_the_fuzzed_forms_do_accept_good_input(clinic, client, valid_client):
    """The valid values the fuzzers fall back on really are accepted."""
    from clients.models import Client

    client.force_login(clinic.people.front_desk)
    response = client.post(reverse("clients:create"), valid_client)
    assert response.status_code == 302
    assert Client.objects.filter(email="nadia@example.com").exists()
