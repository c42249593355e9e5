import io
import zipfile

import pytest
from django.core import mail

from clients.models import Client
from privacy.erasure import erasure_request
from privacy.models import ErasureRequest, ErasureStatus


def _names(response) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()


def _client_json(response) -> str:
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return archive.read("client.json").decode()


# --- the client's page ------------------------------------------------------------------


def test_the_client_sees_what_erasure_would_do(records, as_user):
    response = as_user(records.people.client_a).get("/my-data/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "Download my data" in page
    assert "Photos: 1" in page  # the consultation photo would go, the session photo stays
    assert "Treatment plans (with their sessions, notes and healing): 1" in page


def test_the_download_is_a_post_and_holds_only_her_data(records, as_user):
    c = as_user(records.people.client_a)
    assert c.get("/my-data/download/").status_code == 405
    response = c.post("/my-data/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    text = _client_json(response)
    assert "anna@clinic.test" in text and "ben@clinic.test" not in text


def test_a_client_without_a_record_and_staff_other_than_the_manager_find_nothing(records, as_user):
    Client.objects.filter(pk=records.anna.client.pk).update(user=None)
    assert as_user(records.people.client_a).get("/my-data/").status_code == 404
    assert as_user(records.people.client_a).post("/my-data/download/").status_code == 404
    assert as_user(records.people.front_desk).get("/my-data/").status_code == 404
    assert as_user(records.people.artist).post("/my-data/download/").status_code == 404
    assert as_user(records.people.manager).get("/my-data/").url == "/my-data/requests/"


def test_anonymous_people_are_sent_to_sign_in(db, client):
    response = client.post("/my-data/download/")
    assert response.status_code == 302 and "next=" in response.url


def test_the_client_asks_for_erasure_with_an_optional_reason(records, as_user):
    c = as_user(records.people.client_a)
    response = c.post("/my-data/erase/", {"reason": "Moving abroad", "understood": "on"})
    assert response.status_code == 302
    request = ErasureRequest.objects.get(client=records.anna.client)
    assert (request.status, request.reason) == (ErasureStatus.REQUESTED, "Moving abroad")
    page = c.get("/my-data/").content.decode()
    assert "A manager at the clinic will confirm it" in page
    assert "Ask to erase my data" not in page


def test_erasure_needs_the_box_ticked_and_keeps_the_reason_typed(records, as_user):
    response = as_user(records.people.client_a).post("/my-data/erase/", {"reason": "Too many"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tick this box to confirm" in page
    assert "Too many" in page
    assert not ErasureRequest.objects.exists()


def test_a_second_request_is_refused_clearly(records, as_user):
    erasure_request(client=records.anna.client)
    response = as_user(records.people.client_a).post(
        "/my-data/erase/", {"reason": "", "understood": "on"}
    )
    assert response.status_code == 400
    assert "You asked on" in response.content.decode()
    assert ErasureRequest.objects.filter(client=records.anna.client).count() == 1


# --- the manager's side --------------------------------------------------------------------


def test_only_the_manager_sees_the_requests(records, as_user):
    erasure_request(client=records.anna.client, reason="Moving abroad")
    for person in (records.people.front_desk, records.people.artist, records.people.client_a):
        assert as_user(person).get("/my-data/requests/").status_code == 403
    page = as_user(records.people.manager).get("/my-data/requests/").content.decode()
    assert "Anna Ashby" in page and "Moving abroad" in page


def test_the_requests_list_costs_a_fixed_number_of_queries(
    people, as_user, django_assert_max_num_queries
):
    from clients.services import client_create

    c = as_user(people.manager)
    for n in range(6):
        record = client_create(first_name="Client", last_name=f"N{n}", phone=f"+4479111240{n:02}")
        erasure_request(client=record)
    with django_assert_max_num_queries(8):
        page = c.get("/my-data/requests/").content.decode()
    assert page.count('data-testid="request-row"') == 6


def test_front_desk_cannot_confirm_or_decline(records, as_user):
    request = erasure_request(client=records.anna.client)
    c = as_user(records.people.front_desk)
    assert c.post(f"/my-data/requests/{request.pk}/confirm/").status_code == 403
    declined = c.post(f"/my-data/requests/{request.pk}/decline/", {"decline_reason": "x"})
    assert declined.status_code == 403
    request.refresh_from_db()
    assert request.status == ErasureStatus.REQUESTED


def test_the_manager_confirms_and_sees_the_summary(
    records, as_user, django_capture_on_commit_callbacks
):
    request = erasure_request(client=records.anna.client)
    c = as_user(records.people.manager)
    detail = c.get(f"/my-data/requests/{request.pk}/").content.decode()
    assert "What confirming does now" in detail
    assert c.get(f"/my-data/requests/{request.pk}/confirm/").status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(f"/my-data/requests/{request.pk}/confirm/", follow=True)
    page = response.content.decode()
    assert "has been erased" in page
    assert f"Erased client #{records.anna.client.pk}" in page
    assert "Kept" in page and "Anonymised" in page
    assert [m.to for m in mail.outbox] == [["anna@clinic.test"]]
    again = c.post(f"/my-data/requests/{request.pk}/confirm/", follow=True)
    assert "already done" in again.content.decode()
    assert len(mail.outbox) == 1


def test_declining_keeps_the_reason_and_tells_the_client(records, as_user):
    request = erasure_request(client=records.anna.client)
    c = as_user(records.people.manager)
    response = c.post(f"/my-data/requests/{request.pk}/decline/", {"decline_reason": ""})
    assert response.status_code == 400
    assert "Say why the request is declined." in response.content.decode()
    c.post(f"/my-data/requests/{request.pk}/decline/", {"decline_reason": "Plan still active"})
    request.refresh_from_db()
    assert (request.status, request.decline_reason) == ("declined", "Plan still active")
    page = as_user(records.people.client_a).get("/my-data/").content.decode()
    assert "was declined: Plan still active" in page


def test_an_unknown_request_is_a_404(records, as_user):
    assert as_user(records.people.manager).get("/my-data/requests/999999/").status_code == 404


def test_the_manager_downloads_any_clients_export(records, as_user):
    c = as_user(records.people.manager)
    response = c.post(f"/my-data/clients/{records.ben.client.pk}/download/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    text = _client_json(response)
    assert "ben@clinic.test" in text and "anna@clinic.test" not in text
    assert c.post("/my-data/clients/999999/download/").status_code == 404


@pytest.mark.parametrize(
    "role, status",
    # A client's whole export is a health page: 404 for a client (accounts/access.py).
    [("front_desk", 403), ("artist", 403), ("client_a", 404)],
)
def test_nobody_else_downloads_a_clients_export(records, as_user, role, status):
    c = as_user(getattr(records.people, role))
    assert c.post(f"/my-data/clients/{records.ben.client.pk}/download/").status_code == status


def test_client_a_cannot_reach_client_b_s_export_or_request(records, as_user):
    request_b = erasure_request(client=records.ben.client)
    c = as_user(records.people.client_a)
    assert c.get(f"/my-data/requests/{request_b.pk}/").status_code == 403
    assert c.post(f"/my-data/requests/{request_b.pk}/confirm/").status_code == 403
    assert c.post(f"/my-data/clients/{records.ben.client.pk}/download/").status_code == 404
    # Her own download is hers whatever she sends.
    response = c.post("/my-data/download/", {"client": records.ben.client.pk})
    assert "ben@clinic.test" not in _client_json(response)
    request_b.refresh_from_db()
    assert request_b.status == ErasureStatus.REQUESTED


def test_the_retention_period_is_one_row_the_manager_edits_in_the_admin(people, as_user):
    from privacy.models import PrivacySettings

    people.manager.is_staff = people.manager.is_superuser = True
    people.manager.save()
    c = as_user(people.manager)
    response = c.get("/admin/privacy/privacysettings/")
    row = PrivacySettings.objects.get()
    assert row.retention_years == 8
    assert response.url == f"/admin/privacy/privacysettings/{row.pk}/change/"
    c.post(response.url, {"retention_years": "0"})
    assert PrivacySettings.objects.get().retention_years == 8  # refused: at least a year
    c.post(response.url, {"retention_years": "10"})
    assert PrivacySettings.objects.get().retention_years == 10


def test_the_client_record_button_shows_for_the_manager_only(records, rf):
    from django.template.loader import render_to_string

    for user, shown in ((records.people.manager, True), (records.people.front_desk, False)):
        request = rf.get("/")
        request.user = user
        html = render_to_string(
            "privacy/_client_download.html",
            {"client": records.ben.client, "user": user},
            request=request,
        )
        assert (f"/my-data/clients/{records.ben.client.pk}/download/" in html) is shown


def test_a_spanish_manager_handles_a_request_in_spanish_and_the_client_is_told_in_theirs(
    records, as_user, django_capture_on_commit_callbacks
):
    records.people.manager.language = "es"
    records.people.manager.save(update_fields=["language"])
    # Anna reads English; the manager's Spanish must not reach her email.
    request = erasure_request(client=records.anna.client, reason="Moving abroad")
    c = as_user(records.people.manager)
    listing = c.get("/my-data/requests/").content.decode()
    assert "Solicitudes de supresión" in listing
    assert "Pendientes de una decisión" in listing and "Revisar" in listing
    detail = c.get(f"/my-data/requests/{request.pk}/").content.decode()
    assert "Qué hace la confirmación ahora" in detail
    assert "Fotos: 1" in detail and "Se anonimizará" in detail
    assert "Pendiente de la clínica" in detail  # the request's status
    with django_capture_on_commit_callbacks(execute=True):
        done = c.post(f"/my-data/requests/{request.pk}/confirm/", follow=True)
    page = done.content.decode()
    assert "Los datos del cliente se han suprimido" in page
    assert "Nombre" in page and "Acceso (cerrado)" in page  # anonymised, in Spanish
    [email] = mail.outbox
    assert email.subject.endswith("has been erased")
    assert "As you asked" in email.body and "Name" in email.body


def test_a_spanish_client_is_told_of_the_erasure_in_spanish(
    records, as_user, django_capture_on_commit_callbacks
):
    Client.objects.filter(pk=records.anna.client.pk).update(language="es")
    request = erasure_request(client=records.anna.client)
    with django_capture_on_commit_callbacks(execute=True):
        as_user(records.people.manager).post(f"/my-data/requests/{request.pk}/confirm/")
    [email] = mail.outbox
    assert email.subject.startswith("Sus datos en") and email.subject.endswith("se han suprimido")
    assert "Tal como solicitó" in email.body
    assert "Anonimizado:" in email.body and "- Nombre" in email.body
    assert "Fotos: 1" in email.body
    assert "Su acceso se ha cerrado" in email.body
