"""The consultation record: every rule about it lives here.

Views, forms, the portal and tasks call these functions; each one validates what
it is given, works in one transaction and raises ValidationError (keyed by field
where a field is at fault) for anything it refuses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Role, User
from photos.models import PhotoAngle, PhotoStage
from photos.services import photo_add, photos_add_many
from reminders.kinds import due_times, reason
from reminders.models import ReminderKind
from reminders.outbox import cancel_pending, schedule
from scheduling.models import Appointment, AppointmentKind
from sessions_app.models import TreatmentPlan
from smpclinic import formats
from smpclinic.clinic import clinic_zone
from smpclinic.money import money, number
from smpclinic.scales import roman

from .models import (
    ESTIMATED_SESSIONS,
    FITZPATRICK_TYPES,
    LUDWIG_STAGES,
    NORWOOD_STAGES,
    Answer,
    Consultation,
    ConsultationMode,
    ConsultationSettings,
    FormChannel,
    Greys,
    HairlineDesign,
    HairlineStyle,
    HairLossScale,
    LookWanted,
    Oiliness,
    Outcome,
    PatchReading,
    PatchTest,
    PricingMode,
    ReferencePhoto,
)

CONSULTATION_KINDS = frozenset({AppointmentKind.CONSULTATION, AppointmentKind.VIDEO_CONSULTATION})
# Who runs a consultation: the record, the review and the outcome are theirs.
PRACTITIONER_ROLES = frozenset({Role.ARTIST, Role.MANAGER})
# Above this a price is a typing mistake, not a quote.
# Why the patch test's reading reminder is not sent once the reading is recorded.
PATCH_TEST_READ = reason(gettext_noop("The patch test has been read."))

MAX_PRICE_PER_SESSION = Decimal("100000")
MAX_PACKAGE_PRICE = MAX_PRICE_PER_SESSION * 5

TEXT_FIELDS = {
    "video_link": 200,
    "expectations": 5000,
    "agreed_realistic": 5000,
    "scars": 2000,
    "natural_hair_colour": 100,
    "client_questions": 5000,
    "pigment_brand": 100,
    "pigment_shade": 100,
    "pigment_dilution": 50,
    "price_change_reason": 300,
}
CHOICE_FIELDS = {
    "mode": ConsultationMode,
    "look_wanted": LookWanted,
    "hair_loss_scale": HairLossScale,
    "oiliness": Oiliness,
    "greys": Greys,
    "pricing_mode": PricingMode,
}
INT_FIELDS = {
    "norwood_stage": NORWOOD_STAGES,
    "ludwig_stage": LUDWIG_STAGES,
    "fitzpatrick": FITZPATRICK_TYPES,
    "estimated_sessions": ESTIMATED_SESSIONS,
}
MONEY_FIELDS = {
    "price_per_session": MAX_PRICE_PER_SESSION,
    "package_price": MAX_PACKAGE_PRICE,
    "deposit": MAX_PACKAGE_PRICE,
}
# Fields consultation_update accepts; everything else changes through its own function.
RECORD_FIELDS = frozenset(
    {*TEXT_FIELDS, *CHOICE_FIELDS, *INT_FIELDS, *MONEY_FIELDS, "process_explained", "currency"}
)


def _require_practitioner(by: User | None) -> None:
    if by is None or by.role not in PRACTITIONER_ROLES:
        raise ValidationError(_("Only an artist or a manager can change the consultation record."))


def consultation_for_appointment(appointment: Appointment) -> Consultation | None:
    """The consultation record a consultation booking opens (None for other bookings).

    Called by scheduling.booking in the transaction that created the appointment, so
    the appointment has no record yet: it is written straight away.
    """
    if appointment.type.kind not in CONSULTATION_KINDS:
        return None
    video = appointment.type.is_video or appointment.type.kind == AppointmentKind.VIDEO_CONSULTATION
    return Consultation.objects.create(
        appointment=appointment,
        client=appointment.client,
        artist=appointment.artist,
        mode=ConsultationMode.VIDEO if video else ConsultationMode.IN_PERSON,
        video_link=appointment.meeting_link,
        created_by=appointment.booked_by,
    )


# --- the record -----------------------------------------------------------------------------


def _clean_value(name: str, value, errors: dict):
    """Turn one given value into what the model stores, or note why it cannot be."""
    if name in TEXT_FIELDS:
        text = "" if value is None else str(value).strip()
        if len(text) > TEXT_FIELDS[name]:
            errors[name] = _("Keep this under %(count)s characters.") % {"count": TEXT_FIELDS[name]}
        return text
    if name in CHOICE_FIELDS:
        text = "" if value is None else str(value)
        allowed = CHOICE_FIELDS[name].values
        if text and text not in allowed or (not text and name in ("mode", "pricing_mode")):
            errors[name] = _("Choose one of the options.")
        return text
    if name in INT_FIELDS:
        scale = INT_FIELDS[name]
        message = scale.message
        if value in (None, ""):
            return None
        try:
            whole = int(value)
        except (TypeError, ValueError):
            errors[name] = message
            return None
        if isinstance(value, float | Decimal) and whole != value or whole not in scale:
            errors[name] = message
        return whole
    if name in MONEY_FIELDS:
        if value in (None, ""):
            return None
        try:
            amount = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            errors[name] = _("Give an amount as a number, e.g. 450 or 450.00.")
            return None
        if not amount.is_finite():
            errors[name] = _("Give an amount as a number, e.g. 450 or 450.00.")
        elif amount < 0:
            errors[name] = _("An amount cannot be negative.")
        elif amount > MONEY_FIELDS[name]:
            errors[name] = _("That is more than %(amount)s: check the amount.") % {
                "amount": number(MONEY_FIELDS[name])
            }
        elif amount != amount.quantize(Decimal("0.01")):
            errors[name] = _("Use at most two decimal places.")
        return amount
    if name == "currency":
        code = str(value or "").strip().upper()
        if len(code) != 3 or not code.isascii() or not code.isalpha():
            errors[name] = _("Give the currency as its three-letter code, e.g. GBP, EUR, USD.")
        return code
    if name == "process_explained":
        if not isinstance(value, bool):
            errors[name] = _("Tick the box or leave it empty.")
        return bool(value)
    raise ValidationError(f"{name} cannot be changed here.")


def _check_assessment(c: Consultation, errors: dict) -> None:
    """The stage must belong to the scale chosen: Norwood 1–7 for men, Ludwig I–III for women."""
    if c.hair_loss_scale == HairLossScale.NORWOOD:
        if c.ludwig_stage is not None and "ludwig_stage" not in errors:
            errors["ludwig_stage"] = _("The scale chosen is Norwood: give a Norwood stage instead.")
        if c.norwood_stage is None and "norwood_stage" not in errors:
            errors["norwood_stage"] = _("Give the Norwood stage (%(low)s–%(high)s).") % {
                "low": NORWOOD_STAGES.low,
                "high": NORWOOD_STAGES.high,
            }
    elif c.hair_loss_scale == HairLossScale.LUDWIG:
        if c.norwood_stage is not None and "norwood_stage" not in errors:
            errors["norwood_stage"] = _("The scale chosen is Ludwig: give a Ludwig stage instead.")
        if c.ludwig_stage is None and "ludwig_stage" not in errors:
            errors["ludwig_stage"] = _("Give the Ludwig stage (%(low)s–%(high)s).") % {
                "low": roman(LUDWIG_STAGES.low),
                "high": roman(LUDWIG_STAGES.high),
            }
    elif c.norwood_stage is not None or c.ludwig_stage is not None:
        errors.setdefault(
            "hair_loss_scale", _("Choose the scale (Norwood or Ludwig) for the stage.")
        )


def _check_estimate(c: Consultation, errors: dict) -> None:
    """A deposit is part of the total: it needs the total, and cannot be more than it."""
    if not c.deposit or errors.keys() & MONEY_FIELDS.keys():
        return
    totals = estimate_totals(c)
    if totals is None:
        errors["deposit"] = _(
            "Give the number of sessions and the price first: the deposit is part of the total."
        )
    elif c.deposit > totals.total:
        errors["deposit"] = _("The deposit cannot be more than the total (%(total)s).") % {
            "total": money(totals.total, totals.currency)
        }


def _check_price_reason(c: Consultation, errors: dict) -> None:
    """A price that differs from the clinic's price list says why (the list is where an
    estimate starts; the client's own price is the artist's to agree, with a reason)."""
    from billing.prices import estimate_defaults
    from smpclinic.money import money

    if errors.keys() & MONEY_FIELDS.keys() or c.price_change_reason.strip():
        return
    listed = estimate_defaults(c.estimated_sessions)
    if c.pricing_mode == PricingMode.PACKAGE:
        given, usual = c.package_price, listed.package_price
        what = (
            _("%(price)s for %(count)s sessions")
            % {"price": money(usual), "count": c.estimated_sessions}
            if usual
            else ""
        )
    else:
        given, usual = c.price_per_session, listed.price_per_session
        what = _("%(price)s a session") % {"price": money(usual)} if usual else ""
    if given is not None and usual is not None and Decimal(given) != usual:
        errors["price_change_reason"] = _(
            "The price list says %(price)s: say why this client's price differs."
        ) % {"price": what}


@transaction.atomic
def consultation_update(consultation: Consultation, by: User, **fields) -> Consultation:
    """Change any part of the record (mode, expectations, assessment, pigment, estimate).

    Only the fields given change. Every field is checked before anything is saved, and
    the errors come back together, keyed by field.
    """
    _require_practitioner(by)
    unknown = set(fields) - RECORD_FIELDS
    if unknown:
        raise ValidationError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    errors: dict[str, str] = {}
    for name, value in fields.items():
        setattr(consultation, name, _clean_value(name, value, errors))
    if fields.keys() & MONEY_FIELDS.keys() and "currency" not in fields:
        # An estimate is in the clinic's one currency (CLINIC_CURRENCY).
        consultation.currency = settings.CLINIC_CURRENCY
    _check_assessment(consultation, errors)
    _check_estimate(consultation, errors)
    if fields.keys() & {"price_per_session", "package_price", "estimated_sessions", "pricing_mode"}:
        _check_price_reason(consultation, errors)
    if not errors:
        try:
            consultation.full_clean(exclude=["client", "appointment", "artist", "plan"])
        except ValidationError as error:
            errors.update({k: v[0] for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    consultation.save()
    return consultation


# --- practitioner review of the questionnaire ----------------------------------------------


def flagged_answers(consultation: Consultation) -> list[Answer]:
    """The answers that flagged a contraindication, for the review banner."""
    return list(
        Answer.objects.filter(
            response__consultation=consultation, flags_contraindication=True
        ).order_by("response__submitted_at", "question__position", "id")
    )


@transaction.atomic
def consultation_review_sign_off(consultation: Consultation, by: User, note: str) -> Consultation:
    """An artist or manager has read the flagged answers and says treatment may go ahead."""
    if by is None or by.role not in PRACTITIONER_ROLES:
        raise ValidationError(_("Only an artist or a manager can sign off the review."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what you checked and why treatment may go ahead.")})
    if len(note) > 2000:
        raise ValidationError({"note": _("Keep the note under 2000 characters.")})
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if not consultation.review_required:
        raise ValidationError(_("This consultation has nothing to review."))
    if consultation.reviewed_at is not None:
        raise ValidationError(_("The review has already been signed off."))
    consultation.reviewed_by = by
    consultation.reviewed_at = timezone.now()
    consultation.review_note = note
    consultation.save(update_fields=["reviewed_by", "reviewed_at", "review_note", "updated_at"])
    return consultation


# --- patch test -----------------------------------------------------------------------------


def _local(moment: dt.datetime) -> str:
    local = moment.astimezone(clinic_zone())
    return formats.show(local, "DAY_SHORT_YEAR_CLOCK_FORMAT")


@transaction.atomic
def patch_test_add(
    consultation: Consultation,
    by: User,
    pigment: str,
    applied_at: dt.datetime,
    site: str,
    notes: str = "",
) -> PatchTest:
    """A pigment tested on the skin; the reading is due patch_test_read_hours later.

    The client gets a reminder to come back (or send a photo) for the reading.
    """
    _require_practitioner(by)
    errors = {}
    pigment, site, notes = (pigment or "").strip(), (site or "").strip(), (notes or "").strip()
    if not pigment:
        errors["pigment"] = _("Say which pigment was tested.")
    elif len(pigment) > 200:
        errors["pigment"] = _("Keep the pigment under 200 characters.")
    if not site:
        errors["site"] = _("Say where on the skin it was applied.")
    elif len(site) > 100:
        errors["site"] = _("Keep the site under 100 characters.")
    if not isinstance(applied_at, dt.datetime) or timezone.is_naive(applied_at):
        errors["applied_at"] = _("Give the date and time it was applied.")
    elif applied_at > timezone.now() + dt.timedelta(minutes=5):
        errors["applied_at"] = _("A patch test cannot be applied in the future.")
    if errors:
        raise ValidationError(errors)
    hours = ConsultationSettings.current().patch_test_read_hours
    test = PatchTest.objects.create(
        consultation=consultation,
        pigment=pigment,
        applied_at=applied_at,
        site=site,
        read_after=applied_at + dt.timedelta(hours=hours),
        notes=notes,
    )
    schedule(
        key=f"patch:{test.pk}:reading",
        client=consultation.client,
        kind=ReminderKind.PATCH_TEST_READING,
        due_at=test.read_after,
        consultation=consultation,
        data={"pigment": pigment, "site": site},
    )
    return test


@transaction.atomic
def patch_test_read(
    test: PatchTest, by: User, reading: str, read_at: dt.datetime, notes: str = ""
) -> PatchTest:
    """Record how the skin reacted. "No reaction" only from `read_after` (the clinic's
    reading time); a reaction may be recorded as soon as it is seen. The first session
    waits until `read_after` either way (consultations.rules)."""
    _require_practitioner(by)
    test = PatchTest.objects.select_for_update().get(pk=test.pk)
    notes = (notes or "").strip()
    errors = {}
    if reading not in (PatchReading.NO_REACTION, PatchReading.REACTION):
        errors["reading"] = _("Choose no reaction or reaction.")
    if not isinstance(read_at, dt.datetime) or timezone.is_naive(read_at):
        errors["read_at"] = _("Give the date and time it was read.")
    elif read_at > timezone.now() + dt.timedelta(minutes=5):
        errors["read_at"] = _("A reading cannot be in the future.")
    elif read_at < test.applied_at:
        errors["read_at"] = _("The reading cannot be before the test was applied (%(when)s).") % {
            "when": _local(test.applied_at)
        }
    elif reading == PatchReading.NO_REACTION and read_at < test.read_after:
        # A reaction may still appear until the clinic's reading time; one seen earlier is
        # a reaction all the same and may be recorded at once.
        errors["read_at"] = _(
            "“No reaction” can be recorded from %(when)s, the clinic's "
            "reading time: a reaction may still appear until then."
        ) % {"when": _local(test.read_after)}
    if reading == PatchReading.REACTION and not notes:
        errors["notes"] = _("Describe the reaction (redness, swelling, itching; how much).")
    if errors:
        raise ValidationError(errors)
    test.reading = reading
    test.read_at = read_at
    test.read_by = by
    test.notes = notes
    test.save(update_fields=["reading", "read_at", "read_by", "notes"])
    cancel_pending(PATCH_TEST_READ, key=f"patch:{test.pk}:reading")
    return test


def latest_patch_test(consultation: Consultation) -> PatchTest | None:
    return consultation.patch_tests.order_by("-applied_at", "-id").first()


def first_session_earliest(consultation: Consultation) -> dt.datetime:
    """The earliest the first session may start: now, or when the patch test can be read."""
    now = timezone.now()
    test = latest_patch_test(consultation)
    if test is None:
        return now
    return max(now, test.read_after)


# --- hairline design ------------------------------------------------------------------------


@transaction.atomic
def hairline_design_add(
    consultation: Consultation,
    by: User,
    style: str,
    notes: str = "",
    photo_upload=None,
) -> HairlineDesign:
    """A new drawing of the hairline: version N+1, with its photo if one was taken."""
    _require_practitioner(by)
    notes = (notes or "").strip()
    if style not in HairlineStyle.values:
        raise ValidationError({"style": _("Choose the hairline style.")})
    if len(notes) > 2000:
        raise ValidationError({"notes": _("Keep the notes under 2000 characters.")})
    # Locks the consultation so two drawings saved at once do not take the same number.
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    last = consultation.hairline_designs.aggregate(last=Max("version"))["last"] or 0
    photo = None
    if photo_upload is not None:
        try:
            photo = photo_add(
                client=consultation.client,
                angle=PhotoAngle.HAIRLINE,
                stage=PhotoStage.CONSULTATION,
                upload=photo_upload,
                by=by,
                note=f"Hairline design v{last + 1}",
            )
        except ValidationError as error:
            raise ValidationError({"photo": error.messages}) from error
    return HairlineDesign.objects.create(
        consultation=consultation,
        version=last + 1,
        style=style,
        notes=notes,
        photo=photo,
        created_by=by,
    )


@transaction.atomic
def hairline_design_approve(design: HairlineDesign, channel: str) -> HairlineDesign:
    """The client approves this version (in person at the clinic, or online later).

    Only one version is approved at a time: approving another un-approves the previous.
    """
    if channel not in FormChannel.values:
        raise ValidationError({"channel": _("Say how the client approved the design.")})
    Consultation.objects.select_for_update().filter(pk=design.consultation_id).first()
    HairlineDesign.objects.filter(consultation_id=design.consultation_id).exclude(
        pk=design.pk
    ).update(approved_at=None, approved_via="")
    design.approved_at = timezone.now()
    design.approved_via = channel
    design.save(update_fields=["approved_at", "approved_via"])
    return design


def chosen_hairline(consultation: Consultation) -> HairlineDesign | None:
    """The approved version, else the latest."""
    designs = consultation.hairline_designs.order_by("-version")
    return designs.filter(approved_at__isnull=False).first() or designs.first()


# --- reference photos -----------------------------------------------------------------------


@transaction.atomic
def reference_photos_add(
    consultation: Consultation, *, by: User, uploads, note: str = ""
) -> list[ReferencePhoto]:
    """Pictures the client brought of the look they want. They are not the client's scalp,
    so they never join the progress comparisons and are not shown in the client's photos."""
    if by is None or not by.is_clinic_staff:
        raise ValidationError(_("Only clinic staff can add reference pictures."))
    note = (note or "").strip()[:200]
    photos = photos_add_many(
        client=consultation.client,
        angle=PhotoAngle.FRONT,
        stage=PhotoStage.REFERENCE,
        uploads=uploads,
        by=by,
        note=note or "Reference picture",
        shared_with_client=False,
    )
    return ReferencePhoto.objects.bulk_create(
        ReferencePhoto(consultation=consultation, photo=photo, note=note) for photo in photos
    )


