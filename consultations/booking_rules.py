"""What the consultation says about bookings, registered with scheduling.policy.

- Check: treatment and touch-ups wait for the consultation's sign-offs
  (contraindication review, patch test): consultations.rules.
- Reaction: a consultation booking opens its consultation record, in the booking's
  transaction, before the confirmation is written (it may be linked from it).
"""

from __future__ import annotations

from scheduling.availability import Problem
from scheduling.models import AppointmentKind
from scheduling.policy import Action, Change, Event, Happened, register_check, register_reaction

from .rules import treatment_booking_problem
from .services import consultation_for_appointment

TREATMENT_KINDS = frozenset({AppointmentKind.TREATMENT, AppointmentKind.TOUCH_UP})


@register_check("consultations.treatment_gates", actions=[Action.CREATE, Action.MOVE], order=30)
def check_treatment_gates(change: Change) -> Problem | None:
    appointment = change.appointment
    if appointment.type.kind not in TREATMENT_KINDS:
        return None
    return treatment_booking_problem(
        client=appointment.client,
        starts_at=change.starts_at,
        exclude_appointment_id=appointment.pk,
    )


@register_reaction("consultations.open_record", events=[Event.BOOKED], order=10)
def open_consultation_record(happened: Happened) -> None:
    consultation_for_appointment(happened.appointment)
