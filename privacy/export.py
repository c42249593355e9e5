"""Everything the clinic holds about one client, as a zip file (a subject access request).

The zip holds JSON files per area, the client's photos and a README.txt. What
goes in, and why:

- The whole health record, including the artists' clinical notes (session logs,
  plan notes, consultation assessment, review notes) whether or not they were
  marked as shared with the client: the right of access covers a person's
  health record, not only the parts shown in the portal.
- Every photo of the client, shared or not, as the web-size copy the clinic
  stores (stripped of metadata when it was uploaded).
- Messages actually sent to the client (kind, channel, when, to which address, what
  the provider reported), any block on an address of theirs that bounced, and the
  text messages the client sent the clinic (their own words, and what was done).
- Staff appear by name only (who treated, who reviewed); nothing about any
  other client is read: every query is filtered on this client.

The file is built in a spooled temporary file, so a large photo set goes to
disk instead of memory, and with a fixed number of queries whatever the amount
of data.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from typing import IO, Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, Prefetch
from django.utils import timezone

from aftercare.models import AftercarePlan, CheckIn
from billing.models import Deposit, LedgerEntry
from clients.models import Client
from consultations.models import (
    Answer,
    ConsentSignature,
    Consultation,
    QuestionnaireResponse,
)
from photos.models import Photo
from reminders.models import InboundMessage, Reminder, ReminderStatus
from reminders.selectors import client_email_suppressions, inbound_from
from scheduling.models import Appointment
from sessions_app.models import SessionLog, TreatmentPlan, TreatmentSession
from smpclinic import formats
from waitlist.models import Offer, WaitlistEntry

# Kept in memory up to this size, then on disk.
SPOOL_MAX_BYTES = 8 * 1024 * 1024
# Internal bookkeeping that says nothing about the client.
_SKIP_FIELDS = {"search_text", "claim_token", "lease_expires_at", "attempts", "last_error"}

README = """\
Your data held by {clinic}
Exported on {when}

This archive holds everything {clinic} keeps about you: your own records and
the clinic's notes about your treatment.

client.json          Your details: name, contact details, preferences, notes.
appointments.json    Every appointment booked for you, past and future, with its
                     status and any cancellation reason.
consultations.json   Your consultation records (scalp assessment, pigment chosen,
                     patch tests, hairline designs, cost estimate), your health
                     questionnaires with each question exactly as you read it,
                     and the consent forms you signed, with the full text you were
                     shown and its SHA-256 fingerprint.
treatment.json       Your treatment plans, sessions and session logs, including
                     the artists' clinical notes (what was done, pigment, needles,
                     skin reaction) and how each region healed.
aftercare.json       The aftercare instructions you were given after each session,
                     and your check-ins with your answers and the clinic's replies.
account.json         Your account with the clinic: every charge, payment, refund
                     and credit, with receipt numbers, and the deposits held for
                     your appointments with the cancellation policy you accepted.
waitlist.json        When you asked for a sooner time: what for, the days and hours
                     that suit you, and each time offered to you and what became
                     of it.
reminders.json       The messages the clinic sent you: which kind, by email or
                     SMS, when, to which address and whether it was delivered;
                     any address of yours the clinic stopped emailing because
                     mail to it bounced or was marked as spam; and the
                     text messages you sent the clinic, with what was done about
                     each (an appointment confirmed, texts stopped).
photos.json          A list of your photos: when and why each was taken.
photos/              The photos themselves (web-size copies; the clinic does not
                     keep the original files or their location data).

