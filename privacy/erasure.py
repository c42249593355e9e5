"""Erasure on request: what is deleted, what is anonymised, what the clinic must keep.

A client asks from their "My data" page (`erasure_request`); a manager confirms
(`erasure_confirm`, which runs `erase_client`) or declines (`erasure_decline`).

The rules, in one place:

- **Kept while within the retention period** (`PrivacySettings.retention_years`,
  counted from each record's date): signed consent (`ConsentSignature`), the
  consultation record with its patch tests and hairline designs, questionnaire
  answers, and treatment records (plans with their sessions, logs, healing and
  aftercare). A plan's date is its latest activity (a session logged or the plan
  changed). Records older than the period are deleted.
- **Photos** are health records too: photos linked to a session of a kept plan
  are kept; every other photo (consultation, reference, check-in photos of old
  plans, unlinked ones) is deleted, rows and files. Files are removed from
  storage only once the transaction has committed, so a failure loses nothing.
- **Money** (the ledger of charges, payments, refunds and credits, and deposits) is
  kept as the clinic's accounts must be; it holds no health data. A plan erased
  after the retention period leaves its rows, unlinked from it.
- **Deleted**: every reminder and message row, including the pending ones, and the
  blocks on the client's email addresses (bounces, spam complaints), and the text
  messages the client sent (matched to them, or from their number).
- **Blanked**: the client's own words in check-ins (questions, how each region
  looks to them) and the clinic's replies to them; the health record's own
  judgements (healing per region, redness levels) stay with the kept session.
- **Anonymised**: the client record: name becomes "Erased client #<id>", date of
  birth, phone, notes and marketing answers are cleared. The database requires
  an email or a phone on every client (`client_has_email_or_phone`), so the
  email becomes `erased-<id>@invalid`: the `.invalid` domain is reserved and no
  message can ever be delivered there, and the id keeps it unique.
- **Sign-in**: the client's user is deactivated, stripped of name and email,
  given an unusable password, and its sessions, API tokens and any unused
  portal sign-in links are deleted.
- **Future appointments** are cancelled through the diary
  (scheduling.booking.booking_cancel); past appointments stay as the visit
  history behind the kept treatment record.
- The client is told by email what was done, sent after commit to the address
  captured before it was erased.

Confirming twice does nothing more: only a waiting request can be confirmed.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from aftercare.models import CheckIn
from billing.models import LedgerEntry
from clients.models import Client, ContactChannel
from consultations.models import ConsentSignature, Consultation, QuestionnaireResponse
from photos.models import Photo
from reminders.models import InboundMessage, Reminder
from reminders.selectors import client_email_suppressions, inbound_from
from scheduling.models import Appointment, AppointmentStatus
from sessions_app.models import TreatmentPlan
from smpclinic.i18n import language_or_default
from smpclinic.mail import SEND_ERRORS, send_error_words
from waitlist.models import WaitlistEntry

from .models import ErasureRequest, ErasureStatus, PrivacySettings

logger = logging.getLogger(__name__)

REASON_MAX_LENGTH = 1000
CANCELLATION_REASON = "Cancelled at the client's request to erase their data."

# Labels of the summary's keys, in the order they are shown, in the reader's language.
LABELS = {
    "consent_signatures": _("Signed consent forms"),
    "consultations": _("Consultation records"),
    "questionnaire_responses": _("Health questionnaires"),
    "treatment_plans": _("Treatment plans (with their sessions, notes and healing)"),
    "photos": _("Photos"),
    "reminders": _("Messages and reminders"),
    "email_blocks": _("Email addresses blocked after a bounce or a spam complaint"),
    "texts_received": _("Text messages sent to the clinic"),
    "check_in_answers": _("Answers and replies in check-ins"),
    "future_appointments": _("Future appointments (cancelled)"),
    "waitlist_entries": _("Places on the waitlist"),
    "account_rows": _("Charges, payments and refunds (the clinic's accounts)"),
}
# Kept in English in the summary, translated where it is shown (summary_for_display).
ANONYMISED = [
    gettext_noop("Name"),
    gettext_noop("Email address"),
    gettext_noop("Phone number"),
    gettext_noop("Date of birth"),
    gettext_noop("Notes"),
    gettext_noop("Sign-in (closed)"),
]


def _years_before(moment: dt.datetime, years: int) -> dt.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def retention_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """Records dated before this may be deleted; later ones are kept."""
    return _years_before(now or timezone.now(), PrivacySettings.current().retention_years)


@dataclass
class ErasurePlan:
    """What erasing a client would do now: ids to delete and counts of what is kept."""

    cutoff: dt.datetime
    retention_years: int
    kept: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)
    kept_until: dt.date | None = None
    signature_ids: list[int] = field(default_factory=list)
    consultation_ids: list[int] = field(default_factory=list)
    response_ids: list[int] = field(default_factory=list)
    plan_ids: list[int] = field(default_factory=list)
    photo_ids: list[int] = field(default_factory=list)
    future_appointment_ids: list[int] = field(default_factory=list)

    def as_summary(self) -> dict:
        return {
            "retention_years": self.retention_years,
            "cutoff": self.cutoff.isoformat(),
            "kept_until": self.kept_until.isoformat() if self.kept_until else None,
            "kept": self.kept,
            "deleted": self.deleted,
            "anonymised": ANONYMISED,
        }


def _split(rows: list[tuple[int, dt.datetime | None]], cutoff) -> tuple[list[int], list[int]]:
    kept = [pk for pk, when in rows if when is not None and when >= cutoff]
    old = [pk for pk, when in rows if when is None or when < cutoff]
    return kept, old


def erasure_plan(client: Client, *, now: dt.datetime | None = None) -> ErasurePlan:
    """Work out what erasing `client` would keep and delete (reads only)."""
    now = now or timezone.now()
    years = PrivacySettings.current().retention_years
    cutoff = _years_before(now, years)
    plan = ErasurePlan(cutoff=cutoff, retention_years=years)
    latest_kept: list[dt.datetime] = []

    def judge(key: str, rows):
        rows = list(rows)
        kept, old = _split(rows, cutoff)
        plan.kept[key] = len(kept)
        plan.deleted[key] = len(old)
        latest_kept.extend(when for pk, when in rows if pk in set(kept))
        return old

    plan.signature_ids = judge(
        "consent_signatures",
        ConsentSignature.objects.filter(client=client).values_list("pk", "signed_at"),
    )
    plan.consultation_ids = judge(
        "consultations",
        Consultation.objects.filter(client=client).values_list("pk", "updated_at"),
    )
    plan.response_ids = judge(
        "questionnaire_responses",
        QuestionnaireResponse.objects.filter(client=client).values_list("pk", "submitted_at"),
    )
    plan_rows = (
        TreatmentPlan.objects.filter(client=client)
        .annotate(last_logged=Max("sessions__log__logged_at"))
        .values_list("pk", "updated_at", "last_logged")
    )
    plan.plan_ids = judge(
        "treatment_plans",
        [(pk, max(d for d in (updated, logged) if d)) for pk, updated, logged in plan_rows],
    )
    kept_plan_ids = TreatmentPlan.objects.filter(client=client).exclude(pk__in=plan.plan_ids)
    photos = Photo.objects.filter(client=client)
    kept_photos = photos.filter(session__plan__in=kept_plan_ids)
    plan.photo_ids = list(
        photos.exclude(pk__in=kept_photos.values("pk")).values_list("pk", flat=True)
    )
    plan.kept["photos"] = kept_photos.count()
    plan.deleted["photos"] = len(plan.photo_ids)
    plan.deleted["reminders"] = Reminder.objects.filter(client=client).count()
    plan.deleted["email_blocks"] = client_email_suppressions(client).count()
    plan.deleted["texts_received"] = InboundMessage.objects.filter(inbound_from(client)).count()
    plan.kept["account_rows"] = LedgerEntry.objects.filter(client=client).count()
    plan.deleted["check_in_answers"] = (
        CheckIn.objects.filter(client=client)
        .filter(~Q(client_questions="") | ~Q(region_views={}) | ~Q(reply=""))
        .count()
    )
    plan.future_appointment_ids = list(
        Appointment.objects.filter(
            client=client,
            starts_at__gt=now,
            status__in=(AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED),
        ).values_list("pk", flat=True)
    )
    plan.deleted["future_appointments"] = len(plan.future_appointment_ids)
    plan.deleted["waitlist_entries"] = WaitlistEntry.objects.filter(client=client).count()
    if latest_kept:
        last = max(latest_kept).astimezone(timezone.get_current_timezone())
        plan.kept_until = _years_before(last, -years).date()
    return plan


# --- the client's request -------------------------------------------------------------------


def erasure_request(*, client: Client, reason: str = "") -> ErasureRequest:
    """Record a client's request; a second one while one is waiting is refused."""
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {
                "reason": gettext("Keep the reason under %(count)d characters.")
                % {"count": REASON_MAX_LENGTH}
            }
        )
    with transaction.atomic():
        Client.objects.select_for_update().get(pk=client.pk)
        if ErasureRequest.objects.filter(client=client, status=ErasureStatus.REQUESTED).exists():
            raise ValidationError(
                gettext("Your request is already with the clinic; they will confirm it soon.")
            )
        return ErasureRequest.objects.create(client=client, reason=reason)


