"""A clinic built by hand for the report: April of the tests' year is the period, 2 to 31
March the period before; see reports/tests/test_report.py for what it holds and the figures
it must give."""

import datetime as dt

from clients.models import Client
from consultations.models import Consultation, Outcome
from scheduling.models import Appointment, AppointmentStatus, BookingSource
from sessions_app import plans
from tests.clock import at, day

APRIL = {"start": day(4, 1).isoformat(), "end": day(4, 30).isoformat()}


def appointment(clinic, when, *, artist=None, kind="consultation", **fields):
    appointment_type = clinic.treatment if kind == "treatment" else clinic.consultation
    minutes = fields.pop("minutes", appointment_type.default_minutes)
    return Appointment.objects.create(
        client=fields.pop("client", clinic.anna),
        type=appointment_type,
        artist=artist or clinic.sam,
        starts_at=when,
        ends_at=when + dt.timedelta(minutes=minutes),
        blocked_until=when + dt.timedelta(minutes=minutes),
        **fields,
    )


def april_clinic(clinic):
    """The clinic of the module's note, built on `clinic` (the open clinic)."""
    Booked, Done, Gone = (
        AppointmentStatus.BOOKED,
        AppointmentStatus.COMPLETED,
        AppointmentStatus.NO_SHOW,
    )
    online, desk = BookingSource.ONLINE, BookingSource.FRONT_DESK
    kept = appointment(clinic, at(day(4, 6), "10:00"), status=Done, source=online)
    to_come = appointment(clinic, at(day(4, 20), "10:00"), status=Booked, source=online)
    missed = appointment(clinic, at(day(4, 8), "10:00"), status=Gone, source=desk, minutes=45)
    appointment(clinic, at(day(4, 9), "10:00"), status=AppointmentStatus.CANCELLED, source=desk)
    session_one = appointment(
        clinic,
        at(day(4, 13), "09:00"),
        artist=clinic.alex,
        kind="treatment",
        status=Done,
        source=desk,
        minutes=240,
    )
    appointment(
        clinic,
        at(day(4, 15), "09:00"),
        artist=clinic.alex,
        kind="treatment",
        status=AppointmentStatus.CANCELLED,
        cancelled_late=True,
        source=desk,
        minutes=180,
    )
    appointment(clinic, at(day(3, 10), "10:00"), status=Done, source=online)
    appointment(clinic, at(day(3, 12), "10:00"), status=Gone, source=desk, minutes=45)
    appointment(clinic, at(day(5, 4), "10:00"), status=Booked, source=online)

    plan = plans.plan_create(client=clinic.anna, lead_artist=clinic.alex, planned_sessions=2)
    first = plan.sessions.order_by("number").first()
    first.appointment = session_one
    first.save(update_fields=["appointment"])
    for which, outcome in ((kept, Outcome.PROCEED), (to_come, Outcome.PENDING)):
        Consultation.objects.create(
            client=clinic.anna,
            appointment=which,
            artist=clinic.sam,
            outcome=outcome,
            plan=plan if outcome == Outcome.PROCEED else None,
        )
    Consultation.objects.create(client=clinic.anna, appointment=missed, artist=clinic.sam)

    for email, source, when in (
        ("new1@clinic.test", "friend", at(day(4, 3), "12:00")),
        ("new2@clinic.test", "search", at(day(4, 21), "12:00")),
        ("old1@clinic.test", "friend", at(day(3, 20), "12:00")),
    ):
        client = Client.objects.create(
            first_name="New", last_name=email[:4], email=email, referral_source=source
        )
        Client.objects.filter(pk=client.pk).update(created_at=when)
    return clinic
