"""Data for the home page tests: appointments, check-ins, failed messages and reviews as
they stand on a given day (written directly where the rules refuse past times)."""

import datetime as dt

from django.utils import timezone

from aftercare.models import CheckIn, CheckInKind, CheckInStatus
from consultations.models import Consultation, QuestionnaireResponse
from consultations.tests.factories import flag_for_review
from reminders.models import Channel, Reminder, ReminderKind, ReminderStatus
from scheduling.models import Appointment, AppointmentStatus, AppointmentType
from sessions_app import plans
from tests.clock import at, days_ago, today


def consultation_today(client, artist, hhmm: str) -> Consultation:
    """A consultation booked for today (written directly: the rules refuse past times)."""
    start = at(today(), hhmm)
    appointment = Appointment.objects.create(
        client=client,
        type=AppointmentType.objects.get(slug="consultation"),
        artist=artist,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=45),
        blocked_until=start + dt.timedelta(minutes=60),
        status=AppointmentStatus.BOOKED,
    )
    return Consultation.objects.create(client=client, appointment=appointment, artist=artist)


def ben_plan_with_alex(treatment, sessions=2):
    return plans.plan_create(
        client=treatment.other_client,
        lead_artist=treatment.artist2,
        planned_sessions=sessions,
        by=treatment.people.front_desk,
    )


def submitted_check_in(session, *, days: int = 1) -> CheckIn:
    return CheckIn.objects.create(
        client=session.plan.client,
        session=session,
        kind=CheckInKind.FADE,
        status=CheckInStatus.SUBMITTED,
        submitted_at=days_ago(days),
    )


def failed_message(client, n: int = 0) -> Reminder:
    """A message that failed to send (the `n`th for this client)."""
    return Reminder.objects.create(
        key=f"test:failed:{client.pk}:{n}",
        client=client,
        kind=ReminderKind.APPOINTMENT_REMINDER,
        status=ReminderStatus.FAILED,
        channel=Channel.EMAIL,
        attempts=5,
        due_at=timezone.now() - dt.timedelta(hours=2),
        last_error="Email not sent: connection refused",
    )


def stale_review(client, artist, *, days: int = 3) -> Consultation:
    consultation = Consultation.objects.create(client=client, artist=artist)
    flag_for_review(consultation)
    QuestionnaireResponse.objects.filter(consultation=consultation).update(
        submitted_at=days_ago(days)
    )
    return consultation


def appointment(people, start, status=AppointmentStatus.BOOKED, *, client=None):
    return Appointment.objects.create(
        client=client or people.record_a,
        type=AppointmentType.objects.get(slug="consultation"),
        artist=people.artist,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=45),
        blocked_until=start + dt.timedelta(minutes=60),
        status=status,
    )