# --- cost estimate --------------------------------------------------------------------------


@dataclass(frozen=True)
class EstimateTotals:
    sessions: int
    per_session: Decimal | None
    total: Decimal
    deposit: Decimal
    balance: Decimal
    currency: str
    package: bool


def estimate_totals(consultation: Consultation) -> EstimateTotals | None:
    """Total, deposit and balance of the estimate; None while it is incomplete."""
    c = consultation
    if c.estimated_sessions is None:
        return None
    package = c.pricing_mode == PricingMode.PACKAGE
    if package:
        if c.package_price is None:
            return None
        total = Decimal(c.package_price)
        per_session = None
    else:
        if c.price_per_session is None:
            return None
        per_session = Decimal(c.price_per_session)
        total = per_session * c.estimated_sessions
    deposit = Decimal(c.deposit or 0)
    return EstimateTotals(
        sessions=c.estimated_sessions,
        per_session=per_session,
        total=total.quantize(Decimal("0.01")),
        deposit=deposit.quantize(Decimal("0.01")),
        balance=(total - deposit).quantize(Decimal("0.01")),
        currency=c.currency,
        package=package,
    )


def estimate_starting_point(consultation: Consultation) -> dict:
    """Where an estimate not yet started begins: the clinic's price list (the treatment
    session's price, the package for that many sessions, the treatment's deposit).
    An estimate already started is the artist's own: nothing is suggested."""
    from billing.deposits import deposit_needed
    from billing.prices import estimate_defaults

    c = consultation
    if any(v is not None for v in (c.price_per_session, c.package_price, c.deposit)):
        return {}
    defaults = estimate_defaults(c.estimated_sessions or 3)
    treatment = defaults.treatment
    suggested = {
        "price_per_session": defaults.price_per_session,
        "package_price": defaults.package_price,
        "deposit": deposit_needed(treatment, defaults.price_per_session) if treatment else None,
    }
    return {name: value for name, value in suggested.items() if value}


