"""Aftercare plans and check-ins: every rule about them lives here.

- `after_session_logged`: the first time a session is logged, the client gets an
  aftercare plan (a copy of the clinic's current instructions), milestone
  messages, a fade check-in (and a final one after the last planned session)
  and an invitation to book the next session, all written into the reminder
  outbox in the log's transaction.
- `check_in_submit`: the client's photos and answers, stored once.
- `check_in_review`: the artist's judgement and reply (and any proposal).
- `proposal_mark_handled`: the front desk acted on the artist's proposal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from clients.models import Client
from photos.models import Photo, PhotoAngle, PhotoStage
from reminders.kinds import due_times, send_time
from reminders.models import ReminderKind
from reminders.outbox import schedule
from sessions_app import plans
from sessions_app.models import (
    ExtraReason,
    HealingStatus,
    Region,
    SessionKind,
    SessionLog,
    TreatmentSession,
)
from sessions_app.selectors import session_following
from smpclinic.clinic import clinic_zone
from smpclinic.i18n import language_or_default

from .models import (
    AftercareInstruction,
    AftercareInstructionTranslation,
    AftercarePlan,
    AftercareStep,
    CheckIn,
    CheckInKind,
    CheckInStatus,
    Level,
    Proposal,
)

# The photo fields of a check-in, in the order the client is asked for them.
CHECK_IN_ANGLES = (PhotoAngle.FRONT, PhotoAngle.TOP, PhotoAngle.CROWN, PhotoAngle.HAIRLINE)
QUESTIONS_MAX_LENGTH = 2000
NOTE_MAX_LENGTH = 300


class RegionLook:
    """How a region looks to the client, in their words."""

    EVEN = "even"
    PATCHY = "patchy"
    TOO_LIGHT = "too_light"
    TOO_DARK = "too_dark"
    choices = [
        (EVEN, "Looks even"),
        (PATCHY, "Patchy"),
        (TOO_LIGHT, "Too light"),
        (TOO_DARK, "Too dark"),
    ]
    labels = dict(choices)


class CheckInAlreadySent(Exception):
    """The check-in was sent before (a second visit, or a double tap)."""


# --- times ------------------------------------------------------------------------------------


def aftercare_instruction_save(
    *, instruction: AftercareInstruction, edited: bool
) -> AftercareInstruction:
    """Save an instruction of the clinic's aftercare. Once the clinic has edited the wording
    it is theirs, no longer the shipped default. Plans already given keep their own copy."""
    if edited:
        instruction.is_shipped_default = False
    instruction.save()
    return instruction


@transaction.atomic
def aftercare_instructions_update(
    *,
    changed: list[AftercareInstruction],
    removed: list[AftercareInstruction],
    translations: list[tuple[AftercareInstruction, dict[str, tuple[str, str]]]] = (),
) -> None:
    """Save the instructions the clinic changed or added and delete the ones it removed, all
    or nothing; then each instruction's wording in other languages (`translations`:
    instruction, language → (title, body)). Plans already given keep their own copy."""
    for instruction in removed:
        if instruction.pk is not None:
            instruction.delete()
    for instruction in changed:
        aftercare_instruction_save(instruction=instruction, edited=instruction.pk is not None)
    for instruction, wording in translations:
        if instruction.pk is not None and instruction not in removed:
            instruction_translations_save(instruction=instruction, wording=wording)


def instruction_translation_problems(title: str, body: str) -> dict[str, str]:
    """Why an instruction's translation cannot be saved, by field; both empty means none."""
    title, body = title.strip(), body.strip()
    if bool(title) == bool(body):
        return {}
    if not title:
        return {"title": "Give the title in this language too."}
    return {"body": "Give the instructions in this language too, not only the title."}