def already_handled(erasure: ErasureRequest) -> str:
    """What a manager is told on a request someone else has just handled."""
    if erasure.status == ErasureStatus.DONE:
        return gettext("This request is already done.")
    if erasure.status == ErasureStatus.DECLINED:
        return gettext("This request is already declined.")
    return gettext("This request is already confirmed.")


def erasure_decline(*, request: ErasureRequest, by: User, reason: str) -> ErasureRequest:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"decline_reason": gettext("Say why the request is declined.")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {
                "decline_reason": gettext("Keep the reason under %(count)d characters.")
                % {"count": REASON_MAX_LENGTH}
            }
        )
    with transaction.atomic():
        locked = ErasureRequest.objects.select_for_update().get(pk=request.pk)
        if not locked.is_open:
            raise ValidationError(already_handled(locked))
        locked.status = ErasureStatus.DECLINED
        locked.decline_reason = reason
        locked.confirmed_by = by
        locked.confirmed_at = timezone.now()
        locked.save()
    return locked


def erasure_confirm(*, request: ErasureRequest, by: User) -> ErasureRequest:
    """Confirm a waiting request and erase the client, in one transaction.

    A request that is not waiting any more (already done or declined) is returned
    unchanged: confirming twice does nothing more.
    """
    with transaction.atomic():
        locked = (
            ErasureRequest.objects.select_for_update().select_related("client").get(pk=request.pk)
        )
        if not locked.is_open:
            return locked
        now = timezone.now()
        locked.status = ErasureStatus.CONFIRMED
        locked.confirmed_by = by
        locked.confirmed_at = now
        locked.save(update_fields=["status", "confirmed_by", "confirmed_at"])
        summary = erase_client(locked.client, by=by, now=now)
        locked.status = ErasureStatus.DONE
        locked.done_at = timezone.now()
        locked.summary = summary
        locked.save(update_fields=["status", "done_at", "summary"])
    return locked


