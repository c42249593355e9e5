"""Where the client is in healing, in plain words.

After each session the pigment looks up to half again darker than it will settle
and lightens over the first 4–5 weeks; redness lasts a few hours to two days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from sessions_app.models import PlanStatus, TreatmentPlan
from sessions_app.selectors import plan_has_sessions_to_log, plan_latest_logged_session

REDNESS_DAYS = 2  # days 0–2
SETTLED_DAY = 28  # from day 28 the pigment has settled


@dataclass(frozen=True)
class HealingStage:
    session_number: int
    session_date: dt.date
    day: int
    phase: str  # "redness", "settling" or "settled"
    text: str


def _advice(day: int, number: int, *, more_to_come: bool) -> tuple[str, str]:
    values = {"day": day, "number": number}
    if day <= REDNESS_DAYS:
        return "redness", _(
            "Day %(day)s after session %(number)s — any redness settles within two days. "
            "The pigment looks darker than it will be; it lightens over the first 4–5 weeks."
        ) % values
    if day < SETTLED_DAY:
        return "settling", _(
            "Day %(day)s after session %(number)s — the pigment is still darker than it "
            "will settle; it lightens over the first 4–5 weeks."
        ) % values
    if more_to_come:
        return "settled", _(
            "Day %(day)s after session %(number)s — the pigment has settled: this is how it "
            "looks healed. Time for your check-in and your next session."
        ) % values
    return "settled", _(
        "Day %(day)s after session %(number)s — the pigment has settled: this is how it "
        "looks healed. Send us a check-in if you would like the artist to take a look."
    ) % values


def healing_stage(plan: TreatmentPlan, today: dt.date | None = None) -> HealingStage | None:
    """The stage after the latest logged session of the plan, or None before the first."""
    today = today or timezone.localdate()
    latest = plan_latest_logged_session(plan=plan)
    if latest is None:
        return None
    when = latest.appointment.starts_at if latest.appointment else latest.log.logged_at
    session_date = timezone.localdate(when)
    day = max((today - session_date).days, 0)
    more_to_come = plan.status == PlanStatus.ACTIVE and plan_has_sessions_to_log(plan=plan)
    phase, text = _advice(day, latest.number, more_to_come=more_to_come)
    return HealingStage(
        session_number=latest.number, session_date=session_date, day=day, phase=phase, text=text
    )
