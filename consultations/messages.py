"""The consultation's messages: the forms link, the estimate, the patch-test reading and
the follow-up of a "proceed" with nothing booked; and the forms link in the diary's
confirmations and reminders of a consultation.

Registered with the outbox from ConsultationsConfig.ready(); written by
consultations.services and consultations.links.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy, gettext_noop

from reminders.kinds import (
    DAYS_AFTER,
    SET_ELSEWHERE,
    NotWanted,
    Timing,
    extend_kind,
    reason,
    reason_value,
    register_kind,
)
from reminders.models import Reminder, ReminderKind
from reminders.wording import money_text
from scheduling.messages import (
    APPOINTMENT_PLACEHOLDERS,
    appointment_of,
    appointment_values,
    require_upcoming,
)
from scheduling.models import ACTIVE_STATUSES, AppointmentKind

from .models import Consultation, Outcome, PatchReading, PatchTest, clinic_currency

# Why a message is not sent: kept in English on the reminder, shown to staff in their
# language (reminders.kinds.reason_shown).
CONSULTATION_GONE = reason(gettext_noop("The consultation no longer exists."))
FORMS_FILLED_IN = reason(gettext_noop("The forms are already filled in."))
ESTIMATE_INCOMPLETE = reason(
    gettext_noop("The estimate is not complete (sessions or price missing).")
)
NO_PATCH_TEST = reason(gettext_noop("There is no patch test to read."))
PATCH_TEST_READ = reason(gettext_noop("The patch test has already been read."))
PLAN_SESSION_BOOKED = reason(gettext_noop("A session of the plan is already booked."))
OUTCOME_NOW = reason(gettext_noop("The consultation's outcome is now “%(outcome)s”."))
# The outcome in English whatever language is active when the reason is written.
OUTCOME_WORDS = {
    Outcome.PENDING: reason_value("not decided yet", Outcome.PENDING.label),
    Outcome.PROCEED: reason_value("proceed", Outcome.PROCEED.label),
    Outcome.THINKING: reason_value("wants to think about it", Outcome.THINKING.label),
    Outcome.NOT_SUITABLE: reason_value("not suitable", Outcome.NOT_SUITABLE.label),
}

FORMS_PLACEHOLDER = {
    "forms_url": gettext_lazy("private link to the health questionnaire and consent forms")
}
CONSULTATION_KINDS = (AppointmentKind.CONSULTATION, AppointmentKind.VIDEO_CONSULTATION)


def forms_link_if_outstanding(consultation: Consultation | None, client) -> str:
    """The private forms link while forms are outstanding, else "" (the line is left out)."""
    if consultation is None:
        return ""
    from .consent import consent_outstanding
    from .links import forms_url
    from .questionnaire import latest_response

    # The same rule as consultations.links.forms_status, in fewer queries.
    outstanding = latest_response(client=client, consultation=consultation) is None or bool(
        consent_outstanding(client)
    )
    return forms_url(consultation) if outstanding else ""


def _consultation_of(appointment) -> Consultation | None:
    from scheduling.models import Appointment

    if Appointment.consultation.is_cached(appointment):
        # Loaded with the appointment (the dispatcher asks for it): no query.
        try:
            return appointment.consultation
        except Consultation.DoesNotExist:
            return None
    return Consultation.objects.filter(appointment=appointment).first()


def forms_on_appointment(reminder: Reminder, values: dict) -> dict[str, str]:
    """{forms_url} in a consultation's confirmation, move notice and reminders."""
    appointment = appointment_of(reminder)
    if appointment.type.kind not in CONSULTATION_KINDS:
        return {"forms_url": ""}
    consultation = reminder.consultation if reminder.consultation_id else None
    consultation = consultation or _consultation_of(appointment)
    return {"forms_url": forms_link_if_outstanding(consultation, reminder.client)}


def forms_values(reminder: Reminder, clinic) -> tuple[dict, tuple]:
    consultation = reminder.consultation if reminder.consultation_id else None
    if consultation is None:
        raise NotWanted(CONSULTATION_GONE)
    forms = forms_link_if_outstanding(consultation, reminder.client)
    if consultation.appointment_id is None:
        # Forms for a consultation not (or no longer) in the diary: just the link.
        if not forms:
            raise NotWanted(FORMS_FILLED_IN)
        artist = consultation.artist
        return {
            "forms_url": forms,
            "artist": artist.first_name if artist else "your practitioner",
        }, ()
    appointment = appointment_of(reminder, consultation.appointment_id)
    require_upcoming(appointment)
    if not forms:
        raise NotWanted(FORMS_FILLED_IN)
    return {**appointment_values(appointment, clinic), "forms_url": forms}, ()