Dates and times are in UTC (ISO 8601). Identifiers ("id") are the clinic's own
reference numbers; quote them if you ask the clinic about a record.
"""


def _choices_display(obj: Model, field) -> str | None:
    if field.choices:
        return getattr(obj, f"get_{field.name}_display")()
    return None


def _row(obj: Model, *, skip: Iterable[str] = ()) -> dict[str, Any]:
    """The stored values of a row: foreign keys as ids, choices with their wording."""
    skipped = _SKIP_FIELDS | set(skip)
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in skipped:
            continue
        value = getattr(obj, field.attname)
        if field.name in ("image", "thumbnail"):
            continue
        if hasattr(value, "as_e164"):  # phone numbers
            value = value.as_e164
        data[field.attname] = value
        display = _choices_display(obj, field)
        if display is not None and display != value:
            data[f"{field.name}_label"] = display
    return data


def _person(user) -> str | None:
    return user.get_full_name() if user is not None else None


# --- reading the records (a fixed number of queries) --------------------------------------


def _consultations(client: Client) -> dict[str, Any]:
    consultations = (
        Consultation.objects.filter(client=client)
        .select_related("artist", "reviewed_by")
        .prefetch_related("patch_tests", "hairline_designs", "reference_photos")
        .order_by("created_at", "id")
    )
    responses = (
        QuestionnaireResponse.objects.filter(client=client)
        .select_related("version")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.order_by("id")))
        .order_by("submitted_at", "id")
    )
    signatures = (
        ConsentSignature.objects.filter(client=client)
        .select_related("version__template")
        .order_by("signed_at", "id")
    )
    records = []
    for consultation in consultations:
        record = _row(consultation)
        record["artist_name"] = _person(consultation.artist)
        record["reviewed_by_name"] = _person(consultation.reviewed_by)
        record["estimate"] = {
            "estimated_sessions": consultation.estimated_sessions,
            "pricing_mode": consultation.get_pricing_mode_display(),
            "price_per_session": consultation.price_per_session,
            "package_price": consultation.package_price,
            "deposit": consultation.deposit,
            "currency": consultation.currency,
            "sent_at": consultation.estimate_sent_at,
        }
        record["patch_tests"] = [_row(test) for test in consultation.patch_tests.all()]
        record["hairline_designs"] = [_row(d) for d in consultation.hairline_designs.all()]
        record["reference_photos"] = [_row(r) for r in consultation.reference_photos.all()]
        records.append(record)
    return {
        "consultations": records,
        "questionnaire_responses": [
            {
                **_row(response),
                "questionnaire": str(response.version),
                "answers": [
                    {
                        "question": answer.question_text,
                        "answer": answer.display,
                        "details": answer.details,
                        "needed_review": answer.flags_contraindication,
                    }
                    for answer in response.answers.all()
                ],
            }
            for response in responses
        ],
        "consent_signatures": [
            {
                **_row(signature),
                "form": signature.version.template.name,
                "form_version": signature.version.number,
            }
            for signature in signatures
        ],
    }


def _treatment(client: Client) -> dict[str, Any]:
    sessions = TreatmentSession.objects.select_related("log__artist").prefetch_related(
        "log__regions", "healing"
    )
    plans = (
        TreatmentPlan.objects.filter(client=client)
        .select_related("lead_artist")
        .prefetch_related(Prefetch("sessions", queryset=sessions.order_by("number")))
        .order_by("created_at", "id")
    )
    out = []
    for plan in plans:
        record = _row(plan)
        record["lead_artist_name"] = _person(plan.lead_artist)
        record["sessions"] = []
        for session in plan.sessions.all():
            item = _row(session)
            log: SessionLog | None = getattr(session, "log", None)
            if log is not None:
                item["log"] = {
                    **_row(log),
                    "artist_name": _person(log.artist),
                    "regions_treated": [
                        {"region": r.get_region_display(), "density": r.density}
                        for r in log.regions.all()
                    ],
                }
            else:
                item["log"] = None
            item["healing"] = [
                {
                    "region": h.get_region_display(),
                    "status": h.get_status_display(),
                    "note": h.note,
                    "assessed_at": h.assessed_at,
                }
                for h in session.healing.all()
            ]
            record["sessions"].append(item)
        out.append(record)
    return {"treatment_plans": out}


def _aftercare(client: Client) -> dict[str, Any]:
    plans = (
        AftercarePlan.objects.filter(client=client)
        .prefetch_related("steps")
        .order_by("starts_on", "id")
    )
    check_ins = (
        CheckIn.objects.filter(client=client)
        .select_related("reviewed_by")
        .prefetch_related(Prefetch("photos", queryset=Photo.objects.only("id")))
        .order_by("created_at", "id")
    )
    return {
        "aftercare_plans": [
            {**_row(plan), "steps": [_row(step) for step in plan.steps.all()]} for plan in plans
        ],
        "check_ins": [
            {
                **_row(check_in),
                "reviewed_by_name": _person(check_in.reviewed_by),
                "photo_ids": [photo.id for photo in check_in.photos.all()],
            }
            for check_in in check_ins
        ],
    }


def _appointments(client: Client) -> dict[str, Any]:
    appointments = (
        Appointment.objects.filter(client=client)
        .select_related("type", "artist", "room")
        .order_by("starts_at", "id")
    )
    return {
        "appointments": [
            {
                **_row(a, skip=("blocked_until",)),
                "type_name": a.type.name,
                "artist_name": _person(a.artist),
                "room_name": a.room.name if a.room else None,
            }
            for a in appointments
        ]
    }


def _account(client: Client) -> dict[str, Any]:
    entries = LedgerEntry.objects.filter(client=client).order_by("at", "id")
    deposits = (
        Deposit.objects.filter(client=client).select_related("policy").order_by("created_at", "id")
    )
    return {
        "ledger": [
            {
                **_row(e, skip=("key", "by", "approved_by", "artist")),
                "kind_label": e.get_kind_display(),
            }
            for e in entries
        ],
        "deposits": [
            {
                **_row(d, skip=("policy",)),
                "policy_version": d.policy.version if d.policy else None,
                "policy_text": d.policy.text if d.policy else None,
            }
            for d in deposits
        ],
    }


def _waitlist(client: Client) -> dict[str, Any]:
    entries = (
        WaitlistEntry.objects.filter(client=client)
        .select_related("appointment_type")
        .prefetch_related(Prefetch("offers", queryset=Offer.objects.select_related("freed")))
        .order_by("created_at", "id")
    )
    return {
        "waitlist": [
            {
                **_row(e, skip=("created_by", "artist")),
                "appointment_type": e.appointment_type.name,
                "offers": [
                    {
                        "time_offered": o.freed.starts_at,
                        "until": o.freed.ends_at,
                        "offered_at": o.offered_at,
                        "expires_at": o.expires_at,
                        "status": o.status,
                        "status_label": o.get_status_display(),
                    }
                    for o in e.offers.all()
                ],
            }
            for e in entries
        ]
    }


def _reminders(client: Client) -> dict[str, Any]:
    sent = Reminder.objects.filter(client=client, status=ReminderStatus.SENT).order_by(
        "sent_at", "id"
    )
    received = InboundMessage.objects.filter(inbound_from(client)).order_by("received_at", "id")
    return {
        "messages_sent": [
            {
                "id": r.id,
                "kind": r.kind,
                "kind_label": r.get_kind_display(),
                "channel": r.channel,
                "sent_to": r.sent_to,
                "sent_at": r.sent_at,
                "appointment_id": r.appointment_id,
                "delivery_status": r.delivery_status,
                "delivery_status_label": r.get_delivery_status_display(),
            }
            for r in sent
        ],
        "email_blocks": [
            {
                "address": block.address,
                "reason": block.reason,
                "reason_label": block.get_reason_display(),
                "since": block.since,
                "description": block.description,
                "cleared_at": block.cleared_at,
            }
            for block in client_email_suppressions(client)
        ],
        "messages_received": [
            {
                "id": m.id,
                "from": m.from_number,
                "received_at": m.received_at,
                "text": m.body,
                "what_was_done": m.get_outcome_display(),
                "detail": m.outcome_detail,
                "answer_sent": m.reply,
            }
            for m in received
        ],
    }


def _photo_name(photo: Photo) -> str:
    extension = photo.image.name.rsplit(".", 1)[-1] if "." in photo.image.name else "jpg"
    return f"photos/{photo.uploaded_at:%Y-%m-%d}-{photo.id}-{photo.stage}-{photo.angle}.{extension}"


# --- writing the zip ------------------------------------------------------------------------


def _dump(archive: zipfile.ZipFile, name: str, data: Any) -> None:
    text = json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    archive.writestr(name, text.encode("utf-8"))


def export_client_into(out: IO[bytes], client: Client) -> None:
    """Write the client's export zip into `out` (a writable, seekable binary file)."""
    client = Client.objects.get(pk=client.pk)
    photos = list(Photo.objects.filter(client=client).order_by("uploaded_at", "id"))
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            README.format(
                clinic=settings.CLINIC_NAME,
                when=formats.show(timezone.now().astimezone(dt.UTC), "DATE_LONG_CLOCK_FORMAT")
                + " UTC",
            ),
        )
        _dump(archive, "client.json", {"client": _row(client)})
        _dump(archive, "appointments.json", _appointments(client))
        _dump(archive, "consultations.json", _consultations(client))
        _dump(archive, "treatment.json", _treatment(client))
        _dump(archive, "aftercare.json", _aftercare(client))
        _dump(archive, "account.json", _account(client))
        _dump(archive, "waitlist.json", _waitlist(client))
        _dump(archive, "reminders.json", _reminders(client))
        listed = []
        for photo in photos:
            name = _photo_name(photo)
            entry = {**_row(photo), "file": name}
            try:
                # Already-compressed images: stored as they are, copied in chunks.
                with (
                    photo.image.open("rb") as source,
                    archive.open(zipfile.ZipInfo(name), "w", force_zip64=True) as target,
                ):
                    shutil.copyfileobj(source, target, 1024 * 1024)
            except OSError:
                entry["file"] = None
                entry["missing"] = "The image file could not be read from storage."
            listed.append(entry)
        _dump(archive, "photos.json", {"photos": listed})


def export_client_file(client: Client) -> IO[bytes]:
    """The export in a temporary file, rewound; the caller closes it."""
    # Handed to the response, which closes it once sent.
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_BYTES)  # noqa: SIM115
    export_client_into(out, client)
    out.seek(0)
    return out


def export_client(client: Client) -> bytes:
    """The client's export zip as bytes (for tests and small exports)."""
    with export_client_file(client) as out:
        return out.read()
