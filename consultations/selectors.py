"""Values derived from a client's consultations, read by the portal and the access checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import BigIntegerField, DateTimeField, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clients.models import Client
from scheduling.models import ACTIVE_STATUSES, AppointmentKind, AppointmentStatus
from smpclinic import formats
from smpclinic.prepared import Param, PreparedQuery

from .models import (
    Answer,
    Consultation,
    HairlineDesign,
    Outcome,
    PatchTest,
    QuestionnaireResponse,
    ReferencePhoto,
)

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
    response = _LATEST_RESPONSE.first(client=client.pk)
    if response is None:
        return None
    answers = sorted(
        _ANSWERS.fetch(response=response.pk),
        key=lambda a: (not a.flags_contraindication, a.question.position, a.id),
    )
    return QuestionnaireAnswers(response=response, answers=answers)


_LATEST_RESPONSE = PreparedQuery(
    lambda: (
        QuestionnaireResponse.objects.filter(client_id=Param("client", BigIntegerField()))
        .select_related("version")
        .order_by("-submitted_at", "-id")[:1]
    )
)
_ANSWERS = PreparedQuery(
    lambda: Answer.objects.filter(response_id=Param("response", BigIntegerField())).select_related(
        "question"
    )
)


def client_record_consultations(client, *, now) -> dict:
    """The client record's part from consultations (1 query)."""
    return {"consultations": _CLIENT_CONSULTATIONS.fetch(client=client.pk)}


_CLIENT_CONSULTATIONS = PreparedQuery(
    lambda: Consultation.objects.filter(client_id=Param("client", BigIntegerField())).order_by(
        "-created_at", "-id"
    )
)


# --- the artist's day and the manager's to-do list ------------------------------------------


@dataclass(frozen=True)
class AppointmentFlag:
    """Something to sort out before or during an appointment, and where to do it."""

    kind: str  # review, patch_test_pending, patch_test_too_early, consent, forms
    text: str
    url: str = ""


def _flag_time(moment: dt.datetime) -> str:
    from smpclinic.clinic import clinic_zone

    local = moment.astimezone(clinic_zone())
    return formats.show(local, "DAY_SHORT_CLOCK_FORMAT")


def appointment_flags(appointments, *, now: dt.datetime) -> dict[int, list[AppointmentFlag]]:
    """What each appointment's consultation record still waits for, by appointment id:

    - a contraindication review not signed off (any of the client's consultations);
    - the latest patch test not read yet, or not readable until later;
    - consent forms whose current version the client has not signed (treatment: to re-sign
      before the session starts);
    - a consultation's forms not done (questionnaire for it, or consent).

    Five queries whatever the number of appointments (the appointments come with their type).
    """
    from django.db.models import Exists, OuterRef

    from .consent import current_versions
    from .models import ConsentSignature, PatchReading, PatchTest

    appointments = list(appointments)
    if not appointments:
        return {}
    client_ids = {a.client_id for a in appointments}
    appointment_ids = [a.pk for a in appointments]
    consultations = list(
        Consultation.objects.filter(
            Q(appointment_id__in=appointment_ids)
            | Q(client_id__in=client_ids, review_required=True, reviewed_at__isnull=True)
        )
        .annotate(
            questionnaire_done=Exists(
                QuestionnaireResponse.objects.filter(consultation=OuterRef("pk"))
            )
        )
        .only("id", "client_id", "appointment_id", "review_required", "reviewed_at")
        .order_by("created_at", "id")
    )
    by_appointment = {c.appointment_id: c for c in consultations if c.appointment_id}
    to_review = {}
    for consultation in consultations:
        if consultation.review_required and consultation.reviewed_at is None:
            to_review.setdefault(consultation.client_id, consultation)
    latest_test = {}
    for test in (
        PatchTest.objects.filter(consultation__client_id__in=client_ids)
        .select_related("consultation")
        .only("reading", "read_after", "pigment", "consultation__client_id")
        .order_by("-applied_at", "-id")
    ):
        latest_test.setdefault(test.consultation.client_id, test)
    current = current_versions()
    signed = set(
        ConsentSignature.objects.filter(
            client_id__in=client_ids, version__in=[v.pk for v in current]
        ).values_list("client_id", "version_id")
    )

    flags: dict[int, list[AppointmentFlag]] = {}
    for appointment in appointments:
        client_id = appointment.client_id
        rows = flags.setdefault(appointment.pk, [])
        review = to_review.get(client_id)
        if review is not None:
            url = review.get_absolute_url()
            rows.append(AppointmentFlag("review", _("Contraindication review needed"), url))
        test = latest_test.get(client_id)
        if test is not None and test.reading == PatchReading.PENDING:
            url = test.consultation.get_absolute_url()
            if test.read_after <= now:
                rows.append(
                    AppointmentFlag("patch_test_pending", _("Patch test not read yet"), url)
                )
            else:
                rows.append(
                    AppointmentFlag(
                        "patch_test_too_early",
                        _("Patch test reading time not reached (from %(time)s)")
                        % {"time": _flag_time(test.read_after)},
                        url,
                    )
                )
        unsigned = [v for v in current if (client_id, v.pk) not in signed]
        consultation = by_appointment.get(appointment.pk)
        kind = appointment.type.kind
        is_consultation = kind in (AppointmentKind.CONSULTATION, AppointmentKind.VIDEO_CONSULTATION)
        if is_consultation and consultation is not None:
            missing = []
            if not consultation.questionnaire_done:
                missing.append(_("health questionnaire"))
            if unsigned:
                missing.append(
                    ngettext("%(count)s consent form", "%(count)s consent forms", len(unsigned))
                    % {"count": len(unsigned)}
                )
            if missing:
                rows.append(
                    AppointmentFlag(
                        "forms",
                        _("Forms not done: %(missing)s") % {"missing": ", ".join(missing)},
                        consultation.get_absolute_url(),
                    )
                )
        elif kind in (AppointmentKind.TREATMENT, AppointmentKind.TOUCH_UP) and unsigned:
            # A session cannot start until the current version of every form is signed.
            names = ", ".join(f"“{v.template.name}”" for v in unsigned)
            rows.append(
                AppointmentFlag(
                    "consent", _("Consent to sign before the session: %(names)s") % {"names": names}
                )
            )
    return flags


