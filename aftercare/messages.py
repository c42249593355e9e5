"""Aftercare's messages: each day's aftercare, the fade and final check-ins, the artist's
reply to a check-in, and the invitation to book the next session.

Registered with the outbox from AftercareConfig.ready(); written by
aftercare.services after a session is logged and when a check-in is reviewed.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy, gettext_noop

from reminders.kinds import (
    DAYS_AFTER,
    SET_ELSEWHERE,
    NotWanted,
    Timing,
    reason,
    reason_value,
    register_kind,
)
from reminders.models import Reminder, ReminderKind
from reminders.wording import number_in
from scheduling.models import ACTIVE_STATUSES
from sessions_app.messages import plan_of
from sessions_app.models import PlanStatus

from .models import AftercarePlan, CheckIn, CheckInStatus

# Why a message is not sent: kept in English on the reminder, shown to staff in their
# language (reminders.kinds.reason_shown).
CHECK_IN_GONE = reason(gettext_noop("The check-in no longer exists."))
CHECK_IN_SENT = reason(gettext_noop("The client has already sent this check-in."))
NO_REPLY = reason(gettext_noop("The check-in has no reply to send."))
STEP_NOT_NAMED = reason(gettext_noop("The aftercare step is not named."))
AFTERCARE_PLAN_GONE = reason(gettext_noop("The aftercare plan no longer exists."))
SESSION_GONE = reason(gettext_noop("The session to book no longer exists."))
NO_STEP_ON_DAY = reason(gettext_noop("No aftercare step starts on day %(day)s."))
PLAN_IS = reason(gettext_noop("The treatment plan is %(status)s."))
SESSION_ALREADY_BOOKED = reason(gettext_noop("Session %(number)s is already booked."))
PLAN_STATUS_WORDS = {
    status.value: reason_value(status.name.lower(), status.label) for status in PlanStatus
}

ARTIST = {"artist": gettext_lazy("the artist's first name")}
SESSION_NUMBER = {"session_number": gettext_lazy("the number of the session it is about")}
CHECK_IN_URL = {"check_in_url": gettext_lazy("private link to send the check-in photos")}


def check_in_of(reminder: Reminder) -> CheckIn:
    check_in_id = number_in(reminder.data, "check_in_id")
    check_in = (
        CheckIn.objects.select_related("session__plan__lead_artist", "reviewed_by")
        .filter(pk=check_in_id, client_id=reminder.client_id)
        .first()
        if check_in_id is not None
        else None
    )
    if check_in is None:
        raise NotWanted(CHECK_IN_GONE)
    return check_in


def check_in_values(reminder: Reminder, clinic) -> tuple[dict, tuple]:
    from .links import check_in_url

    check_in = check_in_of(reminder)
    if check_in.status != CheckInStatus.INVITED:
        raise NotWanted(CHECK_IN_SENT)
    return {
        "artist": check_in.session.plan.lead_artist.first_name,
        "check_in_url": check_in_url(check_in),
        "session_number": str(check_in.session.number),
    }, ()


def reply_values(reminder: Reminder, clinic) -> tuple[dict, tuple]:
    from .links import check_in_url

    check_in = check_in_of(reminder)
    if not check_in.reply.strip():
        raise NotWanted(NO_REPLY)
    artist = check_in.reviewed_by or check_in.session.plan.lead_artist
    return {
        "artist": artist.first_name,
        "reply": check_in.reply.strip(),
        "check_in_url": check_in_url(check_in),
        "session_number": str(check_in.session.number),
    }, ()


def aftercare_values(reminder: Reminder, clinic) -> tuple[dict, tuple]:
    plan_id = number_in(reminder.data, "aftercare_plan_id")
    day = number_in(reminder.data, "day")
    if plan_id is None or day is None:
        raise NotWanted(STEP_NOT_NAMED)
    plan = (
        AftercarePlan.objects.select_related("session")
        .filter(pk=plan_id, client_id=reminder.client_id)
        .first()
    )
    if plan is None:
        raise NotWanted(AFTERCARE_PLAN_GONE)
    steps = list(plan.steps.filter(day_from=day).order_by("id"))
    if not steps:
        raise NotWanted(NO_STEP_ON_DAY, day=day)
    return {
        "day": str(day),
        "aftercare_title": " · ".join(step.title for step in steps),
        "aftercare_text": "\n\n".join(step.body.strip() for step in steps),
        "session_number": str(plan.session.number),
    }, ()


def gap_invite_values(reminder: Reminder, clinic) -> tuple[dict, tuple]:
    plan = plan_of(reminder)
    if plan.status != PlanStatus.ACTIVE:
        raise NotWanted(PLAN_IS, status=PLAN_STATUS_WORDS[plan.status])
    session = plan.sessions.select_related("appointment").filter(pk=reminder.session_id).first()
    if session is None:
        raise NotWanted(SESSION_GONE)
    if session.appointment_id and session.appointment.status in ACTIVE_STATUSES:
        raise NotWanted(SESSION_ALREADY_BOOKED, number=session.number)
    return {
        "artist": plan.lead_artist.first_name,
        "session_number": str(max(session.number - 1, 1)),
        "next_session_number": str(session.number),
    }, ()


def register() -> None:
    ten = dt.time(10, 0)
    register_kind(
        ReminderKind.AFTERCARE,
        label=gettext_lazy("Aftercare"),
        owner="aftercare",
        placeholders={
            "day": gettext_lazy("days since the session"),
            "aftercare_title": gettext_lazy("the title of today's aftercare step"),
            "aftercare_text": gettext_lazy("the text of today's aftercare step(s)"),
            **SESSION_NUMBER,
        },
        values=aftercare_values,
        timing=Timing(
            unit=SET_ELSEWHERE,
            elsewhere=gettext_lazy(
                "On the first day of each aftercare step marked to be sent (aftercare instructions)"
            ),
            at=dt.time(9, 0),
        ),
    )
    for slug, label, days in (
        (ReminderKind.FADE_CHECK_IN, gettext_lazy("Fade check-in"), 10),
        (ReminderKind.FINAL_CHECK_IN, gettext_lazy("Final check-in (pigment settled)"), 32),
    ):
        register_kind(
            slug,
            label=label,
            owner="aftercare",
            placeholders={**ARTIST, **CHECK_IN_URL, **SESSION_NUMBER},
            values=check_in_values,
            timing=Timing(
                unit=DAYS_AFTER,
                anchor=gettext_lazy("the session"),
                default=(days,),
                at=ten,
                maximum=120,
            ),
            button=("check_in_url", gettext_lazy("Send my check-in")),
        )
    register_kind(
        ReminderKind.CHECK_IN_REPLY,
        label=gettext_lazy("Artist's reply to a check-in"),
        owner="aftercare",
        service=True,
        placeholders={
            **ARTIST,
            "reply": gettext_lazy("the artist's reply"),
            **CHECK_IN_URL,
            **SESSION_NUMBER,
        },
        values=reply_values,
        button=("check_in_url", gettext_lazy("See my check-in")),
    )
    register_kind(
        ReminderKind.GAP_INVITE,
        label=gettext_lazy("Invitation to book the next session"),
        owner="aftercare",
        placeholders={
            **ARTIST,
            **SESSION_NUMBER,
            "next_session_number": gettext_lazy("the number of the session to book next"),
        },
        values=gap_invite_values,
        timing=Timing(
            unit=DAYS_AFTER,
            anchor=gettext_lazy("the session, if the next one is not booked"),
            default=(7,),
            at=ten,
            maximum=120,
        ),
    )