@transaction.atomic
def estimate_send(consultation: Consultation, *, by: User) -> Consultation:
    """Email (or text) the estimate to the client, through the outbox."""
    if by is None or not by.is_clinic_staff:
        raise ValidationError(_("Only clinic staff can send the estimate."))
    consultation = (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("client")
        .get(pk=consultation.pk)
    )
    totals = estimate_totals(consultation)
    if totals is None:
        raise ValidationError(
            _("Complete the estimate first: the number of sessions and the price.")
        )
    now = timezone.now()
    schedule(
        key=f"consultation:{consultation.pk}:estimate:{now:%Y%m%dT%H%M%S%f}",
        client=consultation.client,
        kind=ReminderKind.ESTIMATE,
        due_at=now,
        consultation=consultation,
        data={
            "sessions": totals.sessions,
            "per_session": str(totals.per_session) if totals.per_session is not None else "",
            "total": str(totals.total),
            "deposit": str(totals.deposit),
            "balance": str(totals.balance),
            "currency": totals.currency,
            "package": totals.package,
        },
    )
    consultation.estimate_sent_at = now
    consultation.save(update_fields=["estimate_sent_at", "updated_at"])
    return consultation


# --- outcome --------------------------------------------------------------------------------


@transaction.atomic
def consultation_set_outcome(
    consultation: Consultation, *, by: User, outcome: str, reason: str = ""
) -> Consultation:
    """Thinking it over, not suitable (with the reason), or back to undecided.

    Proceeding creates the plan: use consultation_proceed.
    """
    _require_practitioner(by)
    reason = (reason or "").strip()
    if outcome == Outcome.PROCEED:
        raise ValidationError(_("Use consultation_proceed to go ahead with treatment."))
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    if outcome == Outcome.NOT_SUITABLE and not reason:
        raise ValidationError({"reason": _("Say why the client is not suitable.")})
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.plan_id is not None:
        raise ValidationError(_("A treatment plan has already been made from this consultation."))
    consultation.outcome = outcome
    consultation.outcome_reason = reason[:2000]
    consultation.outcome_at = None if outcome == Outcome.PENDING else timezone.now()
    consultation.save(update_fields=["outcome", "outcome_reason", "outcome_at", "updated_at"])
    return consultation


