"""Treatment waits for the practitioner's review and a clean, read patch test."""

import datetime as dt

import pytest
from django.urls import reverse

from consultations import services
from consultations.models import PatchReading
from consultations.rules import treatment_booking_problem
from scheduling.booking import BookingRefused, booking_create, booking_move
from scheduling.models import Appointment, AppointmentType
from sessions_app import plans
from tests.clock import MONDAY, YEAR, at

from .factories import flag_for_review, patch_test_row

pytestmark = pytest.mark.django_db

NEXT_MONDAY = MONDAY + dt.timedelta(days=7)


@pytest.fixture
def plan(consult):
    services.consultation_update(consult.consultation, by=consult.artist, estimated_sessions=3)
    return services.consultation_proceed(consult.consultation, by=consult.artist)


def first_session(plan):
    return plan.sessions.get(number=1)


def book_first(plan, consult, hhmm="10:00", day=NEXT_MONDAY):
    return plans.session_book(
        session=first_session(plan), starts_at=at(day, hhmm), by=consult.people.front_desk
    )


def book_in_diary(consult, hhmm="10:00", day=NEXT_MONDAY, client=None):
    return booking_create(
        client=client or consult.client,
        appointment_type=AppointmentType.objects.get(slug=plans.TREATMENT_TYPE),
        artist=consult.artist,
        starts_at=at(day, hhmm),
        by=consult.people.front_desk,
    )


# --- review ----------------------------------------------------------------------------------


def test_a_contraindication_blocks_treatment_until_signed_off(consult, plan):
    flag_for_review(consult.consultation)
    with pytest.raises(BookingRefused) as refused:
        book_first(plan, consult)
    assert refused.value.problem.code == "review"
    assert "review of the health questionnaire" in refused.value.problem.message
    with pytest.raises(BookingRefused) as refused:
        book_in_diary(consult, "14:00")
    assert refused.value.problem.code == "review"
    assert not Appointment.objects.filter(type__slug=plans.TREATMENT_TYPE).exists()

    services.consultation_review_sign_off(
        consult.consultation, by=consult.artist, note="GP letter seen; controlled."
    )
    appointment = book_first(plan, consult)
    assert first_session(plan).appointment == appointment


def test_the_diary_booking_form_shows_the_review_refusal(consult, as_user):
    flag_for_review(consult.consultation)
    c = as_user(consult.people.front_desk)
    response = c.post(
        reverse("scheduling:book"),
        {
            "client": consult.client.pk,
            "type": plans.TREATMENT_TYPE,
            "starts_at_0": NEXT_MONDAY.isoformat(),
            "starts_at_1": "10:00",
            "artist": consult.artist.pk,
            "minutes": "180",
        },
    )
    assert response.status_code == 200
    assert "review of the health questionnaire" in response.content.decode()
    assert not Appointment.objects.filter(type__slug=plans.TREATMENT_TYPE).exists()


# --- patch test -------------------------------------------------------------------------------


def test_a_pending_patch_test_blocks_treatment(consult, plan):
    patch_test_row(consult.consultation, read_after=at(MONDAY, "12:00"), reading="pending")
    with pytest.raises(BookingRefused) as refused:
        book_first(plan, consult)
    assert refused.value.problem.code == "patch_test_pending"


def test_a_reaction_blocks_treatment_until_a_new_test_reads_clean(consult, plan):
    patch_test_row(consult.consultation, read_after=at(MONDAY, "12:00"), reading="reaction")
    with pytest.raises(BookingRefused) as refused:
        book_first(plan, consult)
    assert refused.value.problem.code == "patch_test_reaction"
    patch_test_row(consult.consultation, read_after=at(MONDAY, "13:00"), pigment="Slate 1")
    assert book_first(plan, consult).starts_at == at(NEXT_MONDAY, "10:00")


def test_treatment_cannot_start_before_the_patch_test_can_be_read(consult, plan):
    patch_test_row(
        consult.consultation, read_after=at(NEXT_MONDAY, "12:00"), reading=PatchReading.NO_REACTION
    )
    with pytest.raises(BookingRefused) as refused:
        book_first(plan, consult, "10:00")
    problem = refused.value.problem
    assert problem.code == "patch_test_too_early"
    assert f"Monday 8 March {YEAR}, 12:00" in problem.message  # clinic time
    appointment = book_first(plan, consult, "13:00")
    assert appointment.starts_at == at(NEXT_MONDAY, "13:00")

    with pytest.raises(BookingRefused) as refused:
        booking_move(appointment=appointment, starts_at=at(NEXT_MONDAY, "09:00"))
    assert refused.value.problem.code == "patch_test_too_early"
    appointment.refresh_from_db()
    assert appointment.starts_at == at(NEXT_MONDAY, "13:00")


def test_a_client_without_any_consultation_is_not_gated(consult):
    assert not consult.other_client.consultations.exists()
    appointment = book_in_diary(consult, client=consult.other_client)
    assert appointment.client == consult.other_client


def test_the_gate_takes_two_queries(consult, django_assert_num_queries):
    for n in range(5):
        patch_test_row(consult.consultation, read_after=at(MONDAY, f"1{n}:00"))
    with django_assert_num_queries(2):
        problem = treatment_booking_problem(
            client=consult.client, starts_at=at(NEXT_MONDAY, "10:00")
        )
    assert problem is None
