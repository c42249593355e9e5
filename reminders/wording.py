"""What a message to a client says.

The clinic writes the wording of each kind of message (`MessageTemplate`), with
placeholders such as {first_name}. The placeholders each kind may use are listed
in ALLOWED_PLACEHOLDERS and checked when a template is saved, so a typo is
refused at the desk, not discovered when the message goes out.

`compose(reminder)` is what the dispatcher calls: it gathers the values for the
reminder's kind (the client's name, the appointment time in the clinic's zone,
private links), renders the clinic's wording and returns the email (text, HTML,
attachments) and the SMS. When the message no longer makes sense (the
appointment was cancelled, the check-in already sent, the template switched
off) it raises NotWanted with the reason staff see in the reminders list.

Values are always plain strings and templates are rendered with
`str.format_map`; attribute access, indexing, conversions and format specs are
refused when saved and dropped when sending, so a template can never reach
into an object or build a huge string.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import string
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import import_module
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from .models import MessageTemplate, Reminder, ReminderKind

SMS_MAX = 480


@dataclass(frozen=True)
class Composed:
    subject: str  # email subject, one line
    text: str  # plain-text email body
    html: str  # HTML email body
    sms: str  # SMS text (<= 480 chars)
    attachments: tuple[tuple[str, str, str], ...] = ()  # (filename, content, mimetype)


class NotWanted(Exception):
    """The message should not go out any more; str(exc) is the reason shown to staff."""


# --- placeholders -------------------------------------------------------------------------

COMMON = frozenset({"first_name", "clinic_name", "clinic_phone"})
APPOINTMENT = frozenset({"when", "appointment_type", "artist", "place", "manage_url"})

ALLOWED_PLACEHOLDERS: dict[str, frozenset[str]] = {
    ReminderKind.BOOKING_CONFIRMATION: COMMON | APPOINTMENT | {"forms_url"},
    ReminderKind.APPOINTMENT_MOVED: COMMON | APPOINTMENT | {"previous_when", "forms_url"},
    ReminderKind.APPOINTMENT_CANCELLED: COMMON
    | {"when", "appointment_type", "artist", "reason", "book_url"},
    ReminderKind.CONSULTATION_FORMS: COMMON | APPOINTMENT | {"forms_url"},
    ReminderKind.ESTIMATE: COMMON
    | {"artist", "sessions", "estimate_total", "deposit", "currency", "price_per_session"},
    ReminderKind.CHECK_IN_REPLY: COMMON | {"artist", "reply", "check_in_url", "session_number"},
    ReminderKind.APPOINTMENT_REMINDER: COMMON | APPOINTMENT | {"confirm_url", "forms_url"},
    ReminderKind.GAP_INVITE: COMMON | {"artist", "session_number", "next_session_number"},
    ReminderKind.FADE_CHECK_IN: COMMON | {"artist", "check_in_url", "session_number"},
    ReminderKind.FINAL_CHECK_IN: COMMON | {"artist", "check_in_url", "session_number"},
    ReminderKind.AFTERCARE: COMMON | {"day", "aftercare_title", "aftercare_text", "session_number"},
    ReminderKind.PATCH_TEST_READING: COMMON | {"artist", "pigment", "test_site"},
    ReminderKind.CONSULTATION_FOLLOW_UP: COMMON | {"artist"},
    ReminderKind.TOUCH_UP_RECALL: COMMON | {"artist"},
}

PLACEHOLDER_HELP = {
    "first_name": "the client's first name",
    "clinic_name": "the clinic's name",
    "clinic_phone": "the clinic's phone number",
    "when": 'the appointment time, e.g. "Tuesday 3 March at 10:15"',
    "previous_when": "the time the appointment had before it moved",
    "appointment_type": "e.g. Consultation, Treatment session",
    "artist": "the artist's first name",
    "place": "the clinic's address and room, or the video call link",
    "manage_url": "private link to change or cancel the appointment",
    "confirm_url": "private link to confirm the appointment",
    "forms_url": "private link to the health questionnaire and consent forms",
    "book_url": "link to book online",
    "reason": "why the appointment was cancelled",
    "check_in_url": "private link to send the check-in photos",
    "session_number": "the number of the session it is about",
    "next_session_number": "the number of the session to book next",
    "aftercare_title": "the title of today's aftercare step",
    "aftercare_text": "the text of today's aftercare step(s)",
    "day": "days since the session",
    "sessions": "the number of sessions estimated",
    "estimate_total": "the estimated total, e.g. £1,200.00",
    "price_per_session": "the price of one session",
    "deposit": "the deposit",
    "currency": "the currency code, e.g. GBP",
    "reply": "the artist's reply",
    "pigment": "the pigment tested",
    "test_site": "where the patch test was placed",
}

# The one link a kind of message is about: shown as a button in the HTML email.
BUTTONS = {
    ReminderKind.BOOKING_CONFIRMATION: ("manage_url", "Change or cancel"),
    ReminderKind.APPOINTMENT_MOVED: ("manage_url", "See or change the appointment"),
    ReminderKind.APPOINTMENT_CANCELLED: ("book_url", "Book a new time"),
    ReminderKind.CONSULTATION_FORMS: ("forms_url", "Fill in the forms"),
    ReminderKind.APPOINTMENT_REMINDER: ("confirm_url", "Confirm my appointment"),
    ReminderKind.FADE_CHECK_IN: ("check_in_url", "Send my check-in"),
    ReminderKind.FINAL_CHECK_IN: ("check_in_url", "Send my check-in"),
    ReminderKind.CHECK_IN_REPLY: ("check_in_url", "See my check-in"),
}

ICS_KINDS = frozenset(
    {
        ReminderKind.BOOKING_CONFIRMATION,
        ReminderKind.APPOINTMENT_MOVED,
        ReminderKind.APPOINTMENT_REMINDER,
    }
)


def _fields(text: str) -> list[tuple[str, str | None, str | None]]:
    """(field name, format spec, conversion) of each placeholder; ValueError when malformed."""
    return [
        (name, spec, conversion)
        for _literal, name, spec, conversion in string.Formatter().parse(text)
        if name is not None
    ]


def template_problems(kind: str, text: str) -> list[str]:
    """What is wrong with the placeholders of one text (empty when nothing)."""
    try:
        fields = _fields(text)
    except ValueError:
        return [
            "A curly bracket is not closed (or opened): placeholders look like {first_name}; "
            "write {{ or }} for a bracket on its own."
        ]
    allowed = ALLOWED_PLACEHOLDERS.get(kind, COMMON)
    problems, unknown = [], []
    for name, spec, conversion in fields:
        if name == "":
            problems.append("An empty placeholder {} must name a value, e.g. {first_name}.")
        elif not name.isidentifier() or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "")
            shown += (f":{spec}" if spec else "") + "}"
            problems.append(
                f"{shown} is not a placeholder: write just the name in brackets, e.g. "
                "{first_name}."
            )
        elif name not in allowed and name not in unknown:
            unknown.append(name)
    if unknown:
        listed = ", ".join("{" + name + "}" for name in unknown)
        noun = "placeholder" if len(unknown) == 1 else "placeholders"
        available = ", ".join("{" + name + "}" for name in sorted(allowed))
        problems.append(f"Unknown {noun} {listed}. This message can use: {available}.")
    return problems


def validate_template(kind: str, subject: str, email_text: str, sms_text: str) -> None:
    """Refuse unknown or malformed placeholders, keyed by field: checked when saved."""
    errors = {}
    for field, text in (("subject", subject), ("email_text", email_text), ("sms_text", sms_text)):
        problems = template_problems(kind, text or "")
        if problems:
            errors[field] = problems
    if errors:
        raise ValidationError(errors)


class _Values(dict):
    def __missing__(self, key):
        # Only reachable for a template saved before its placeholder was withdrawn.
        return ""


def render(text: str, values: dict[str, str]) -> str:
    """The text with its placeholders filled in; anything but a plain {name} is left out.

    A line whose placeholders are all empty is left out too, so "Your forms:
    {forms_url}" disappears when there are no forms to fill in.
    """
    lines = []
    for line in text.splitlines():
        try:
            parsed = list(string.Formatter().parse(line))
        except ValueError:
            lines.append(line)  # refused when saved; an old malformed line goes as written
            continue
        safe, names = [], []
        for literal, name, spec, conversion in parsed:
            safe.append(literal.replace("{", "{{").replace("}", "}}"))
            if name is not None and name.isidentifier() and not spec and not conversion:
                safe.append("{" + name + "}")
                names.append(name)
        if names and not any(str(values.get(name, "")).strip() for name in names):
            continue
        lines.append("".join(safe).format_map(_Values(values)))
    return "\n".join(lines)


# --- values -------------------------------------------------------------------------------


def _zone():
    from smpclinic.clinic import clinic_zone

    return clinic_zone()


def when_text(moment: dt.datetime) -> str:
    """e.g. "Tuesday 3 March at 10:15", in the clinic's zone."""
    local = moment.astimezone(_zone())
    return f"{local:%A} {local.day} {local:%B} at {local:%H:%M}"


