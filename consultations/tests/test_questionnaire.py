"""The health questionnaire: versions, answers that keep their wording, contraindications."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from consultations import admin_forms  # noqa: F401  (registers the forms' admin)
from consultations.models import (
    Answer,
    Question,
    QuestionKind,
    QuestionnaireResponse,
    QuestionnaireVersion,
)
from consultations.questionnaire import (
    current_questionnaire,
    latest_response,
    question_save,
    questionnaire_copy_as_draft,
    questionnaire_publish,
    questionnaire_submit,
)
from consultations.tests import factories

consult = factories.consult  # fixture


def all_no(version, **overrides) -> dict:
    """Every yes/no question answered no, free text filled in, with overrides by position."""
    answers = {}
    for question in version.questions.all():
        if question.kind == QuestionKind.YES_NO:
            answers[question.pk] = "no"
        else:
            answers[question.pk] = "None"
    for position, value in overrides.items():
        answers[version.questions.get(position=int(position.lstrip("p"))).pk] = value
    return answers


def submit(consult, answers, details=None, **kwargs):
    return questionnaire_submit(
        client=consult.client,
        consultation=consult.consultation,
        answers=answers,
        details=details or {},
        channel="online",
        ip="203.0.113.9",
        user_agent="Mozilla/5.0 " + "x" * 400,
        **kwargs,
    )


def test_the_default_questionnaire_is_published_with_the_clinic_questions(db):
    version = current_questionnaire()
    assert version.number == 1 and version.published_at is not None
    texts = " ".join(q.text for q in version.questions.all()).lower()
    for topic in [
        "keloid",
        "psoriasis",
        "blood thinners",
        "diabetes",
        "pregnant",
        "nickel",
        "lidocaine",
        "chemotherapy",
        "finasteride",
        "fut strip",
        "sunbeds",
        "micropigmentation",
        "medication do you take",
        "anything else",
    ]:
        assert topic in texts, topic
    flagged = version.questions.filter(contraindication=True)
    assert {q.position for q in flagged} >= {1, 2, 3, 4, 5, 6, 7}
    assert not version.questions.get(text__icontains="anything else").required


def test_answers_are_stored_with_their_wording_and_flag_review(consult):
    version = current_questionnaire()
    diabetes = version.questions.get(text__icontains="diabetes")
    answers = all_no(version)
    answers[diabetes.pk] = "yes"
    response = submit(consult, answers, details={diabetes.pk: "Type 2, tablets"})

    assert response.flagged
    assert response.version == version
    assert len(response.user_agent) == 300
    assert response.ip_address == "203.0.113.9"
    stored = Answer.objects.get(response=response, question=diabetes)
    assert stored.question_text == diabetes.text
    assert stored.yes is True and stored.details == "Type 2, tablets"
    assert stored.flags_contraindication
    assert response.answers.count() == version.questions.count()
    consult.consultation.refresh_from_db()
    assert consult.consultation.review_required


def test_a_new_flagged_answer_needs_a_new_sign_off(consult):
    version = current_questionnaire()
    consultation = consult.consultation
    consultation.review_required = True
    consultation.reviewed_by = consult.artist
    consultation.reviewed_at = timezone.now()
    consultation.save()
    submit(consult, all_no(version, p4="yes"))
    consultation.refresh_from_db()
    assert consultation.review_required
    assert consultation.reviewed_by is None and consultation.reviewed_at is None


def test_a_yes_that_is_not_a_contraindication_does_not_flag(consult):
    version = current_questionnaire()
    finasteride = version.questions.get(text__icontains="finasteride")
    assert not finasteride.contraindication
    answers = all_no(version)
    answers[finasteride.pk] = "yes"
    response = submit(consult, answers)
    assert not response.flagged
    consult.consultation.refresh_from_db()
    assert not consult.consultation.review_required


def test_unanswered_required_questions_are_refused_per_question(consult):
    version = current_questionnaire()
    answers = all_no(version)
    diabetes = version.questions.get(text__icontains="diabetes")
    medication = version.questions.get(text__icontains="medication do you take")
    del answers[diabetes.pk]
    answers[medication.pk] = "   "
    with pytest.raises(ValidationError) as refused:
        submit(consult, answers)
    assert set(refused.value.message_dict) == {str(diabetes.pk), str(medication.pk)}
    assert not QuestionnaireResponse.objects.exists()
    consult.consultation.refresh_from_db()
    assert not consult.consultation.review_required


def test_nonsense_answers_are_refused(consult):
    version = current_questionnaire()
    answers = all_no(version)
    first = version.questions.get(position=1)
    answers[first.pk] = "maybe"
    with pytest.raises(ValidationError) as refused:
        submit(consult, answers)
    assert refused.value.message_dict[str(first.pk)] == ["Answer yes or no."]


def test_someone_elses_consultation_is_refused(consult):
    version = current_questionnaire()
    with pytest.raises(ValidationError):
        questionnaire_submit(
            client=consult.other_client,
            consultation=consult.consultation,
            answers=all_no(version),
            details={},
            channel="online",
            ip=None,
            user_agent="",
        )
    assert not QuestionnaireResponse.objects.exists()


def test_the_latest_response_wins_and_earlier_ones_are_kept(consult):
    version = current_questionnaire()
    first = submit(consult, all_no(version, p4="yes"))
    second = submit(consult, all_no(version))
    assert latest_response(client=consult.client, consultation=consult.consultation) == second
    assert QuestionnaireResponse.objects.filter(pk=first.pk).exists()
    assert first.answers.filter(flags_contraindication=True).count() == 1


def test_old_answers_keep_their_version_and_wording_after_the_questions_change(consult, people):
    v1 = current_questionnaire()
    old = submit(consult, all_no(v1, p4="yes"))
    diabetes_v1 = v1.questions.get(position=4)

    draft = questionnaire_copy_as_draft(version=v1, by=people.manager)
    assert draft.number == 2 and draft.published_at is None
    assert current_questionnaire() == v1  # a draft is not current
    reworded = draft.questions.get(position=4)
    reworded.text = "Do you have diabetes (type 1 or type 2)?"
    question_save(question=reworded)
    questionnaire_publish(version=draft)
    assert current_questionnaire() == draft

    new = submit(consult, all_no(draft))
    old_answer = old.answers.get(question__position=4)
    assert old.version == v1 and new.version == draft
    assert old_answer.question == diabetes_v1
    assert (
        old_answer.question_text == diabetes_v1.text == Question.objects.get(pk=diabetes_v1.pk).text
    )
    assert new.answers.get(question__position=4).question_text == reworded.text


def test_an_answered_version_cannot_change(consult):
    v1 = current_questionnaire()
    submit(consult, all_no(v1))
    question = v1.questions.first()
    question.text = "Changed after it was answered"
    with pytest.raises(ValidationError, match="cannot change"):
        question_save(question=question)
    assert Question.objects.get(pk=question.pk).text != "Changed after it was answered"


def test_publishing_an_empty_version_is_refused(db):
    empty = QuestionnaireVersion.objects.create(number=7)
    with pytest.raises(ValidationError):
        questionnaire_publish(version=empty)


# --- admin ----------------------------------------------------------------------------------


def test_the_admin_shows_an_answered_version_read_only(consult, as_user, people):
    v1 = current_questionnaire()
    submit(consult, all_no(v1))
    page = as_user(people.manager).get(
        reverse("admin:consultations_questionnaireversion_change", args=[v1.pk]), follow=True
    )
    assert page.status_code == 200
    content = page.content.decode()
    assert "cannot change" in content
    # The questions show as text, not as inputs.
    assert 'name="questions-0-text"' not in content
    assert v1.questions.first().text in content


def test_the_admin_refuses_a_forged_edit_of_an_answered_version(consult, as_user, people):
    v1 = current_questionnaire()
    submit(consult, all_no(v1))
    c = as_user(people.manager)
    c.post(
        reverse("admin:consultations_questionnaireversion_change", args=[v1.pk]),
        {
            "number": "99",
            "note": "forged",
            "questions-TOTAL_FORMS": "0",
            "questions-INITIAL_FORMS": "0",
        },
    )
    v1.refresh_from_db()
    assert v1.number == 1 and v1.note != "forged"


def test_admin_actions_copy_as_draft_then_publish(consult, as_user, people):
    v1 = current_questionnaire()
    c = as_user(people.manager)
    url = reverse("admin:consultations_questionnaireversion_changelist")
    c.post(url, {"action": "copy_as_draft", "_selected_action": [v1.pk]})
    draft = QuestionnaireVersion.objects.get(number=2)
    assert draft.questions.count() == v1.questions.count()
    assert draft.published_at is None
    c.post(url, {"action": "publish", "_selected_action": [draft.pk]})
    assert current_questionnaire() == draft