def _pigment_text(c: Consultation) -> str:
    text = " ".join(part for part in (c.pigment_brand, c.pigment_shade) if part)
    if c.pigment_dilution:
        text = f"{text} ({c.pigment_dilution})".strip()
    return text[:200]


def _hairline_text(design: HairlineDesign | None) -> str:
    if design is None:
        return ""
    text = f"{design.get_style_display()} (v{design.version})"
    return f"{text}: {design.notes}" if design.notes else text


@transaction.atomic
def consultation_proceed(
    consultation: Consultation, by: User, lead_artist: User | None = None
) -> TreatmentPlan:
    """The client goes ahead: the treatment plan is made from the record, once.

    Carries over the estimated sessions, the pigment, the hairline (approved version,
    else the latest) and the look wanted; the lead artist is the consultation's artist
    unless another is given. Proceeding again returns the plan already made.
    """
    from sessions_app.plans import plan_create

    _require_practitioner(by)
    consultation = (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("client", "artist", "plan")
        .get(pk=consultation.pk)
    )
    if consultation.plan is not None:
        return consultation.plan
    if consultation.estimated_sessions is None:
        raise ValidationError(
            {
                "estimated_sessions": _(
                    "Give the estimated number of sessions (%(low)s–%(high)s) to proceed."
                )
                % {"low": ESTIMATED_SESSIONS.low, "high": ESTIMATED_SESSIONS.high}
            }
        )
    lead = lead_artist or consultation.artist
    if lead is None or lead.role != Role.ARTIST or not lead.is_active:
        raise ValidationError({"lead_artist": _("Choose the artist who will lead the treatment.")})
    plan = plan_create(
        client=consultation.client,
        lead_artist=lead,
        planned_sessions=consultation.estimated_sessions,
        pigment=_pigment_text(consultation),
        hairline_design=_hairline_text(chosen_hairline(consultation)),
        target_look=consultation.get_look_wanted_display() if consultation.look_wanted else "",
        notes="From the consultation of "
        f"{formats.show(timezone.localdate(consultation.created_at), 'DATE_MEDIUM_FORMAT')}.",
        by=by,
    )
    now = timezone.now()
    consultation.plan = plan
    consultation.outcome = Outcome.PROCEED
    consultation.outcome_reason = ""
    consultation.outcome_at = now
    consultation.save(
        update_fields=["plan", "outcome", "outcome_reason", "outcome_at", "updated_at"]
    )
    for _days, due_at in due_times(ReminderKind.CONSULTATION_FOLLOW_UP, now):
        schedule(
            key=f"consultation:{consultation.pk}:follow-up",
            client=consultation.client,
            kind=ReminderKind.CONSULTATION_FOLLOW_UP,
            due_at=max(due_at, now),
            consultation=consultation,
            plan=plan,
        )
    return plan