def site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def _money(amount, currency: str) -> str:
    if amount in (None, ""):
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    symbol = {"GBP": "£", "EUR": "€", "USD": "$", "AUD": "A$", "CAD": "C$"}.get(currency)
    return f"{symbol}{value:,.2f}" if symbol else f"{value:,.2f} {currency}"


def _clinic() -> dict[str, str]:
    from smpclinic.clinic import clinic_context

    return {key: str(value or "") for key, value in clinic_context().items()}


def _place(appointment, clinic: dict[str, str]) -> str:
    if appointment.type.is_video:
        return appointment.meeting_link or "Video call (we will send you the link before it starts)"
    place = clinic["clinic_name"]
    if clinic.get("clinic_address"):
        place += f", {clinic['clinic_address']}"
    if appointment.room_id:
        place += f" ({appointment.room.name})"
    return place


def _appointment(reminder: Reminder):
    from scheduling.models import Appointment

    if reminder.appointment_id and Reminder.appointment.is_cached(reminder):
        # The dispatcher loads the appointment with its type, artist and room.
        return reminder.appointment
    pk = reminder.appointment_id
    if pk is None and reminder.consultation_id:
        pk = reminder.consultation.appointment_id
    appointment = (
        Appointment.objects.select_related("type", "artist", "room").filter(pk=pk).first()
        if pk
        else None
    )
    if appointment is None:
        raise NotWanted("The appointment no longer exists.")
    return appointment