# --- erasing ----------------------------------------------------------------------------------


def _delete_files_after_commit(names: list[tuple]) -> None:
    def delete():
        for storage, name in names:
            try:
                storage.delete(name)
            except OSError:
                logger.exception("Could not delete an erased photo file %s", name)

    transaction.on_commit(delete)


def _close_sign_in(user: User | None) -> None:
    if user is None:
        return
    user.is_active = False
    user.first_name = ""
    user.last_name = ""
    user.email = f"erased-user-{user.pk}@invalid"
    user.set_unusable_password()
    user.save()
    # Sessions are stored signed but not indexed by user: read the live ones.
    ended = [
        s.session_key
        for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(s.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]
    Session.objects.filter(session_key__in=ended).delete()
    try:
        from rest_framework.authtoken.models import Token
    except ImportError:  # pragma: no cover - the API is always installed here
        return
    Token.objects.filter(user=user).delete()


def _tell_client(*, address: str, first_name: str, language: str, summary: dict) -> None:
    if not address:
        return
    context = {
        "first_name": first_name,
        "clinic_name": settings.CLINIC_NAME,
    }
    # In the client's own language, as every message they were sent.
    with translation.override(language_or_default(language)):
        context["summary"] = summary_for_display(summary)
        subject = gettext("Your data at %(clinic)s has been erased") % {
            "clinic": settings.CLINIC_NAME
        }
        body = render_to_string("privacy/email/erasure_done.txt", context)

    def send():
        # The erasure is done and committed: a refused or failed email must not turn it
        # into an error page. Staff see the erasure's summary either way.
        try:
            send_mail(subject, body, None, [address])
        except SEND_ERRORS as error:
            logger.warning("The erasure notice could not be emailed: %s", send_error_words(error))

    transaction.on_commit(send)


def summary_for_display(summary: dict) -> dict:
    """The summary as labelled lists for pages and emails."""
    kept = summary.get("kept", {})
    deleted = summary.get("deleted", {})
    return {
        "kept": [(str(LABELS[k]), n) for k, n in kept.items() if n and k in LABELS],
        "deleted": [(str(LABELS[k]), n) for k, n in deleted.items() if n and k in LABELS],
        "anonymised": [gettext(label) for label in summary.get("anonymised", [])],
        "retention_years": summary.get("retention_years"),
        "kept_until": (
            dt.date.fromisoformat(summary["kept_until"]) if summary.get("kept_until") else None
        ),
    }


CONTACT_FIELDS = frozenset(
    {"first_name", "last_name", "email", "phone", "date_of_birth", "notes", "referral_source"}
)


def _scrub_audit_trail(client: Client) -> None:
    """The audit trail keeps who changed the client record and when, but not the erased
    contact details themselves (its before/after values would otherwise keep them)."""
    from django.contrib.contenttypes.models import ContentType

    from audit.models import ChangeEntry

    entries = ChangeEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Client), object_pk=str(client.pk)
    )
    for entry in entries:
        changes = entry.changes_dict if hasattr(entry, "changes_dict") else entry.changes
        scrubbed = {
            field: (["(erased)", "(erased)"] if field in CONTACT_FIELDS else values)
            for field, values in (changes or {}).items()
        }
        ChangeEntry.objects.filter(pk=entry.pk).update(
            changes=scrubbed, changes_text="", object_repr=f"Erased client #{client.pk}"
        )


