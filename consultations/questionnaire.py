"""The health questionnaire: versions, and the client's answers.

The clinic's questions are versioned. A version that has been answered never
changes (the manager copies it as a new draft, edits that and publishes it);
the newest published version is the one clients answer. Each answer keeps the
question it answered and its wording, so an old response reads as it was given.

A yes to a question marked as a contraindication flags the response and puts the
consultation up for practitioner review: no session can be booked until an
artist signs it off (consultations.rules asks `review_required`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clients.models import Client

from .models import (
    Answer,
    Consultation,
    FormChannel,
    Question,
    QuestionKind,
    QuestionnaireResponse,
    QuestionnaireVersion,
    QuestionTranslation,
)

USER_AGENT_MAX = 300
DETAILS_MAX = 2000
TEXT_MAX = 4000


def current_questionnaire() -> QuestionnaireVersion | None:
    """The newest published version, with its questions, or None if none is published."""
    return (
        QuestionnaireVersion.objects.filter(published_at__isnull=False)
        .order_by("-number")
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.order_by("position").prefetch_related("translations"),
            )
        )
        .first()
    )


@dataclass(frozen=True)
class QuestionWording:
    """A question as one client reads it, and the language it is really in ("" for the
    clinic's own wording)."""

    text: str
    help_text: str
    language: str = ""


def question_wording(question: Question, language: str = "") -> QuestionWording:
    """The question in `language` when the clinic has translated it in full (the question,
    and its help text when it has one); otherwise the clinic's own wording."""
    own = QuestionWording(text=question.text, help_text=question.help_text)
    if not language or language == settings.LANGUAGE_CODE.lower() or question.pk is None:
        return own
    translated = next((t for t in question.translations.all() if t.language == language), None)
    if translated is None or translation_problems(question, translated):
        return own  # half-translated: the clinic's own question, in full
    return QuestionWording(
        text=translated.text.strip(), help_text=translated.help_text.strip(), language=language
    )


def translation_problems(question: Question, translated: QuestionTranslation) -> dict[str, str]:
    """What keeps a translation from being shown, by field (empty when it is complete)."""
    problems = {}
    if not (translated.text or "").strip():
        problems["text"] = _("Translate the question.")
    if question.help_text.strip() and not (translated.help_text or "").strip():
        problems["help_text"] = _(
            "The question has a help text: translate it too, or clients in this language "
            "read it in the clinic's own language."
        )
    return problems


def question_save(*, question: Question) -> Question:
    """Save a question; an answered version refuses the change (Question.save)."""
    question.save()
    return question


@transaction.atomic
def questionnaire_copy_as_draft(*, version: QuestionnaireVersion, by=None) -> QuestionnaireVersion:
    """A new unpublished version with the same questions, ready to edit."""
    highest = QuestionnaireVersion.objects.select_for_update().aggregate(n=Max("number"))["n"] or 0
    draft = QuestionnaireVersion.objects.create(
        number=highest + 1, note=f"Copied from version {version.number}", created_by=by
    )
    Question.objects.bulk_create(
        Question(
            version=draft,
            position=q.position,
            text=q.text,
            help_text=q.help_text,
            kind=q.kind,
            required=q.required,
            contraindication=q.contraindication,
            ask_details=q.ask_details,
        )
        for q in version.questions.order_by("position")
    )
    copies = {q.position: q for q in draft.questions.all()}
    QuestionTranslation.objects.bulk_create(
        QuestionTranslation(
            question=copies[t.question.position],
            language=t.language,
            text=t.text,
            help_text=t.help_text,
        )
        for t in QuestionTranslation.objects.filter(question__version=version).select_related(
            "question"
        )
    )
    return draft


def questionnaire_publish(*, version: QuestionnaireVersion) -> QuestionnaireVersion:
    if not version.questions.exists():
        raise ValidationError(_("Add at least one question before publishing."))
    if version.published_at is None:
        version.published_at = timezone.now()
        version.save(update_fields=["published_at"])
    return version


def latest_response(*, client: Client, consultation: Consultation | None = None):
    """The response that counts (latest wins), optionally for one consultation."""
    responses = QuestionnaireResponse.objects.filter(client=client)
    if consultation is not None:
        responses = responses.filter(consultation=consultation)
    return responses.order_by("-submitted_at", "-id").first()


def _as_yes(value) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in {"yes", "true", "1", "on", "y"}:
        return True
    if text in {"no", "false", "0", "n"}:
        return False
    return None


@transaction.atomic
def questionnaire_submit(
    *,
    client: Client,
    consultation: Consultation | None,
    answers: dict,
    details: dict,
    channel: str,
    ip: str | None,
    user_agent: str,
    version: QuestionnaireVersion | None = None,
    language: str = "",
) -> QuestionnaireResponse:
    """Store a completed questionnaire; a later response supersedes earlier ones.

    `answers` maps question ids to "yes"/"no" (or True/False) for yes/no questions
    and to text for free-text ones; `details` maps question ids to the details
    given after a yes. Unanswered required questions are refused with a
    ValidationError keyed by question id (as a string), and nothing is stored. Each answer
    keeps the question as the client read it, in `language` when the clinic translated it.
    """
    if channel not in FormChannel.values:
        raise ValidationError(_("Unknown way of answering."))
    if consultation is not None and consultation.client_id != client.pk:
        raise ValidationError(_("This consultation belongs to someone else."))
    version = version or current_questionnaire()
    if version is None:
        raise ValidationError(_("The clinic has not published a health questionnaire yet."))
    if version.published_at is None:
        raise ValidationError(_("This questionnaire version is not published."))
    answers = {str(k): v for k, v in (answers or {}).items()}
    details = {str(k): v for k, v in (details or {}).items()}

    errors: dict[str, str] = {}
    rows: list[Answer] = []
    shown_in = ""
    questions = version.questions.order_by("position").prefetch_related("translations")
    for question in questions:
        wording = question_wording(question, language)
        shown_in = shown_in or wording.language
        key = str(question.pk)
        raw = answers.get(key)
        detail = str(details.get(key) or "").strip()[:DETAILS_MAX]
        if question.kind == QuestionKind.YES_NO:
            yes = _as_yes(raw)
            if yes is None and raw not in (None, ""):
                errors[key] = _("Answer yes or no.")
                continue
            if yes is None and question.required:
                errors[key] = _("Please answer yes or no.")
                continue
            flags = bool(yes and question.contraindication)
            rows.append(
                Answer(
                    question=question,
                    question_text=wording.text,
                    yes=yes,
                    details=detail if yes and question.ask_details else "",
                    flags_contraindication=flags,
                )
            )
        else:
            text = str(raw or "").strip()
            if not text and question.required:
                errors[key] = _("Please answer this question.")
                continue
            rows.append(
                Answer(
                    question=question,
                    question_text=wording.text,
                    text=text[:TEXT_MAX],
                    details=detail,
                )
            )
    if errors:
        raise ValidationError(errors)

    flagged = any(row.flags_contraindication for row in rows)
    response = QuestionnaireResponse.objects.create(
        client=client,
        consultation=consultation,
        version=version,
        flagged=flagged,
        channel=channel,
        language=shown_in,
        ip_address=ip or None,
        user_agent=(user_agent or "")[:USER_AGENT_MAX],
    )
    for row in rows:
        row.response = response
    Answer.objects.bulk_create(rows)
    if flagged and consultation is not None:
        # A new flagged answer needs a new sign-off, even if an earlier one was reviewed.
        Consultation.objects.filter(pk=consultation.pk).update(
            review_required=True, reviewed_by=None, reviewed_at=None, updated_at=timezone.now()
        )
        consultation.review_required = True
        consultation.reviewed_by = None
        consultation.reviewed_at = None
    return response


# --- drafts, for the clinic's settings -------------------------------------------------------

QUESTION_TEXT_MAX = 300


@dataclass(frozen=True)
class QuestionDraft:
    """One question of a draft as the manager wrote it; `pk` is None for a new one."""

    pk: int | None
    text: str
    help_text: str = ""
    kind: str = QuestionKind.YES_NO
    required: bool = True
    contraindication: bool = False
    ask_details: bool = False
    # (language, question, help) in the clinic's other languages; both empty removes that
    # language's wording. None leaves the translations as they are.
    translations: tuple[tuple[str, str, str], ...] | None = None


class QuestionsRefused(ValidationError):
    """Problems with questions of a draft: `problems` maps each question's place in the list
    given to {field: message}."""

    def __init__(self, problems: dict[int, dict[str, str]]):
        self.problems = problems
        super().__init__(
            [
                f"Question {index + 1}: {message}"
                for index, fields in sorted(problems.items())
                for message in fields.values()
            ]
        )


def questionnaire_draft() -> QuestionnaireVersion | None:
    """The draft being prepared: an unpublished version newer than the live one."""
    live = current_questionnaire()
    drafts = QuestionnaireVersion.objects.filter(published_at__isnull=True)
    if live is not None:
        drafts = drafts.filter(number__gt=live.number)
    return (
        drafts.order_by("-number")
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.order_by("position").prefetch_related("translations"),
            )
        )
        .first()
    )