def instruction_translations_save(
    *, instruction: AftercareInstruction, wording: dict[str, tuple[str, str]]
) -> None:
    """Save the instruction's title and body in each language given; both empty removes the
    translation (clients then get the clinic's own wording). Refuses a half-filled one."""
    errors = {}
    for language, (title, body) in wording.items():
        for field, message in instruction_translation_problems(title, body).items():
            errors[f"{field}_{language}"] = message
    if errors:
        raise ValidationError(errors)
    for language, (title, body) in wording.items():
        if not title.strip():
            instruction.translations.filter(language=language).delete()
            continue
        AftercareInstructionTranslation.objects.update_or_create(
            instruction=instruction,
            language=language,
            defaults={"title": title.strip(), "body": body.strip()},
        )


@dataclass(frozen=True)
class InstructionWording:
    """An instruction as one client gets it, and its language ("" for the clinic's own)."""

    title: str
    body: str
    language: str = ""


def instruction_wording(instruction: AftercareInstruction, language: str) -> InstructionWording:
    """The instruction in `language` when the clinic translated it in full, otherwise the
    clinic's own wording."""
    own = InstructionWording(title=instruction.title, body=instruction.body)
    if not language or language == settings.LANGUAGE_CODE.lower() or instruction.pk is None:
        return own
    translated = next((t for t in instruction.translations.all() if t.language == language), None)
    if translated is None or translation_problems(translated):
        return own  # half-translated: the clinic's own wording, in full
    return InstructionWording(title=translated.title, body=translated.body, language=language)


def translation_problems(translated: AftercareInstructionTranslation) -> dict[str, str]:
    """What keeps a translation from being given, by field (empty when it is complete)."""
    problems = {}
    if not (translated.title or "").strip():
        problems["title"] = _("Translate the title.")
    if not (translated.body or "").strip():
        problems["body"] = _("Translate the instructions.")
    return problems


def local_moment(day: dt.date, at: dt.time) -> dt.datetime:
    """A wall-clock time in the clinic on `day`, in UTC.

    Built from the date and the zone (not by adding hours to a moment), so 09:00
    stays 09:00 on the far side of a clock change.
    """
    return dt.datetime.combine(day, at, tzinfo=clinic_zone()).astimezone(dt.UTC)


def _session_day(session: TreatmentSession, log: SessionLog) -> dt.date:
    moment = session.appointment.starts_at if session.appointment_id else log.logged_at
    return timezone.localtime(moment or timezone.now(), clinic_zone()).date()


# --- after a session ------------------------------------------------------------------------


def _is_final(session: TreatmentSession) -> bool:
    return session.kind == SessionKind.TOUCH_UP or session.number == session.plan.planned_sessions


@transaction.atomic
def after_session_logged(log: SessionLog) -> None:
    """Called by sessions_app.plans.session_log_save in its transaction, the first time a
    session is logged: make the aftercare plan, the check-ins and their reminders.

    Calling it again changes nothing (the plan exists, reminder keys are unique).
    """
    session = TreatmentSession.objects.select_related("plan__client", "appointment").get(
        pk=log.session_id
    )
    client = session.plan.client
    now = timezone.now()
    today = timezone.localtime(now, clinic_zone()).date()
    aftercare, created = AftercarePlan.objects.get_or_create(
        session=session, defaults={"client": client, "starts_on": _session_day(session, log)}
    )
    if created:
        # The client's copy, in their language where the clinic has translated the wording.
        language = language_or_default(client.language)
        steps = []
        for i in AftercareInstruction.objects.prefetch_related("translations"):
            wording = instruction_wording(i, language)
            steps.append(
                AftercareStep(
                    plan=aftercare,
                    day_from=i.day_from,
                    day_to=i.day_to,
                    title=wording.title,
                    body=wording.body,
                    language=wording.language,
                    send_message=i.send_message,
                )
            )
        AftercareStep.objects.bulk_create(steps)
    starts_on = aftercare.starts_on

    # When each message goes is the clinic's setting for its kind (reminders.kinds): the
    # aftercare steps give the days and the aftercare template the time of day.
    message_time = send_time(ReminderKind.AFTERCARE)
    for day in sorted({s.day_from for s in aftercare.steps.all() if s.send_message}):
        on = starts_on + dt.timedelta(days=day)
        if on < today:
            continue  # logged late: that day's advice is past, do not send it now
        schedule(
            key=f"session:{session.pk}:aftercare:day{day}",
            client=client,
            kind=ReminderKind.AFTERCARE,
            due_at=max(local_moment(on, message_time), now),
            plan=session.plan,
            session=session,
            data={"day": day, "aftercare_plan_id": aftercare.pk},
        )

    check_ins = [(CheckInKind.FADE, ReminderKind.FADE_CHECK_IN, "fade")]
    if _is_final(session):
        check_ins.append((CheckInKind.FINAL, ReminderKind.FINAL_CHECK_IN, "final"))
    for kind, reminder_kind, name in check_ins:
        check_in, _ = CheckIn.objects.get_or_create(
            session=session, kind=kind, defaults={"client": client}
        )
        for _days, due_at in due_times(reminder_kind, starts_on):
            schedule(
                key=f"session:{session.pk}:{name}-check-in",
                client=client,
                kind=reminder_kind,
                due_at=max(due_at, now),
                plan=session.plan,
                session=session,
                data={"check_in_id": check_in.pk},
            )

    following = session_following(session=session)
    if following is not None and not following.is_booked:
        for _days, due_at in due_times(ReminderKind.GAP_INVITE, starts_on):
            schedule(
                key=f"session:{session.pk}:gap-invite",
                client=client,
                kind=ReminderKind.GAP_INVITE,
                due_at=max(due_at, now),
                plan=session.plan,
                session=following,
                data={"after_session_id": session.pk},
            )