def _forms_url(consultation, client) -> str:
    """The private forms link while forms are outstanding, else "" (the line is left out)."""
    if consultation is None:
        return ""
    from consultations.consent import consent_outstanding
    from consultations.links import forms_url
    from consultations.questionnaire import latest_response

    # The same rule as consultations.links.forms_status, in fewer queries.
    outstanding = latest_response(client=client, consultation=consultation) is None or bool(
        consent_outstanding(client)
    )
    return forms_url(consultation) if outstanding else ""


def _appointment_values(reminder: Reminder, clinic: dict[str, str]) -> tuple[dict, object]:
    from scheduling.tokens import manage_token_for

    appointment = _appointment(reminder)
    values = {
        "when": when_text(appointment.starts_at),
        "appointment_type": appointment.type.name,
        "artist": appointment.artist.first_name,
        "place": _place(appointment, clinic),
        "manage_url": site_url(reverse("booking:manage", args=[manage_token_for(appointment)])),
    }
    return values, appointment


def _consultation_of(appointment):
    from consultations.models import Consultation
    from scheduling.models import Appointment

    if Appointment.consultation.is_cached(appointment):
        # Loaded with the appointment (the dispatcher asks for it): no query.
        try:
            return appointment.consultation
        except Consultation.DoesNotExist:
            return None
    return Consultation.objects.filter(appointment=appointment).first()


def _require_upcoming(appointment, what: str = "appointment") -> None:
    from scheduling.models import AppointmentStatus

    if appointment.status == AppointmentStatus.CANCELLED:
        raise NotWanted(f"The {what} was cancelled.")
    if appointment.starts_at <= timezone.now():
        raise NotWanted(f"The {what} has already started or passed.")
    if not appointment.is_active:
        raise NotWanted(f"The {what} is {appointment.get_status_display().lower()}.")


def _ics(appointment, manage_url: str) -> tuple[str, str, str]:
    from scheduling.ics import client_calendar

    calendar = client_calendar(appointment, host=_site_host(), manage_url=manage_url)
    return (
        f"{appointment.type.slug}.ics",
        calendar.to_ical().decode(),
        "text/calendar; method=PUBLISH",
    )