@transaction.atomic
def questionnaire_draft_start(*, by=None) -> QuestionnaireVersion:
    """The draft in progress, else a copy of the live version (or an empty first version)."""
    QuestionnaireVersion.objects.select_for_update().aggregate(n=Max("number"))
    draft = questionnaire_draft()
    if draft is not None:
        return draft
    live = current_questionnaire()
    if live is not None:
        return questionnaire_copy_as_draft(version=live, by=by)
    highest = QuestionnaireVersion.objects.aggregate(n=Max("number"))["n"] or 0
    return QuestionnaireVersion.objects.create(number=highest + 1, created_by=by)


def question_problems(question: QuestionDraft) -> dict[str, str]:
    """What is wrong with one question as written (empty when nothing)."""
    problems = {}
    text = " ".join((question.text or "").split())
    if not text:
        problems["text"] = "Write the question."
    elif len(text) > QUESTION_TEXT_MAX:
        problems["text"] = f"Keep the question to {QUESTION_TEXT_MAX} characters."
    if len(question.help_text or "") > QUESTION_TEXT_MAX:
        problems["help_text"] = f"Keep the help to {QUESTION_TEXT_MAX} characters."
    if question.kind not in QuestionKind.values:
        problems["kind"] = "Choose yes / no or free text."
    elif question.kind == QuestionKind.TEXT and (question.contraindication or question.ask_details):
        problems["kind"] = (
            "Only a yes / no question can need a review or ask for details after a yes."
        )
    for language, text, help_text in question.translations or ():
        text, help_text = text.strip(), help_text.strip()
        if not text and not help_text:
            continue
        if not text:
            problems[f"text_{language}"] = "Write the question in this language too."
        elif len(text) > QUESTION_TEXT_MAX or len(help_text) > QUESTION_TEXT_MAX:
            problems[f"text_{language}"] = f"Keep it to {QUESTION_TEXT_MAX} characters."
        elif (question.help_text or "").strip() and not help_text:
            problems[f"help_text_{language}"] = (
                "The question has help beneath it: translate it too, or clients in this "
                "language read it in the clinic's own language."
            )
    return problems


