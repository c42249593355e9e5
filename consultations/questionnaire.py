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

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone

from clients.models import Client

from .models import (
    Answer,
    Consultation,
    FormChannel,
    Question,
    QuestionKind,
    QuestionnaireResponse,
    QuestionnaireVersion,
)

USER_AGENT_MAX = 300
DETAILS_MAX = 2000
TEXT_MAX = 4000


def current_questionnaire() -> QuestionnaireVersion | None:
    """The newest published version, with its questions, or None if none is published."""
    return (
        QuestionnaireVersion.objects.filter(published_at__isnull=False)
        .order_by("-number")
        .prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("position")))
        .first()
    )


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
    return draft


def questionnaire_publish(*, version: QuestionnaireVersion) -> QuestionnaireVersion:
    if not version.questions.exists():
        raise ValidationError("Add at least one question before publishing.")
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
) -> QuestionnaireResponse:
    """Store a completed questionnaire; a later response supersedes earlier ones.

    `answers` maps question ids to "yes"/"no" (or True/False) for yes/no questions
    and to text for free-text ones; `details` maps question ids to the details
    given after a yes. Unanswered required questions are refused with a
    ValidationError keyed by question id (as a string), and nothing is stored.
    """
    if channel not in FormChannel.values:
        raise ValidationError("Unknown way of answering.")
    if consultation is not None and consultation.client_id != client.pk:
        raise ValidationError("This consultation belongs to someone else.")
    version = version or current_questionnaire()
    if version is None:
        raise ValidationError("The clinic has not published a health questionnaire yet.")
    if version.published_at is None:
        raise ValidationError("This questionnaire version is not published.")
    answers = {str(k): v for k, v in (answers or {}).items()}
    details = {str(k): v for k, v in (details or {}).items()}

    errors: dict[str, str] = {}
    rows: list[Answer] = []
    for question in version.questions.order_by("position"):
        key = str(question.pk)
        raw = answers.get(key)
        detail = str(details.get(key) or "").strip()[:DETAILS_MAX]
        if question.kind == QuestionKind.YES_NO:
            yes = _as_yes(raw)
            if yes is None and raw not in (None, ""):
                errors[key] = "Answer yes or no."
                continue
            if yes is None and question.required:
                errors[key] = "Please answer yes or no."
                continue
            flags = bool(yes and question.contraindication)
            rows.append(
                Answer(
                    question=question,
                    question_text=question.text,
                    yes=yes,
                    details=detail if yes and question.ask_details else "",
                    flags_contraindication=flags,
                )
            )
        else:
            text = str(raw or "").strip()
            if not text and question.required:
                errors[key] = "Please answer this question."
                continue
            rows.append(
                Answer(
                    question=question,
                    question_text=question.text,
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
