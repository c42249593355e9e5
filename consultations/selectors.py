"""Values derived from a client's consultations, read by the portal and the access checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from clients.models import Client
from scheduling.models import ACTIVE_STATUSES, AppointmentStatus

from .models import Answer, Consultation, Outcome, QuestionnaireResponse

# The consultation's appointment did not take place: nothing is waiting for a decision.
DID_NOT_HAPPEN = (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW)


def client_latest_consultation(client: Client | None) -> Consultation | None:
    """The consultation a client's forms and hairline are about: their latest."""
    if client is None:
        return None
    return (
        Consultation.objects.filter(client=client)
        .select_related("client")
        .order_by("-created_at", "-id")
        .first()
    )


def consultation_upcoming(rows: QuerySet[Consultation], now: dt.datetime) -> QuerySet:
    """Consultations still ahead: their appointment is on and has not started."""
    return rows.filter(
        appointment__starts_at__gte=now, appointment__status__in=ACTIVE_STATUSES
    ).order_by("appointment__starts_at", "id")


def consultation_recent(rows: QuerySet[Consultation], now: dt.datetime) -> QuerySet:
    """Consultations held, not held (cancelled, no-show) or recorded without an appointment,
    latest first."""
    return rows.filter(
        Q(appointment__starts_at__lt=now)
        | Q(appointment__isnull=True)
        | Q(appointment__status__in=DID_NOT_HAPPEN)
    ).order_by("-appointment__starts_at", "-created_at", "-id")


def consultation_awaiting_outcome(rows: QuerySet[Consultation]) -> QuerySet:
    """Consultations whose outcome is still to be decided: not those that did not happen."""
    return rows.filter(outcome=Outcome.PENDING).exclude(appointment__status__in=DID_NOT_HAPPEN)


@dataclass(frozen=True)
class QuestionnaireAnswers:
    """A client's current health questionnaire as the artist reads it: flagged answers
    first, then the rest in the order they were asked."""

    response: QuestionnaireResponse
    answers: list[Answer]

    @property
    def version_number(self) -> int:
        return self.response.version.number

    @property
    def flagged_count(self) -> int:
        return sum(1 for answer in self.answers if answer.flags_contraindication)


def client_current_questionnaire(client: Client | None) -> QuestionnaireAnswers | None:
    """The client's latest questionnaire with every answer (two queries), or None."""
    if client is None:
        return None
    response = (
        QuestionnaireResponse.objects.filter(client=client)
        .select_related("version")
        .order_by("-submitted_at", "-id")
        .first()
    )
    if response is None:
        return None
    answers = sorted(
        response.answers.select_related("question").all(),
        key=lambda a: (not a.flags_contraindication, a.question.position, a.id),
    )
    return QuestionnaireAnswers(response=response, answers=answers)


def client_record_consultations(client, *, now) -> dict:
    """The client record's part from consultations (1 query)."""
    return {"consultations": list(client.consultations.order_by("-created_at", "-id"))}