@transaction.atomic
def questionnaire_draft_update(
    *, version: QuestionnaireVersion, questions: list[QuestionDraft]
) -> QuestionnaireVersion:
    """Make the draft's questions these, in this order: questions left out are removed, new
    ones added. Refuses a published or answered version (ValidationError), and questions
    written wrong or belonging to another version (QuestionsRefused): nothing is saved."""
    version = QuestionnaireVersion.objects.select_for_update().get(pk=version.pk)
    if version.published_at is not None:
        raise ValidationError(
            f"Version {version.number} is published: start a new draft to change the questions."
        )
    version.check_editable()
    existing = {question.pk: question for question in version.questions.all()}
    errors: dict[int, dict[str, str]] = {}
    for index, question in enumerate(questions):
        problems = question_problems(question)
        if question.pk is not None and question.pk not in existing:
            problems["text"] = "This question is not part of the draft."
        if problems:
            errors[index] = problems
    if errors:
        raise QuestionsRefused(errors)
    kept = {question.pk for question in questions if question.pk is not None}
    for pk, question in existing.items():
        if pk not in kept:
            question.delete()
    # Out of the way first, so that no two questions ever hold one position.
    moved = [
        existing[question.pk]
        for position, question in enumerate(questions, start=1)
        if question.pk is not None and existing[question.pk].position != position
    ]
    for offset, row in enumerate(moved, start=1):
        row.position = 10_000 + offset
        row.save(update_fields=["position"])
    for position, question in enumerate(questions, start=1):
        row = existing.get(question.pk) if question.pk is not None else None
        row = row or Question(version=version)
        row.position = position
        row.text = " ".join(question.text.split())
        row.help_text = (question.help_text or "").strip()
        row.kind = question.kind
        row.required = question.required
        row.contraindication = question.contraindication
        row.ask_details = question.ask_details
        question_save(question=row)
        for language, text, help_text in question.translations or ():
            if not text.strip():
                QuestionTranslation.objects.filter(question=row, language=language).delete()
                continue
            QuestionTranslation.objects.update_or_create(
                question=row,
                language=language,
                defaults={"text": " ".join(text.split()), "help_text": help_text.strip()},
            )
    return version