def _int(value) -> int | None:
    """An id or day number from a reminder's data (JSON), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _check_in(reminder: Reminder):
    from aftercare.models import CheckIn

    check_in_id = _int((reminder.data or {}).get("check_in_id"))
    check_in = (
        CheckIn.objects.select_related("session__plan__lead_artist", "reviewed_by")
        .filter(pk=check_in_id, client_id=reminder.client_id)
        .first()
        if check_in_id is not None
        else None
    )
    if check_in is None:
        raise NotWanted("The check-in no longer exists.")
    return check_in


def _check_in_url(check_in) -> str:
    from aftercare.links import check_in_url

    return check_in_url(check_in)


def _plan(reminder: Reminder):
    from sessions_app.models import TreatmentPlan

    plan = (
        TreatmentPlan.objects.select_related("lead_artist").filter(pk=reminder.plan_id).first()
        if reminder.plan_id
        else None
    )
    if plan is None:
        raise NotWanted("The treatment plan no longer exists.")
    return plan


def _values_for(reminder: Reminder, clinic: dict[str, str]) -> tuple[dict, tuple]:
    """The placeholder values of this reminder's kind, and its attachments."""
    from aftercare.models import CheckInStatus
    from consultations.models import Outcome, PatchReading
    from scheduling.models import ACTIVE_STATUSES, AppointmentKind, AppointmentStatus
    from sessions_app.models import PlanStatus

    kind = reminder.kind
    data = reminder.data or {}

    if kind == ReminderKind.CONSULTATION_FORMS and not reminder.consultation_id:
        raise NotWanted("The consultation no longer exists.")
    if kind == ReminderKind.CONSULTATION_FORMS and reminder.consultation.appointment_id is None:
        # Forms for a consultation not (or no longer) in the diary: just the link.
        forms = _forms_url(reminder.consultation, reminder.client)
        if not forms:
            raise NotWanted("The forms are already filled in.")
        artist = reminder.consultation.artist
        return {
            "forms_url": forms,
            "artist": artist.first_name if artist else "your practitioner",
        }, ()

    if kind in (
        ReminderKind.BOOKING_CONFIRMATION,
        ReminderKind.APPOINTMENT_MOVED,
        ReminderKind.APPOINTMENT_REMINDER,
        ReminderKind.CONSULTATION_FORMS,
    ):
        values, appointment = _appointment_values(reminder, clinic)
        _require_upcoming(appointment)
        values["forms_url"] = ""
        if appointment.type.kind in (
            AppointmentKind.CONSULTATION,
            AppointmentKind.VIDEO_CONSULTATION,
        ):
            consultation = (
                reminder.consultation if reminder.consultation_id else _consultation_of(appointment)
            )
            values["forms_url"] = _forms_url(consultation, reminder.client)
        if kind == ReminderKind.CONSULTATION_FORMS and not values["forms_url"]:
            raise NotWanted("The forms are already filled in.")
        if kind == ReminderKind.APPOINTMENT_MOVED:
            moved_from = data.get("moved_from")
            try:
                values["previous_when"] = when_text(dt.datetime.fromisoformat(moved_from))
            except (TypeError, ValueError):
                values["previous_when"] = ""
        if kind == ReminderKind.APPOINTMENT_REMINDER:
            from scheduling.confirm_tokens import confirm_token_for

            values["confirm_url"] = (
                site_url(reverse("confirm:appointment", args=[confirm_token_for(appointment)]))
                if appointment.status == AppointmentStatus.BOOKED
                else ""
            )
        attachments = ()
        if kind in ICS_KINDS:
            attachments = (_ics(appointment, values["manage_url"]),)
        return values, attachments

    if kind == ReminderKind.APPOINTMENT_CANCELLED:
        appointment = _appointment(reminder)
        if appointment.status != AppointmentStatus.CANCELLED:
            raise NotWanted("The appointment is no longer cancelled.")
        if appointment.starts_at <= timezone.now():
            raise NotWanted("The appointment's time has passed.")
        return {
            "when": when_text(appointment.starts_at),
            "appointment_type": appointment.type.name,
            "artist": appointment.artist.first_name,
            "reason": str(data.get("reason") or appointment.cancellation_reason or ""),
            "book_url": site_url(reverse("booking:start")),
        }, ()

    if kind == ReminderKind.ESTIMATE:
        return _estimate_values(reminder), ()

    if kind in (ReminderKind.FADE_CHECK_IN, ReminderKind.FINAL_CHECK_IN):
        check_in = _check_in(reminder)
        if check_in.status != CheckInStatus.INVITED:
            raise NotWanted("The client has already sent this check-in.")
        return {
            "artist": check_in.session.plan.lead_artist.first_name,
            "check_in_url": _check_in_url(check_in),
            "session_number": str(check_in.session.number),
        }, ()

    if kind == ReminderKind.CHECK_IN_REPLY:
        check_in = _check_in(reminder)
        if not check_in.reply.strip():
            raise NotWanted("The check-in has no reply to send.")
        artist = check_in.reviewed_by or check_in.session.plan.lead_artist
        return {
            "artist": artist.first_name,
            "reply": check_in.reply.strip(),
            "check_in_url": _check_in_url(check_in),
            "session_number": str(check_in.session.number),
        }, ()

    if kind == ReminderKind.AFTERCARE:
        return _aftercare_values(reminder), ()

    if kind == ReminderKind.GAP_INVITE:
        plan = _plan(reminder)
        if plan.status != PlanStatus.ACTIVE:
            raise NotWanted(f"The treatment plan is {plan.get_status_display().lower()}.")
        session = plan.sessions.select_related("appointment").filter(pk=reminder.session_id).first()
        if session is None:
            raise NotWanted("The session to book no longer exists.")
        if session.appointment_id and session.appointment.status in ACTIVE_STATUSES:
            raise NotWanted(f"Session {session.number} is already booked.")
        return {
            "artist": plan.lead_artist.first_name,
            "session_number": str(max(session.number - 1, 1)),
            "next_session_number": str(session.number),
        }, ()

    if kind == ReminderKind.PATCH_TEST_READING:
        if not reminder.consultation_id:
            raise NotWanted("The consultation no longer exists.")
        from consultations.models import PatchTest

        test = (
            PatchTest.objects.select_related("consultation__artist")
            .filter(consultation_id=reminder.consultation_id)
            .order_by("-applied_at", "-id")
            .first()
        )
        if test is None:
            raise NotWanted("There is no patch test to read.")
        if test.reading != PatchReading.PENDING:
            raise NotWanted("The patch test has already been read.")
        artist = test.consultation.artist
        return {
            "artist": artist.first_name if artist else clinic["clinic_name"],
            "pigment": test.pigment,
            "test_site": test.site,
        }, ()

    if kind == ReminderKind.CONSULTATION_FOLLOW_UP:
        from consultations.models import Consultation

        consultation = (
            Consultation.objects.select_related("artist", "plan")
            .filter(pk=reminder.consultation_id)
            .first()
            if reminder.consultation_id
            else None
        )
        if consultation is None:
            raise NotWanted("The consultation no longer exists.")
        if consultation.outcome != Outcome.PROCEED:
            raise NotWanted(
                f"The consultation's outcome is now “{consultation.get_outcome_display().lower()}”."
            )
        plan_id = reminder.plan_id or consultation.plan_id
        if plan_id:
            from sessions_app.models import TreatmentSession

            if TreatmentSession.objects.filter(
                plan_id=plan_id, appointment__status__in=ACTIVE_STATUSES
            ).exists():
                raise NotWanted("A session of the plan is already booked.")
        artist = consultation.artist
        return {"artist": artist.first_name if artist else clinic["clinic_name"]}, ()

    if kind == ReminderKind.TOUCH_UP_RECALL:
        from scheduling.models import Appointment
        from sessions_app.models import TreatmentPlan

        plan = _plan(reminder)
        if TreatmentPlan.objects.filter(
            client_id=plan.client_id, status=PlanStatus.ACTIVE, created_at__gt=plan.created_at
        ).exists():
            raise NotWanted("The client has started a newer treatment plan.")
        if Appointment.objects.filter(
            client_id=plan.client_id,
            type__kind=AppointmentKind.TOUCH_UP,
            status__in=ACTIVE_STATUSES,
            starts_at__gt=timezone.now(),
        ).exists():
            raise NotWanted("The client already has a touch-up booked.")
        return {"artist": plan.lead_artist.first_name}, ()

    raise NotWanted(f"No wording for messages of kind “{kind}”.")


