import io
import json
import zipfile

import pytest

from privacy.export import export_client
from reminders.deliverability import EmailEvent, email_event_record
from reminders.models import Reminder


def _open(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def _read_json(archive: zipfile.ZipFile, name: str):
    return json.loads(archive.read(name))


def test_it_holds_every_area_of_the_record_and_a_readme(records):
    archive = _open(export_client(records.anna.client))
    names = set(archive.namelist())
    assert {
        "README.txt",
        "client.json",
        "appointments.json",
        "consultations.json",
        "treatment.json",
        "aftercare.json",
        "reminders.json",
        "account.json",
        "waitlist.json",
        "photos.json",
    } <= names
    readme = archive.read("README.txt").decode()
    assert "consent forms you signed" in readme and "photos/" in readme

    client = _read_json(archive, "client.json")["client"]
    assert client["email"] == "anna@clinic.test"
    assert client["phone"] == "+447911123001"
    assert "search_text" not in client

    appointments = _read_json(archive, "appointments.json")["appointments"]
    assert records.anna.appointment.pk in {a["id"] for a in appointments}
    assert {a["type_name"] for a in appointments} == {"Free consultation", "Treatment session"}
    assert all(a["client_id"] == records.anna.client.pk for a in appointments)


def test_consultations_keep_the_exact_wording_signatures_and_estimate(records):
    data = _read_json(_open(export_client(records.anna.client)), "consultations.json")
    [record] = data["consultations"]
    assert record["expectations"] == "Anna hopes for a sharp buzz-cut look"
    assert record["estimate"]["estimated_sessions"] == 3
    assert record["patch_tests"][0]["pigment"] == "Anna shade 2"
    assert record["hairline_designs"][0]["notes"] == "Anna's soft hairline"
    [response] = data["questionnaire_responses"]
    answers = {a["question"]: a for a in response["answers"]}
    assert answers["Do you have diabetes?"]["answer"] == "Yes"
    assert answers["Do you have diabetes?"]["details"] == "Anna takes tablets"
    assert data["consent_signatures"], "Anna signed the clinic's consent forms"
    signature = data["consent_signatures"][0]
    assert signature["text_shown"] and len(signature["text_sha256"]) == 64
    assert signature["typed_name"] == "Anna Ashby"


def test_treatment_includes_the_clinical_notes_and_aftercare_the_check_in(records):
    archive = _open(export_client(records.anna.client))
    [plan] = _read_json(archive, "treatment.json")["treatment_plans"]
    first = plan["sessions"][0]
    assert first["log"]["technique_notes"] == "Anna healed well; private clinical note"
    assert first["log"]["regions_treated"] == [{"region": "Frontal hairline", "density": 3}]
    aftercare = _read_json(archive, "aftercare.json")
    assert aftercare["aftercare_plans"][0]["steps"]
    [check_in] = aftercare["check_ins"]
    assert check_in["client_questions"] == "Anna asks whether the crown is patchy"
    assert check_in["reply"] == "Hi Anna, it is normal"
    messages = _read_json(archive, "reminders.json")["messages_sent"]
    assert [(m["channel"], m["sent_to"]) for m in messages] == [("email", "anna@clinic.test")]


def test_every_photo_file_is_in_it_shared_or_not(records):
    anna = records.anna
    archive = _open(export_client(anna.client))
    listed = _read_json(archive, "photos.json")["photos"]
    assert {p["id"] for p in listed} == {anna.session_photo.pk, anna.consultation_photo.pk}
    for photo in (anna.session_photo, anna.consultation_photo):
        [entry] = [p for p in listed if p["id"] == photo.pk]
        with photo.image.open("rb") as f:
            assert archive.read(entry["file"]) == f.read()


def test_nothing_of_another_client_is_in_it(records):
    anna, ben = records.anna, records.ben
    data = export_client(anna.client)
    archive = _open(data)
    text = "\n".join(
        archive.read(name).decode() for name in archive.namelist() if name.endswith(".json")
    )
    for word in ("Ben", "Barker", "ben@clinic.test", "+447911123002", "447911123002"):
        assert word not in text
    ids = {
        "client_id": ben.client.pk,
        "consultation_id": ben.consultation.pk,
    }
    for key, value in ids.items():
        assert f'"{key}": {value},' not in text
    # "plan_id" also names aftercare plans (aftercare.json), whose ids may equal Ben's
    # treatment plan's: look for his treatment plan where treatment plans are named.
    for name in ("treatment.json", "account.json"):
        assert f'"plan_id": {ben.plan.pk},' not in archive.read(name).decode()
    photo_bytes = [
        archive.read(n) for n in archive.namelist() if n.startswith("photos/") and n != "photos/"
    ]
    assert len(photo_bytes) == 2
    for photo in (ben.session_photo, ben.consultation_photo):
        with photo.image.open("rb") as f:
            assert f.read() not in photo_bytes


def test_a_missing_photo_file_is_listed_not_fatal(records):
    anna = records.anna
    anna.session_photo.image.storage.delete(anna.session_photo.image.name)
    listed = _read_json(_open(export_client(anna.client)), "photos.json")["photos"]
    [entry] = [p for p in listed if p["id"] == anna.session_photo.pk]
    assert entry["file"] is None and "could not be read" in entry["missing"]


def test_a_fixed_number_of_queries_whatever_the_amount_of_data(
    records, django_assert_max_num_queries
):
    from photos.services import photo_add
    from photos.tests.fixtures import jpeg_bytes, upload

    # 24: the blocks on the client's email addresses (reminders.json) are one query,
    # the text messages the client sent the clinic another.
    with django_assert_max_num_queries(24):
        export_client(records.anna.client)
    for _ in range(4):
        photo_add(
            client=records.anna.client,
            angle="back",
            stage="reference",
            upload=upload(jpeg_bytes()),
            by=records.people.artist,
        )
    with django_assert_max_num_queries(24):
        data = export_client(records.anna.client)
    assert len([n for n in _open(data).namelist() if n.startswith("photos/")]) == 6


@pytest.mark.django_db
def test_a_client_with_nothing_but_a_name_exports_empty_lists(people):
    from clients.services import client_create

    lone = client_create(first_name="Lone", last_name="Caller", phone="+447911123999")
    archive = _open(export_client(lone))
    assert _read_json(archive, "treatment.json") == {"treatment_plans": []}
    assert _read_json(archive, "photos.json") == {"photos": []}


def test_the_account_lists_every_charge_payment_and_deposit_and_nothing_of_bens(records):
    from billing import ledger

    anna, ben = records.anna.client, records.ben.client
    ledger.record_charge(client=anna, amount="400", description="Treatment session 1")
    ledger.record_payment(
        client=anna, amount="150", method="cash", description="Part payment", plan=records.anna.plan
    )
    ledger.record_payment(client=ben, amount="99", method="cash", description="Barker payment")

    account = _read_json(_open(export_client(anna)), "account.json")

    rows = {row["description"]: row for row in account["ledger"]}
    assert (rows["Treatment session 1"]["kind"], rows["Treatment session 1"]["amount"]) == (
        "charge",
        "400.00",
    )
    assert rows["Part payment"]["receipt_number"] == 1
    assert rows["Part payment"]["plan_id"] == records.anna.plan.pk
    assert "Barker" not in json.dumps(account)
    assert account["deposits"] == []


def test_the_waitlist_lists_what_the_client_waits_for_and_nothing_of_bens(records):
    from scheduling.models import AppointmentType
    from waitlist.services import entry_add

    anna, ben = records.anna.client, records.ben.client
    consultation = AppointmentType.objects.get(slug="consultation")
    entry_add(client=anna, appointment_type=consultation, weekdays=[0, 2])
    entry_add(client=ben, appointment_type=consultation, note="Barker prefers mornings")
    waitlist = _read_json(_open(export_client(anna)), "waitlist.json")["waitlist"]
    assert [(w["appointment_type"], w["weekdays"], w["status"]) for w in waitlist] == [
        ("Free consultation", [0, 2], "waiting")
    ]
    assert waitlist[0]["offers"] == []
    assert "Barker" not in json.dumps(waitlist)


def _blocks(records):
    """Blocks on Anna's addresses (one she had before, found through the message that
    bounced; her address now, found by the address) and on Ben's address."""
    sent = records.anna.sent_reminder
    Reminder.objects.filter(pk=sent.pk).update(sent_to="anna.before@clinic.test")
    email_event_record(
        event=EmailEvent.BOUNCED,
        recipient="anna.before@clinic.test",
        reference=f"reminder-{sent.pk}",
        description="mailbox not found",
        provider="Postmark",
    )
    email_event_record(event=EmailEvent.COMPLAINED, recipient="Anna@clinic.test", message_id="x")
    email_event_record(event=EmailEvent.BOUNCED, recipient="ben@clinic.test", message_id="y")


def test_the_blocks_on_the_clients_email_addresses_are_in_it(records):
    _blocks(records)
    data = _read_json(_open(export_client(records.anna.client)), "reminders.json")
    blocks = {b["address"]: b for b in data["email_blocks"]}
    assert set(blocks) == {"anna.before@clinic.test", "anna@clinic.test"}
    assert blocks["anna.before@clinic.test"]["reason_label"] == "hard bounce"
    assert blocks["anna.before@clinic.test"]["description"] == "mailbox not found"
    assert blocks["anna@clinic.test"]["reason"] == "complained"
    [message] = data["messages_sent"]
    assert message["delivery_status_label"] == "Bounced"