def estimate_values(reminder: Reminder, clinic) -> tuple[dict, tuple]:
    from .services import estimate_totals

    consultation = (
        Consultation.objects.select_related("artist").filter(pk=reminder.consultation_id).first()
        if reminder.consultation_id
        else None
    )
    if consultation is None:
        raise NotWanted(CONSULTATION_GONE)
    totals = estimate_totals(consultation)
    if totals is None:
        raise NotWanted(ESTIMATE_INCOMPLETE)
    currency = totals.currency or clinic_currency()
    artist = consultation.artist
    return {
        "artist": artist.first_name if artist else "",
        "sessions": str(totals.sessions),
        "estimate_total": money_text(totals.total, currency),
        "price_per_session": money_text(totals.per_session, currency),
        "deposit": money_text(totals.deposit, currency) if totals.deposit else "",
        "currency": currency,
    }, ()


def patch_reading_values(reminder: Reminder, clinic) -> tuple[dict, tuple]:
    if not reminder.consultation_id:
        raise NotWanted(CONSULTATION_GONE)
    test = (
        PatchTest.objects.select_related("consultation__artist")
        .filter(consultation_id=reminder.consultation_id)
        .order_by("-applied_at", "-id")
        .first()
    )
    if test is None:
        raise NotWanted(NO_PATCH_TEST)
    if test.reading != PatchReading.PENDING:
        raise NotWanted(PATCH_TEST_READ)
    artist = test.consultation.artist
    return {
        "artist": artist.first_name if artist else clinic["clinic_name"],
        "pigment": test.pigment,
        "test_site": test.site,
    }, ()


def follow_up_values(reminder: Reminder, clinic) -> tuple[dict, tuple]:
    from sessions_app.models import TreatmentSession

    consultation = (
        Consultation.objects.select_related("artist", "plan")
        .filter(pk=reminder.consultation_id)
        .first()
        if reminder.consultation_id
        else None
    )
    if consultation is None:
        raise NotWanted(CONSULTATION_GONE)
    if consultation.outcome != Outcome.PROCEED:
        raise NotWanted(OUTCOME_NOW, outcome=OUTCOME_WORDS[consultation.outcome])
    plan_id = reminder.plan_id or consultation.plan_id
    if (
        plan_id
        and TreatmentSession.objects.filter(
            plan_id=plan_id, appointment__status__in=ACTIVE_STATUSES
        ).exists()
    ):
        raise NotWanted(PLAN_SESSION_BOOKED)
    artist = consultation.artist
    return {"artist": artist.first_name if artist else clinic["clinic_name"]}, ()


def register() -> None:
    import datetime as dt

    artist = {"artist": gettext_lazy("the artist's first name")}
    register_kind(
        ReminderKind.CONSULTATION_FORMS,
        label=gettext_lazy("Forms to fill before the consultation"),
        owner="consultations",
        service=True,
        placeholders={**APPOINTMENT_PLACEHOLDERS, **FORMS_PLACEHOLDER},
        values=forms_values,
        button=("forms_url", gettext_lazy("Fill in the forms")),
    )
    register_kind(
        ReminderKind.ESTIMATE,
        label=gettext_lazy("Cost estimate"),
        owner="consultations",
        service=True,
        placeholders={
            **artist,
            "sessions": gettext_lazy("the number of sessions estimated"),
            "estimate_total": gettext_lazy("the estimated total, e.g. £1,200.00"),
            "price_per_session": gettext_lazy("the price of one session"),
            "deposit": gettext_lazy("the deposit"),
            "currency": gettext_lazy("the currency code, e.g. GBP"),
        },
        values=estimate_values,
    )
    register_kind(
        ReminderKind.PATCH_TEST_READING,
        label=gettext_lazy("Patch test reading"),
        owner="consultations",
        placeholders={
            **artist,
            "pigment": gettext_lazy("the pigment tested"),
            "test_site": gettext_lazy("where the patch test was placed"),
        },
        values=patch_reading_values,
        timing=Timing(
            unit=SET_ELSEWHERE,
            elsewhere=gettext_lazy(
                "When the patch test is due to be read (consultation settings: hours "
                "from applying the test to reading it)"
            ),
        ),
    )
    register_kind(
        ReminderKind.CONSULTATION_FOLLOW_UP,
        label=gettext_lazy("Consultation follow-up"),
        owner="consultations",
        placeholders=artist,
        values=follow_up_values,
        timing=Timing(
            unit=DAYS_AFTER,
            anchor=gettext_lazy("the consultation's “go ahead” if no session is booked"),
            default=(7,),
            at=dt.time(10, 0),
            maximum=90,
        ),
    )
    for kind in (
        ReminderKind.BOOKING_CONFIRMATION,
        ReminderKind.APPOINTMENT_MOVED,
        ReminderKind.APPOINTMENT_REMINDER,
    ):
        extend_kind(kind, placeholders=FORMS_PLACEHOLDER, values=forms_on_appointment)