def _estimate_values(reminder: Reminder) -> dict[str, str]:
    from consultations.models import Consultation
    from consultations.services import estimate_totals

    consultation = (
        Consultation.objects.select_related("artist").filter(pk=reminder.consultation_id).first()
        if reminder.consultation_id
        else None
    )
    if consultation is None:
        raise NotWanted("The consultation no longer exists.")
    totals = estimate_totals(consultation)
    if totals is None:
        raise NotWanted("The estimate is not complete (sessions or price missing).")
    currency = totals.currency or "GBP"
    artist = consultation.artist
    return {
        "artist": artist.first_name if artist else "",
        "sessions": str(totals.sessions),
        "estimate_total": _money(totals.total, currency),
        "price_per_session": _money(totals.per_session, currency),
        "deposit": _money(totals.deposit, currency) if totals.deposit else "",
        "currency": currency,
    }


def _aftercare_values(reminder: Reminder) -> dict[str, str]:
    from aftercare.models import AftercarePlan

    data = reminder.data or {}
    plan_id, day = _int(data.get("aftercare_plan_id")), _int(data.get("day"))
    if plan_id is None or day is None:
        raise NotWanted("The aftercare step is not named.")
    plan = (
        AftercarePlan.objects.select_related("session")
        .filter(pk=plan_id, client_id=reminder.client_id)
        .first()
    )
    if plan is None:
        raise NotWanted("The aftercare plan no longer exists.")
    steps = list(plan.steps.filter(day_from=day).order_by("id"))
    if not steps:
        raise NotWanted(f"No aftercare step starts on day {day}.")
    return {
        "day": str(day),
        "aftercare_title": " · ".join(step.title for step in steps),
        "aftercare_text": "\n\n".join(step.body.strip() for step in steps),
        "session_number": str(plan.session.number),
    }