# --- what the client reads ------------------------------------------------------------------


@dataclass(frozen=True)
class TodayStep:
    day: int
    session_number: int
    title: str
    body: str
    day_from: int
    day_to: int

    @property
    def label(self) -> str:
        return gettext("Day %(day)s after session %(number)s") % {
            "day": self.day,
            "number": self.session_number,
        }


def today_aftercare(client: Client, on: dt.date | None = None) -> list[TodayStep]:
    """The advice that applies today, from the client's latest aftercare plan."""
    on = on or timezone.localdate()
    plan = (
        AftercarePlan.objects.filter(client=client, starts_on__lte=on)
        .select_related("session")
        .order_by("-starts_on", "-id")
        .first()
    )
    if plan is None:
        return []
    day = (on - plan.starts_on).days
    return [
        TodayStep(
            day=day,
            session_number=plan.session.number,
            title=step.title,
            body=step.body,
            day_from=step.day_from,
            day_to=step.day_to,
        )
        for step in plan.steps.filter(day_from__lte=day, day_to__gte=day).order_by("day_from", "id")
    ]


def aftercare_for_session(session: TreatmentSession) -> AftercarePlan | None:
    """The aftercare given after this session, with its steps in day order."""
    return (
        AftercarePlan.objects.filter(session=session)
        .prefetch_related(
            Prefetch("steps", queryset=AftercareStep.objects.order_by("day_from", "id"))
        )
        .first()
    )


def regions_treated(session: TreatmentSession) -> list[tuple[str, str]]:
    """(region, label) of the regions worked on in this session, in the map's order."""
    if not session.is_logged:
        return []
    treated = set(session.log.regions.values_list("region", flat=True))
    return [(value, label) for value, label in Region.choices if value in treated]


# --- the client's check-in ------------------------------------------------------------------


def _clean_answers(
    *, regions: list[str], redness: str, itching: str, region_views: dict, questions: str
) -> dict:
    errors = {}
    if redness not in Level.values:
        errors["redness"] = _("Choose how red your scalp is.")
    if itching not in Level.values:
        errors["itching"] = _("Choose how much it itches.")
    views = {}
    for region, view in (region_views or {}).items():
        if region not in regions:
            errors["region_views"] = _("Only the regions treated in this session can be described.")
            continue
        look = (view or {}).get("look", "")
        note = ((view or {}).get("note") or "").strip()
        if look and look not in RegionLook.labels:
            errors["region_views"] = _("Choose how each region looks from the list.")
        if len(note) > NOTE_MAX_LENGTH:
            errors["region_views"] = f"Keep each note under {NOTE_MAX_LENGTH} characters."
        if look or note:
            views[region] = {"look": look, "note": note}
    questions = (questions or "").strip()
    if len(questions) > QUESTIONS_MAX_LENGTH:
        errors["questions"] = f"Keep your questions under {QUESTIONS_MAX_LENGTH} characters."
    if errors:
        raise ValidationError(errors)
    return {"redness": redness, "itching": itching, "region_views": views, "questions": questions}


