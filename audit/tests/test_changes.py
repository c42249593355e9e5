"""Changes to health records: who, from where, and the value before and after."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from audit.middleware import AuditActorMiddleware
from audit.models import ChangeEntry
from audit.registry import HIDDEN_TEXT
from consultations import services
from consultations.models import Consultation

pytestmark = pytest.mark.django_db


def _as_request(user, action, **meta):
    """Run `action` the way a view would: inside a request through the audit middleware."""
    request = RequestFactory().post("/somewhere/", **meta)
    request.user = user

    def view(request):
        action()
        return HttpResponse()

    return AuditActorMiddleware(view)(request)


def _latest(model, pk) -> ChangeEntry:
    return ChangeEntry.objects.filter(
        content_type__model=model._meta.model_name, object_pk=str(pk)
    ).latest("timestamp")


def test_a_consultation_change_records_who_where_and_before_after(consult):
    consultation = consult.consultation
    _as_request(
        consult.people.artist,
        lambda: services.consultation_update(
            consultation, by=consult.people.artist, pigment_shade="Charcoal 3"
        ),
        REMOTE_ADDR="203.0.113.9",
    )
    entry = _latest(Consultation, consultation.pk)
    assert entry.action == ChangeEntry.Action.UPDATE
    assert entry.actor == consult.people.artist
    assert entry.remote_addr == "203.0.113.9"
    assert entry.client_pk == consult.people.record_a.pk
    assert entry.changes_dict == {"pigment_shade": ["", "Charcoal 3"]}


def test_encrypted_notes_are_recorded_as_changed_but_not_shown(consult):
    _as_request(
        consult.people.artist,
        lambda: services.consultation_update(
            consult.consultation, by=consult.people.artist, expectations="A sharp hairline"
        ),
    )
    changes = _latest(Consultation, consult.consultation.pk).changes_dict
    assert changes["expectations"] == ["", HIDDEN_TEXT]
    assert "sharp" not in str(ChangeEntry.objects.values_list("changes", flat=True)[::1])


def test_the_address_is_the_one_the_clinics_proxy_saw(consult, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    _as_request(
        consult.people.artist,
        lambda: services.consultation_update(
            consult.consultation, by=consult.people.artist, pigment_brand="Tina Davies"
        ),
        REMOTE_ADDR="10.0.0.2",
        # The left part is whatever the caller sent; only the proxy's own hop is believed.
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7",
    )
    assert _latest(Consultation, consult.consultation.pk).remote_addr == "198.51.100.7"


def test_an_edit_through_the_client_form_is_recorded_without_noisy_fields(people, as_user):
    record = people.record_a
    response = as_user(people.front_desk).post(
        reverse("clients:edit", args=[record.pk]),
        {
            "first_name": "Anna",
            "last_name": "Ashby-Stone",
            "email": record.email,
            "phone": str(record.phone),
            "preferred_channel": record.preferred_channel,
            "notes": record.notes,
        },
        REMOTE_ADDR="192.0.2.44",
    )
    assert response.status_code == 302
    entry = _latest(type(record), record.pk)
    assert entry.actor == people.front_desk
    assert entry.remote_addr == "192.0.2.44"
    assert entry.changes_dict["last_name"] == ["Ashby", "Ashby-Stone"]
    assert "updated_at" not in entry.changes_dict
    assert "search_text" not in entry.changes_dict


def test_a_change_made_outside_a_request_has_no_actor(consult, as_user):
    # What a Celery task or a command does: no request, no middleware.
    consultation = Consultation.objects.get(pk=consult.consultation.pk)
    consultation.pigment_dilution = "10%"
    consultation.save()
    entry = _latest(Consultation, consultation.pk)
    assert entry.actor is None
    assert entry.remote_addr is None
    assert entry.client_pk == consult.people.record_a.pk
    page = as_user(consult.people.manager).get(
        reverse("audit:client", args=[consult.people.record_a.pk])
    )
    row = next(r for r in page.context["rows"] if r.kind == "change" and r.what == "consultation")
    assert row.who == "system"
    assert "10%" in page.content.decode()


def test_every_health_record_model_is_audited():
    from auditlog.registry import auditlog

    from audit.registry import audited_models

    names = {m._meta.label for m in audited_models()}
    assert names == {
        "clients.Client",
        "consultations.QuestionnaireResponse",
        "consultations.Answer",
        "consultations.ConsentSignature",
        "consultations.Consultation",
        "consultations.PatchTest",
        "consultations.HairlineDesign",
        "sessions_app.TreatmentPlan",
        "sessions_app.TreatmentSession",
        "sessions_app.SessionLog",
        "sessions_app.RegionTreated",
        "sessions_app.RegionHealing",
        "photos.Photo",
        "aftercare.CheckIn",
        "aftercare.AftercarePlan",
        # Money: each ledger row written, each change to a deposit.
        "billing.LedgerEntry",
        "billing.Deposit",
    }
    assert all(auditlog.contains(model) for model in audited_models())


def test_a_deleted_record_stays_in_its_clients_trail(treatment):
    session = treatment.sessions[2]
    session_pk = session.pk
    session.delete()
    entry = ChangeEntry.objects.get(
        content_type__model="treatmentsession",
        object_pk=str(session_pk),
        action=ChangeEntry.Action.DELETE,
    )
    assert entry.client_pk == treatment.client.pk