# --- composing ----------------------------------------------------------------------------


_LINK = re.compile(r"https?://[^\s<>\"']+")


def html_paragraphs(text: str) -> str:
    """Plain text as safe HTML paragraphs, its web addresses as links.

    The text is the clinic's wording with the values filled in: everything is escaped
    first, then the addresses (which escaping leaves intact) become links. Far cheaper
    than the urlize filter, which matters at hundreds of messages a second.
    """
    paragraphs = []
    for block in re.split(r"\n{2,}", text.strip()):
        if not block.strip():
            continue
        escaped = html.escape(block.strip(), quote=True)
        linked = _LINK.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
        paragraphs.append("<p>" + linked.replace("\n", "<br>") + "</p>")
    return mark_safe("\n".join(paragraphs))  # noqa: S308 - built from escaped text above


def shipped_template(kind: str) -> MessageTemplate | None:
    """The wording the product ships for a kind (migration 0003), unsaved: used when the
    clinic's row is missing, so a deleted template never silently stops a message."""
    defaults = import_module("reminders.migrations.0003_default_message_templates").DEFAULTS
    wording = defaults.get(kind)
    return MessageTemplate(kind=kind, enabled=True, **wording) if wording else None


def compose(reminder: Reminder, templates: dict[str, MessageTemplate] | None = None) -> Composed:
    """The message this reminder sends, in the clinic's wording; NotWanted when it should not go.

    `templates` (kind → MessageTemplate) lets the dispatcher read the wording once per
    run instead of once per message.
    """
    if templates is not None:
        template = templates.get(reminder.kind)
    else:
        template = MessageTemplate.objects.filter(kind=reminder.kind).first()
    template = template or shipped_template(reminder.kind)
    if template is None:
        raise NotWanted("The clinic has no wording for this kind of message.")
    if not template.enabled:
        raise NotWanted("switched off by the clinic")
    client = reminder.client
    if client is None:
        raise NotWanted("The client no longer exists.")
    clinic = _clinic()
    values, attachments = _values_for(reminder, clinic)
    values = {
        "first_name": client.first_name,
        "clinic_name": clinic["clinic_name"],
        "clinic_phone": clinic["clinic_phone"],
        **{key: str(value) for key, value in values.items()},
    }
    subject = " ".join(render(template.subject, values).split())
    body = render(template.email_text, values).strip()
    sms = render(template.sms_text, values).strip()
    if len(sms) > SMS_MAX:
        sms = sms[: SMS_MAX - 1].rstrip() + "…"
    button = None
    if reminder.kind in BUTTONS:
        key, label = BUTTONS[reminder.kind]
        if values.get(key):
            button = {"url": values[key], "label": label}
    # In the HTML email the button follows the paragraph that carries its link.
    body_before, body_after = body, ""
    if button and button["url"] in body:
        end = body.find("\n\n", body.index(button["url"]))
        if end != -1:
            body_before, body_after = body[:end], body[end:].strip()
    context = {
        "subject": subject,
        "body": body,
        "body_before": html_paragraphs(body_before),
        "body_after": html_paragraphs(body_after),
        "button": button,
        "has_calendar": bool(attachments),
        **clinic,
    }
    return Composed(
        subject=subject,
        text=render_to_string("email/reminder.txt", context).strip() + "\n",
        html=render_to_string("email/reminder.html", context),
        sms=sms,
        attachments=tuple(attachments),
    )
