"""Shared helpers for consultation tests (append new helpers; keep the existing ones).

`consult` (fixture): the open clinic (scheduling.tests.diary_fixtures.open_the_clinic)
with one room, and a consultation of Anna's booked for Monday 1 March 10:00.
`flag_for_review` answers the health questionnaire with a contraindication;
`patch_test_row` writes a patch test directly (with times a service would refuse,
e.g. a reading time in the future week).
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from scheduling.booking import booking_create
from scheduling.models import AppointmentType
from scheduling.tests.diary_fixtures import open_the_clinic
from tests.clock import MONDAY, at

from ..models import (
    Consultation,
    PatchReading,
    PatchTest,
    Question,
    QuestionKind,
    QuestionnaireVersion,
)


@pytest.fixture
def consult(people, settings):
    """Anna's consultation with Sam on Monday 1 March at 10:00 (booked in the diary).

    Attributes: people, artist, artist2, room, client, other_client, consultation,
    appointment, consultation_type.
    """
    settings.TIME_ZONE = "Europe/London"
    clinic = open_the_clinic(people, rooms=("Room 1",), saturday_closes=dt.time(18))
    consultation_type = AppointmentType.objects.get(slug="consultation")
    appointment = booking_create(
        client=people.record_a,
        appointment_type=consultation_type,
        artist=people.artist,
        starts_at=at(MONDAY, "10:00"),
        by=people.front_desk,
    )
    return SimpleNamespace(
        people=people,
        artist=people.artist,
        artist2=clinic.alex,
        room=clinic.room1,
        client=people.record_a,
        other_client=people.record_b,
        consultation=Consultation.objects.get(appointment=appointment),
        appointment=appointment,
        consultation_type=consultation_type,
    )


def flag_for_review(consultation: Consultation, *, details: str = "Controlled with tablets"):
    """The client answers yes to a contraindication question: the consultation needs review."""
    from consultations.questionnaire import questionnaire_submit

    last = QuestionnaireVersion.objects.order_by("-number").first()
    version = QuestionnaireVersion.objects.create(
        number=last.number + 1 if last else 1, published_at=timezone.now()
    )
    diabetes = Question.objects.create(
        version=version,
        position=1,
        text="Do you have diabetes?",
        kind=QuestionKind.YES_NO,
        contraindication=True,
        ask_details=True,
    )
    allergy = Question.objects.create(
        version=version, position=2, text="Any allergies?", kind=QuestionKind.YES_NO
    )
    response = questionnaire_submit(
        client=consultation.client,
        consultation=consultation,
        answers={diabetes.pk: "yes", allergy.pk: "no"},
        details={diabetes.pk: details},
        channel="online",
        ip=None,
        user_agent="",
        version=version,
    )
    consultation.refresh_from_db()
    return response


def patch_test_row(
    consultation: Consultation,
    *,
    read_after: dt.datetime,
    reading: str = PatchReading.NO_REACTION,
    pigment: str = "Charcoal 2",
) -> PatchTest:
    """A patch test row as it would stand once applied (48 h before read_after) and read."""
    applied = read_after - dt.timedelta(hours=48)
    return PatchTest.objects.create(
        consultation=consultation,
        pigment=pigment,
        applied_at=applied,
        site="behind the left ear",
        read_after=read_after,
        reading=reading,
        read_at=read_after if reading != PatchReading.PENDING else None,
    )


def sign_all_consent(client, *, consultation=None, channel="clinic"):
    """The client signs every consent form outstanding, as they would on the tablet.

    Returns the signatures made (none when nothing is outstanding).
    """
    from consultations.consent import consent_document, consent_outstanding, consent_sign

    signatures = []
    for version in consent_outstanding(client):
        document = consent_document(version)
        signatures.append(
            consent_sign(
                client=client,
                version=version,
                typed_name=client.full_name,
                ticked=[number for number, _ in document.numbered_statements],
                consultation=consultation,
                channel=channel,
                ip="127.0.0.1",
                user_agent="Clinic tablet",
                text_shown_sha256=document.sha256,
            )
        )
    return signatures
