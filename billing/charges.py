"""Charging a visit: a completed appointment puts its price on the client's account, once.

A plan session charges what the plan's consultation agreed: its price per session, or
the whole package with the plan's first completed session (and nothing with the others).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from scheduling.models import Appointment, AppointmentKind
from smpclinic import formats

from . import ledger
from .models import LedgerEntry
from .prices import agreed_price, plan_session_of, visit_price


@transaction.atomic
def charge_visit(
    appointment: Appointment, *, now: dt.datetime | None = None, by=None
) -> LedgerEntry | None:
    now = now or timezone.now()
    session = plan_session_of(appointment)
    plan = session.plan if session is not None else None
    local = timezone.localtime(appointment.starts_at)
    if plan is not None and appointment.type.kind != AppointmentKind.TOUCH_UP:
        agreed = agreed_price(plan)
        if agreed is not None and agreed.package is not None:
            if agreed.package <= 0:
                return None
            return ledger.record_charge(
                client=appointment.client,
                amount=agreed.package,
                description=f"Treatment package: {agreed.sessions} sessions",
                by=by,
                plan=plan,
                appointment=appointment,
                key=f"package:{plan.pk}",
                now=now,
            )
    price = visit_price(appointment, now=now)
    if price is None or price <= 0:
        return None
    label = appointment.type.name
    if session is not None:
        label = f"{label} {session.number}"
    return ledger.record_charge(
        client=appointment.client,
        amount=price,
        description=f"{label}, {formats.show(local, 'DAY_SHORT_YEAR_FORMAT')}",
        by=by,
        plan=plan,
        appointment=appointment,
        key=f"visit:{appointment.pk}",
        now=now,
    )