def questionnaire_as_text(version: QuestionnaireVersion | None) -> str:
    """The questions as a person reads them, one a line with how they are asked: what the
    settings compare between the draft and the live version."""
    if version is None:
        return ""
    lines = []
    # Not numbered: a question added or removed would renumber, and so "change", every other.
    for question in version.questions.all():
        how = [str(QuestionKind(question.kind).label)]
        how.append(gettext("must be answered") if question.required else gettext("may be left out"))
        if question.contraindication:
            how.append(gettext("a yes needs practitioner review"))
        if question.ask_details:
            how.append(gettext("asks for details after a yes"))
        lines.append(f"{question.text} ({'; '.join(how)})")
        if question.help_text:
            lines.append(f"    {question.help_text}")
        for translated in sorted(question.translations.all(), key=lambda t: t.language):
            lines.append(f"    [{translated.language}] {translated.text}")
            if translated.help_text:
                lines.append(f"        {translated.help_text}")
    return "\n".join(lines)


def questionnaire_draft_publish(*, version: QuestionnaireVersion) -> QuestionnaireVersion:
    """Publish the draft: clients answer it from now on; earlier answers keep their version.
    A draft with the same questions as the live version is refused."""
    live = current_questionnaire()
    if version.published_at is not None:
        raise ValidationError(
            _("Version %(number)s is already published.") % {"number": version.number}
        )
    if live is not None and questionnaire_as_text(live) == questionnaire_as_text(version):
        raise ValidationError(
            _("The draft asks exactly what the live version asks: there is nothing to publish.")
        )
    return questionnaire_publish(version=version)


def questionnaire_history() -> list[QuestionnaireVersion]:
    """Every version, newest first, with `n_questions` and `n_responses` (one query)."""
    return list(
        QuestionnaireVersion.objects.annotate(
            n_questions=Count("questions", distinct=True),
            n_responses=Count("responses", distinct=True),
        ).order_by("-number")
    )