@transaction.atomic
def erase_client(client: Client, *, by: User | None, now: dt.datetime | None = None) -> dict:
    """Erase what may be erased of `client` now; returns the summary of what was done."""
    from scheduling.booking import BookingRefused, booking_cancel

    now = now or timezone.now()
    client = Client.objects.select_for_update().get(pk=client.pk)
    address = client.email if client.email and not client.email.endswith("@invalid") else ""
    first_name = client.first_name
    plan = erasure_plan(client, now=now)

    # Off the waitlist first: the times their cancellations free are not offered to them.
    WaitlistEntry.objects.filter(client=client).delete()
    # Future appointments next: cancelling writes its own messages, deleted below.
    for appointment in Appointment.objects.filter(pk__in=plan.future_appointment_ids):
        try:
            booking_cancel(appointment=appointment, reason=CANCELLATION_REASON, by=by)
        except BookingRefused:
            logger.warning("Appointment %s could not be cancelled on erasure", appointment.pk)

    photos = list(Photo.objects.filter(pk__in=plan.photo_ids))
    files = [(f.storage, f.name) for p in photos for f in (p.image, p.thumbnail) if f.name]
    Photo.objects.filter(pk__in=plan.photo_ids).delete()
    _delete_files_after_commit(files)

    Reminder.objects.filter(client=client).delete()
    # Before the address is anonymised: the blocks are found by it too.
    client_email_suppressions(client).delete()
    InboundMessage.objects.filter(inbound_from(client)).delete()
    CheckIn.objects.filter(client=client).update(client_questions="", region_views={}, reply="")

    # Records past the retention period: the treatment tree goes with its plan.
    TreatmentPlan.objects.filter(pk__in=plan.plan_ids).delete()
    Consultation.objects.filter(pk__in=plan.consultation_ids).delete()
    QuestionnaireResponse.objects.filter(pk__in=plan.response_ids).delete()
    ConsentSignature.objects.filter(pk__in=plan.signature_ids).delete()

    # An unused portal sign-in link would open a new sign-in to the erased record.
    login_links = getattr(client, "login_links", None)
    if login_links is not None:
        login_links.all().delete()

    user = client.user
    language = client.language
    client.first_name = "Erased client"
    client.last_name = f"#{client.pk}"
    client.email = f"erased-{client.pk}@invalid"
    client.phone = ""
    client.date_of_birth = None
    client.notes = ""
    client.referral_source = ""
    client.contact_consent = False
    client.sms_opted_out = False
    client.sms_consent_changed_at = None
    client.sms_consent_changed_how = ""
    client.preferred_channel = ContactChannel.EMAIL
    client.user = None
    client.save()
    _scrub_audit_trail(client)
    _close_sign_in(user)

    summary = plan.as_summary()
    summary["erased_at"] = now.isoformat()
    _tell_client(address=address, first_name=first_name, language=language, summary=summary)
    return summary
