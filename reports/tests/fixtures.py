"""Clinics built by hand for the reports: April of the tests' year is the period, 2 to 31
March the period before; reports/tests/test_report.py and test_outcomes.py say what each
holds and the figures it must give."""

import datetime as dt
from decimal import Decimal

from aftercare.models import CheckIn, CheckInKind
from billing import ledger
from billing.models import Deposit, DepositStatus
from clients.models import Client
from consultations.models import Consultation, Outcome
from reminders.models import Reminder, ReminderKind, ReminderStatus
from scheduling.models import Appointment, AppointmentStatus, AppointmentType, BookingSource
from sessions_app import plans
from sessions_app.models import ExtraReason, PlanStatus, RegionHealing, TreatmentPlan
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


def _cara() -> Client:
    return Client.objects.get_or_create(
        email="cara@clinic.test", defaults={"first_name": "Cara", "last_name": "Quinn"}
    )[0]


def plan_held(clinic, client, lead, planned, *, held, extra=(), completed=None):
    """A plan whose first `held` sessions were held (one a day in March), extra sessions
    (held) for the reasons given, completed at `completed` (a datetime) if given."""
    plan = plans.plan_create(client=client, lead_artist=lead, planned_sessions=planned)
    for reason in extra:
        plans.plan_add_extra_session(plan=plan, reason=reason)
    sessions = list(plan.sessions.order_by("number"))
    for n, session in enumerate(sessions):
        if n >= held and session.kind != "extra":
            continue
        session.appointment = appointment(
            clinic,
            at(day(3, 2) + dt.timedelta(days=Appointment.objects.count()), "09:00"),
            artist=lead,
            client=client,
            kind="treatment",
            status=AppointmentStatus.COMPLETED,
        )
        session.save(update_fields=["appointment"])
    if completed is not None:
        plans.plan_set_status(plan=plan, status=PlanStatus.COMPLETED)
        TreatmentPlan.objects.filter(pk=plan.pk).update(completed_at=completed)
    return plan


def judged(plan, number, region, status, when, by):
    healing = RegionHealing.objects.create(
        session=plan.sessions.get(number=number), region=region, status=status, assessed_by=by
    )
    RegionHealing.objects.filter(pk=healing.pk).update(assessed_at=when)


def check_in(plan, number, kind, invited, answered=None):
    check_in = CheckIn.objects.create(
        client=plan.client,
        session=plan.sessions.get(number=number),
        kind=kind,
        submitted_at=answered,
        status="submitted" if answered else "invited",
    )
    CheckIn.objects.filter(pk=check_in.pk).update(created_at=invited)


def recall(client, plan, sent_at, *, status=ReminderStatus.SENT):
    Reminder.objects.create(
        key=f"recall:{client.pk}:{sent_at:%m%d}",
        client=client,
        kind=ReminderKind.TOUCH_UP_RECALL,
        plan=plan,
        due_at=sent_at,
        status=status,
        sent_at=sent_at if status == ReminderStatus.SENT else None,
    )


def outcomes_clinic(clinic):
    """The clinic of test_outcomes' note (treatment outcomes), built on `clinic`."""
    anna, ben = clinic.anna, clinic.ben
    cara = _cara()
    one = plan_held(
        clinic,
        anna,
        clinic.alex,
        2,
        held=2,
        extra=[ExtraReason.PATCHY_HEALING],
        completed=at(day(4, 10), "17:00"),
    )
    two = plan_held(clinic, ben, clinic.sam, 3, held=3, completed=at(day(4, 20), "17:00"))
    three = plan_held(clinic, cara, clinic.alex, 4, held=3, completed=at(day(3, 15), "17:00"))
    plan_held(clinic, ben, clinic.sam, 3, held=1)
    plan_held(clinic, cara, clinic.sam, 2, held=2, completed=at(day(5, 3), "17:00"))

    manager = clinic.people.manager
    for plan, number, region, status, when in (
        (one, 2, "frontal_hairline", "retained", day(4, 5)),
        (one, 2, "crown", "patchy", day(4, 5)),
        (one, 3, "crown", "retained", day(4, 9)),
        (two, 2, "frontal_hairline", "faded", day(4, 12)),
        (two, 2, "crown", "retained", day(4, 12)),
        (three, 2, "frontal_hairline", "retained", day(3, 10)),
    ):
        judged(plan, number, region, status, at(when, "10:00"), manager)

    fade, final = CheckInKind.FADE, CheckInKind.FINAL
    check_in(one, 1, fade, at(day(4, 3), "09:00"), at(day(4, 5), "20:00"))
    check_in(one, 2, fade, at(day(4, 12), "09:00"))
    check_in(two, 1, fade, at(day(4, 14), "09:00"), at(day(4, 14), "21:00"))
    check_in(two, 3, final, at(day(4, 25), "09:00"), at(day(4, 26), "08:00"))
    check_in(three, 1, fade, at(day(3, 5), "09:00"), at(day(3, 6), "09:00"))
    check_in(three, 2, fade, at(day(3, 20), "09:00"))

    touch_up = AppointmentType.objects.get(slug="touch-up")
    for client, made, hour in (
        (anna, at(day(4, 10), "11:00"), "10:00"),
        (cara, at(day(3, 20), "11:00"), "14:00"),
    ):
        booked = appointment(clinic, at(day(6, 1), hour), client=client)
        booked.type = touch_up
        booked.created_at = made
        booked.save(update_fields=["type", "created_at"])
    recall(anna, three, at(day(4, 4), "10:00"))
    recall(ben, two, at(day(4, 18), "10:00"))
    recall(cara, three, at(day(3, 3), "10:00"))
    recall(anna, one, at(day(4, 28), "10:00"), status=ReminderStatus.PENDING)
    clinic.plans = (one, two, three)
    return clinic


def money_clinic(clinic):
    """Deposits and balances for test_outcomes' money tests, built on `clinic`."""
    cara = _cara()
    for when, status, amount in (
        (at(day(4, 6), "10:00"), DepositStatus.PAID, "50"),
        (at(day(4, 8), "10:00"), DepositStatus.FORFEITED, "50"),
        (at(day(4, 9), "10:00"), DepositStatus.WAIVED, "30"),
        (at(day(4, 9), "14:00"), DepositStatus.RELEASED, "50"),
        (at(day(3, 16), "10:00"), DepositStatus.PAID, "50"),
        (at(day(5, 5), "10:00"), DepositStatus.PAID, "80"),
    ):
        booked = appointment(clinic, when)
        Deposit.objects.create(
            appointment=booked, client=booked.client, amount=Decimal(amount), status=status
        )
    anna, ben = clinic.anna, clinic.ben
    ledger.record_charge(
        client=anna, amount="400", description="Package", now=at(day(3, 10), "10:00")
    )
    ledger.record_payment(
        client=anna, amount="300", method="cash", description="Part", now=at(day(3, 20), "10:00")
    )
    ledger.record_payment(
        client=anna, amount="100", method="cash", description="Rest", now=at(day(4, 5), "10:00")
    )
    ledger.record_charge(
        client=ben, amount="200", description="Session", now=at(day(4, 10), "10:00")
    )
    ledger.record_payment(
        client=ben, amount="200", method="cash", description="Paid", now=at(day(5, 2), "10:00")
    )
    ledger.record_credit(
        client=cara,
        amount="40",
        reason="Goodwill",
        by=clinic.people.manager,
        now=at(day(3, 25), "10:00"),
    )
    return clinic
