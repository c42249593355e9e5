"""The text messages a client sent the clinic are theirs: in their export, gone on erasure."""

import io
import json
import zipfile

import pytest
from django.utils import timezone

from privacy.erasure import erasure_confirm, erasure_plan, erasure_request
from privacy.export import export_client
from reminders.inbound import inbound_receive
from reminders.models import InboundMessage, InboundOutcome

ANNA = "+447911123001"
BEN = "+447911123002"


@pytest.fixture
def texts(records):
    """Anna's texts (one matched to her, one from her number before it was on a record,
    a STOP) and Ben's, and one from a stranger."""
    anna_question = inbound_receive(
        provider_message_id="SManna1", from_number=ANNA, body="Is the itching normal?"
    )
    anna_stop = inbound_receive(provider_message_id="SManna2", from_number=ANNA, body="STOP")
    anna_before = InboundMessage.objects.create(
        provider_message_id="SManna0",
        client=None,
        from_number=ANNA,
        body="Hello, I saw your advert",
        received_at=timezone.now(),
        outcome=InboundOutcome.FOR_STAFF,
    )
    ben = inbound_receive(provider_message_id="SMben1", from_number=BEN, body="Ben Barker here")
    stranger = inbound_receive(
        provider_message_id="SMstranger", from_number="+447700900999", body="Wrong number?"
    )
    return anna_question, anna_stop, anna_before, ben, stranger


def _received(data: bytes) -> list[dict]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return json.loads(archive.read("reminders.json"))["messages_received"]


def test_the_export_holds_the_clients_own_texts_and_what_was_done(records, texts):
    anna_question, anna_stop, anna_before, ben, stranger = texts

    received = _received(export_client(records.anna.client))

    assert [m["id"] for m in received] == [anna_question.pk, anna_stop.pk, anna_before.pk]
    assert received[0]["text"] == "Is the itching normal?"
    assert received[0]["from"] == ANNA
    assert received[1]["what_was_done"] == "Stopped text messages"
    text = json.dumps(received)
    assert "Ben" not in text and "Wrong number" not in text
    archive = zipfile.ZipFile(io.BytesIO(export_client(records.anna.client)))
    assert "text messages you sent the clinic" in archive.read("README.txt").decode()


def test_erasure_deletes_the_clients_texts_and_no_one_elses(
    records, texts, django_capture_on_commit_callbacks
):
    anna_question, anna_stop, anna_before, ben, stranger = texts
    assert erasure_plan(records.anna.client).deleted["texts_received"] == 3

    request = erasure_request(client=records.anna.client)
    with django_capture_on_commit_callbacks(execute=True):
        done = erasure_confirm(request=request, by=records.people.manager)

    assert set(InboundMessage.objects.values_list("pk", flat=True)) == {ben.pk, stranger.pk}
    assert done.summary["deleted"]["texts_received"] == 3
    records.anna.client.refresh_from_db()
    assert records.anna.client.sms_opted_out is False
    assert records.anna.client.sms_consent_changed_how == ""
    assert records.anna.client.sms_consent_changed_at is None
