"""What a treatment plan says about bookings, registered with scheduling.policy.

- **The gap between sessions** (`TreatmentSettings.minimum_gap_days`): a session is
  booked or moved only at least that many days from the plan's neighbouring
  sessions (`plans.gap_window`). A manager may book closer with a reason (the
  diary's plan pages pass it); nobody else may, and a client is asked to choose a
  later time or call.
- **The plan's lead artist**: a client keeps their artist. Booking a session of
  their plan is with the lead artist; moving one keeps its artist.
"""

from __future__ import annotations

from scheduling.availability import Problem
from scheduling.policy import (
    Action,
    Actor,
    Change,
    Event,
    Happened,
    OfferLimit,
    register_check,
    register_offer_limit,
    register_reaction,
)

from . import plans
from .models import TreatmentSession, TreatmentSettings


def _session(change: Change) -> TreatmentSession | None:
    if change.action == Action.CREATE:
        return change.context.get("treatment_session")
    return plans.session_of(change.appointment)


@register_check("sessions_app.lead_artist", actions=[Action.CREATE, Action.MOVE], order=20)
def check_lead_artist(change: Change) -> Problem | None:
    if not change.by_client:
        return None
    session = _session(change)
    if session is None:
        return None
    keeps = (
        session.plan.lead_artist if change.action == Action.CREATE else change.appointment.artist
    )
    if change.artist is not None and change.artist.pk != keeps.pk:
        return Problem(
            "lead_artist",
            f"Your sessions are with {keeps}: please choose one of their times (or call us).",
            "artist",
        )
    return None


def client_gap_problem() -> Problem:
    """The gap refusal in a client's words (portal, emailed link): no override for them."""
    days = TreatmentSettings.current().minimum_gap_days
    return Problem(
        "gap",
        f"Sessions are at least {days} days apart so your skin can settle. "
        "Please choose a later time (or call us).",
        "starts_at",
    )


@register_check("sessions_app.gap", actions=[Action.CREATE, Action.MOVE], order=25)
def check_gap(change: Change) -> Problem | None:
    session = _session(change)
    if session is None or plans.within_window(change.starts_at, plans.gap_window(session)):
        return None
    if change.by_client:
        return client_gap_problem()
    days = TreatmentSettings.current().minimum_gap_days
    reason = str(change.context.get("gap_override_reason", "")).strip()
    if not reason:
        return Problem(
            "gap",
            f"Sessions are at least {days} days apart so the skin can settle; "
            f"a manager can book closer with a reason.",
            "starts_at",
        )
    if not change.actor.is_manager:
        return Problem(
            "override_not_allowed",
            "Only a manager can book sessions closer than the usual gap.",
            "gap_override_reason",
        )
    return None


@register_reaction("sessions_app.keep_gap_override", events=[Event.MOVED], order=50)
def keep_gap_override(happened: Happened) -> None:
    """A manager's reason for moving a session closer than the gap stays on the session."""
    reason = str(happened.change.context.get("gap_override_reason", "")).strip()
    if not reason:
        return
    session = plans.session_of(happened.appointment)
    if session is not None:
        session.gap_override_reason = reason[:300]
        session.save(update_fields=["gap_override_reason"])


@register_offer_limit("sessions_app.session_times", order=20)
def session_times(appointment, actor: Actor) -> OfferLimit | None:
    """A client moving a plan session is offered its artist's times that keep the gap."""
    if not actor.is_client:
        return None
    session = plans.session_of(appointment)
    if session is None:
        return None
    earliest, latest = plans.gap_window(session)
    return OfferLimit(artist_id=appointment.artist_id, earliest=earliest, latest=latest)