def _store_photos(check_in: CheckIn, photos: dict[str, object], by: User | None) -> list[Photo]:
    """All the photos or none: a refused file removes the ones already stored."""
    from photos.services import photos_add_many

    stored: list[Photo] = []
    errors: dict[str, list[str]] = {}
    for angle, upload in photos.items():
        if upload is None:
            continue
        try:
            stored += photos_add_many(
                client=check_in.client,
                angle=angle,
                stage=PhotoStage.CHECK_IN,
                uploads=[upload],
                session=check_in.session,
                by=by,
                note=check_in.short_kind,
                shared_with_client=True,
            )
        except ValidationError as error:
            errors[f"photo_{angle}"] = error.messages
    if errors:
        for photo in stored:
            for field in (photo.image, photo.thumbnail):
                field.storage.delete(field.name)
        raise ValidationError(errors)
    return stored


def check_in_submit(
    *,
    check_in: CheckIn,
    photos: dict[str, object],
    redness: str,
    itching: str,
    region_views: dict[str, dict] | None = None,
    questions: str = "",
    by: User | None = None,
) -> CheckIn:
    """Store the client's photos and answers, once.

    `photos` maps a PhotoAngle value to an upload (or None); at least one is needed.
    `region_views` maps a treated region to {"look": RegionLook, "note": text}.
    Raises CheckInAlreadySent when it was sent before (also for the second of two
    taps at once: the row is locked and its status checked inside the transaction),
    ValidationError keyed by field otherwise; on any error nothing is stored.
    """
    photos = {angle: upload for angle, upload in (photos or {}).items() if upload}
    unknown = set(photos) - set(CHECK_IN_ANGLES)
    if unknown:
        raise ValidationError({"photos": _("Unknown photo angle.")})
    with transaction.atomic():
        locked = (
            CheckIn.objects.select_for_update(of=("self",))
            .select_related("client", "session__plan", "session__log")
            .get(pk=check_in.pk)
        )
        if locked.status != CheckInStatus.INVITED:
            raise CheckInAlreadySent("This check-in was already sent.")
        errors = {}
        try:
            answers = _clean_answers(
                regions=[region for region, _ in regions_treated(locked.session)],
                redness=redness,
                itching=itching,
                region_views=region_views or {},
                questions=questions,
            )
        except ValidationError as error:
            errors = error.message_dict
        if not photos:
            errors["photos"] = ["Add at least one photo of your scalp."]
        if errors:
            raise ValidationError(errors)
        stored = _store_photos(locked, photos, by)
        try:
            locked.redness = answers["redness"]
            locked.itching = answers["itching"]
            locked.region_views = answers["region_views"]
            locked.client_questions = answers["questions"]
            locked.status = CheckInStatus.SUBMITTED
            locked.submitted_at = timezone.now()
            locked.save()
            locked.photos.add(*stored)
        except BaseException:
            for photo in stored:
                for field in (photo.image, photo.thumbnail):
                    field.storage.delete(field.name)
            raise
    return locked


# --- the artist's review ----------------------------------------------------------------------


def may_review(user: User, check_in: CheckIn) -> bool:
    """The client's artist (the plan's, or the session's) or a manager."""
    return plans.may_log_session(user, check_in.session)


def next_session_for(check_in: CheckIn) -> TreatmentSession | None:
    """Where the healing judged from a check-in is recorded: the plan's next session."""
    return session_following(session=check_in.session)