# A flagged questionnaire waits this long for an artist before the manager is told.
REVIEW_WAITING_DAYS = 2


def reviews_waiting_too_long(*, now: dt.datetime, days: int = REVIEW_WAITING_DAYS) -> QuerySet:
    """Consultations whose contraindication review has waited more than `days` since the
    flagged questionnaire came in, oldest first."""
    from django.db.models import Min

    return (
        Consultation.objects.filter(review_required=True, reviewed_at__isnull=True)
        .annotate(
            flagged_at=Min(
                "questionnaire_responses__submitted_at",
                filter=Q(questionnaire_responses__flagged=True),
            )
        )
        .filter(flagged_at__lt=now - dt.timedelta(days=days))
        .select_related("client", "artist")
        .order_by("flagged_at", "id")
    )


def _consultations_between(start, end):
    from scheduling.models import Appointment

    return (
        Appointment.objects.filter(
            starts_at__gte=start,
            starts_at__lt=end,
            status__in=ACTIVE_STATUSES,
            type__kind__in=(AppointmentKind.CONSULTATION, AppointmentKind.VIDEO_CONSULTATION),
            consultation__isnull=False,
        )
        .select_related("client", "type", "artist", "consultation")
        .order_by("starts_at", "id")
    )


_CONSULTATIONS_BETWEEN = PreparedQuery(
    lambda: _consultations_between(Param("start", DateTimeField()), Param("end", DateTimeField()))
)


def consultations_with_forms_to_do(*, now: dt.datetime, days: int = 7) -> list:
    """Consultations in the diary in the next `days` days whose forms (questionnaire or
    consent) are not done: [(appointment, consultation, what is missing)] in time order.
    A fixed number of queries: the appointments, then appointment_flags' own."""
    appointments = _CONSULTATIONS_BETWEEN.fetch(start=now, end=now + dt.timedelta(days=days))
    flags = appointment_flags(appointments, now=now)
    to_do = []
    for appointment in appointments:
        missing = [flag for flag in flags.get(appointment.pk, []) if flag.kind == "forms"]
        if missing:
            to_do.append((appointment, appointment.consultation, missing[0].text))
    return to_do


# --- the consultation record's lists ----------------------------------------------------------


def _of_consultation(model, *related):
    return PreparedQuery(
        lambda: model.objects.filter(
            consultation_id=Param("consultation", BigIntegerField())
        ).select_related(*related)
    )


_PATCH_TESTS = _of_consultation(PatchTest, "read_by")
_DESIGNS = _of_consultation(HairlineDesign, "created_by")
_REFERENCES = _of_consultation(ReferencePhoto)


def consultation_record_lists(consultation: Consultation) -> tuple[list, list, list]:
    """The consultation's patch tests (latest first), hairline designs and reference
    pictures, each in one prepared query, each row knowing its consultation."""
    lists = tuple(
        query.fetch(consultation=consultation.pk) for query in (_PATCH_TESTS, _DESIGNS, _REFERENCES)
    )
    for rows in lists:
        for row in rows:
            row.consultation = consultation
    return lists