@transaction.atomic
def check_in_review(
    *,
    check_in: CheckIn,
    by: User,
    reply: str,
    healing: dict[str, tuple[str, str]] | None = None,
    proposal: str = "",
    proposal_note: str = "",
) -> CheckIn:
    """The artist's judgement of a sent check-in, and the reply the client gets now.

    `healing` maps treated regions to (HealingStatus, note). It is kept with the
    check-in and, when the plan has a next session, recorded on it (what that
    session fills in); with no next session it stays with the check-in only.
    """
    locked = (
        CheckIn.objects.select_for_update(of=("self",))
        .select_related("client", "session__plan", "session__appointment")
        .get(pk=check_in.pk)
    )
    if not may_review(by, locked):
        raise ValidationError(_("Only the client's artist or a manager can review this check-in."))
    if locked.status == CheckInStatus.INVITED:
        raise ValidationError(_("The client has not sent this check-in yet."))
    if locked.status == CheckInStatus.REVIEWED:
        raise ValidationError(_("This check-in has already been reviewed."))
    errors = {}
    reply = (reply or "").strip()
    if not reply:
        errors["reply"] = _("Write a reply to the client.")
    if proposal not in Proposal.values:
        errors["proposal"] = _("Choose what you propose.")
    proposal_note = (proposal_note or "").strip()
    if len(proposal_note) > 300:
        errors["proposal_note"] = _("Keep the note under 300 characters.")
    treated = {region for region, _ in regions_treated(locked.session)}
    healing = healing or {}
    for region, (status, note) in healing.items():
        if region not in treated or status not in HealingStatus.values:
            errors["healing"] = _("Choose how each treated region healed.")
        elif len((note or "").strip()) > 300:
            errors["healing"] = _("Keep each note under 300 characters.")
    if errors:
        raise ValidationError(errors)
    locked.reply = reply
    locked.healing = {
        region: {"status": status, "note": (note or "").strip()}
        for region, (status, note) in healing.items()
    }
    locked.proposal = proposal
    locked.proposal_note = proposal_note if proposal else ""
    locked.status = CheckInStatus.REVIEWED
    locked.reviewed_by = by
    locked.reviewed_at = timezone.now()
    locked.save()
    following = session_following(session=locked.session)
    if healing and following is not None:
        plans.healing_record(session=following, by=by, assessments=healing)
    schedule(
        key=f"check-in:{locked.pk}:reply",
        client=locked.client,
        kind=ReminderKind.CHECK_IN_REPLY,
        due_at=timezone.now(),
        plan=locked.session.plan,
        session=locked.session,
        data={"check_in_id": locked.pk},
    )
    return locked


@transaction.atomic
def proposal_mark_handled(*, check_in: CheckIn, by: User, add_session: bool = False) -> CheckIn:
    """The front desk acted on the artist's proposal (booked it, or settled it otherwise).

    With `add_session`, the proposed extra session or touch-up is added to the plan
    first, ready to book.
    """
    if by.role not in (Role.FRONT_DESK, Role.MANAGER):
        raise ValidationError("Only the front desk or a manager can handle proposals.")
    locked = (
        CheckIn.objects.select_for_update(of=("self",))
        .select_related("session__plan")
        .get(pk=check_in.pk)
    )
    if not locked.proposal:
        raise ValidationError("The artist did not propose anything here.")
    if locked.proposal_handled_at is not None:
        raise ValidationError("This proposal has already been handled.")
    if add_session:
        plan = locked.session.plan
        note = locked.proposal_note or (
            f"Proposed after the check-in of session {locked.session.number}"
        )
        if locked.proposal == Proposal.EXTRA_SESSION:
            plans.plan_add_extra_session(
                plan=plan, reason=ExtraReason.PATCHY_HEALING, note=note, by=by
            )
        else:
            plans.plan_add_touch_up(plan=plan, note=note)
    locked.proposal_handled_at = timezone.now()
    locked.proposal_handled_by = by
    locked.save(update_fields=["proposal_handled_at", "proposal_handled_by"])
    return locked


def days_since_session(check_in: CheckIn, on: dt.date | None = None) -> int | None:
    """Days from the session (day 0) to `on` (today), from the aftercare plan's start."""
    aftercare = getattr(check_in.session, "aftercare_plan", None)
    if aftercare is None:
        return None
    return ((on or timezone.localdate()) - aftercare.starts_on).days
