"""What a visit costs, from the price list: one place for prices.

- An appointment type's price is its own (`AppointmentType.price`, edited on the price
  list with the rest).
- A session of a treatment plan costs what the plan's consultation agreed: its price per
  session, or its package price (charged once, with the plan's first session).
- A touch-up costs the band for the months since the client's last session
  (`TouchUpBand`); after the last band, the type's price.
- A consultation's estimate starts from the price list (`estimate_defaults`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import IntegerField, Subquery

from scheduling.models import Appointment, AppointmentKind, AppointmentStatus, AppointmentType
from smpclinic.prepared import Param, PreparedQuery

from .models import PackagePrice, TouchUpBand

ZERO = Decimal("0.00")


def months_between(earlier: dt.datetime, later: dt.datetime) -> int:
    delta = relativedelta(later, earlier)
    return max(0, delta.years * 12 + delta.months)


def last_session_before(client_id: int, moment: dt.datetime) -> dt.datetime | None:
    """When the client's last completed treatment or touch-up before `moment` started."""
    last = (
        Appointment.objects.filter(
            client_id=client_id,
            status=AppointmentStatus.COMPLETED,
            type__kind__in=(AppointmentKind.TREATMENT, AppointmentKind.TOUCH_UP),
            starts_at__lt=moment,
        )
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    return last


def touch_up_price(appointment_type: AppointmentType, *, months: int | None, bands=None) -> Decimal:
    """The band for `months` since the last session; the type's price after the last band
    (or when the client has had no session with the clinic)."""
    if months is None:
        return appointment_type.price
    for band in bands if bands is not None else TouchUpBand.objects.all():
        if band.up_to_months is None or months < band.up_to_months:
            return band.price
    return appointment_type.price


@dataclass(frozen=True)
class AgreedPrice:
    per_session: Decimal | None
    package: Decimal | None
    sessions: int | None


def agreed_price(plan) -> AgreedPrice | None:
    """What the plan's consultation agreed (its estimate), or None without one."""
    from consultations.models import Consultation, PricingMode

    consultation = Consultation.objects.filter(plan=plan).first()
    if consultation is None or consultation.estimated_sessions is None:
        return None
    if consultation.pricing_mode == PricingMode.PACKAGE and consultation.package_price is not None:
        return AgreedPrice(None, consultation.package_price, consultation.estimated_sessions)
    if consultation.price_per_session is not None:
        return AgreedPrice(consultation.price_per_session, None, consultation.estimated_sessions)
    return None


def plan_session_of(appointment: Appointment):
    """The plan session an appointment is booked for, if any."""
    if appointment.pk is None:
        return None
    return getattr(appointment, "treatment_session", None)


def visit_price(
    appointment: Appointment, *, now: dt.datetime | None = None, session=None
) -> Decimal:
    """What this visit costs on its own (for a package, its share of the package).

    `session` is the plan session being booked, before the appointment is linked to it.
    """
    if appointment.type.kind == AppointmentKind.TOUCH_UP:
        # A touch-up is priced by the time since the last session, plan or not.
        last = last_session_before(appointment.client_id, appointment.starts_at)
        months = months_between(last, appointment.starts_at) if last else None
        return touch_up_price(appointment.type, months=months)
    session = session or plan_session_of(appointment)
    if session is not None:
        agreed = agreed_price(session.plan)
        if agreed is not None:
            if agreed.package is not None:
                return (agreed.package / agreed.sessions).quantize(Decimal("0.01"))
            return agreed.per_session
    return appointment.type.price


@dataclass(frozen=True)
class EstimateDefaults:
    price_per_session: Decimal | None
    package_price: Decimal | None
    # The treatment session type the price comes from (read with its deposit rule).
    treatment: AppointmentType | None = None


def treatment_type(*, package_for: int | None = None) -> AppointmentType | None:
    """The clinic's (first) treatment session type, read with its deposit rule (if any),
    so `deposit_needed` on it needs no query of its own. With `package_for`, the price of
    the package of that many sessions comes in the same query, as `listed_package_price`
    (None when the price list has no such package)."""
    if package_for:
        return _TREATMENT_WITH_PACKAGE.first(sessions=package_for)
    return _TREATMENT.first()


def _treatment_types():
    return (
        AppointmentType.objects.filter(kind=AppointmentKind.TREATMENT, is_active=True)
        .select_related("deposit_rule")
        .order_by("position", "pk")
    )


_TREATMENT = PreparedQuery(lambda: _treatment_types()[:1])
_TREATMENT_WITH_PACKAGE = PreparedQuery(
    lambda: _treatment_types().annotate(
        listed_package_price=Subquery(
            PackagePrice.objects.filter(sessions=Param("sessions", IntegerField())).values("price")[
                :1
            ]
        )
    )[:1]
)


def estimate_defaults(
    sessions: int | None, *, treatment: AppointmentType | None = None
) -> EstimateDefaults:
    """Where a consultation's estimate starts: the treatment session's price, and the
    package for that many sessions when the price list has one (one query when the clinic
    has a treatment type). `treatment` saves a query when the caller has already read
    `treatment_type()`."""
    if treatment is None:
        treatment = treatment_type(package_for=sessions)
        if treatment is not None:
            return EstimateDefaults(
                price_per_session=treatment.price,
                package_price=treatment.listed_package_price if sessions else None,
                treatment=treatment,
            )
    package = PackagePrice.objects.filter(sessions=sessions).first() if sessions else None
    return EstimateDefaults(
        price_per_session=treatment.price if treatment is not None else None,
        package_price=package.price if package is not None else None,
        treatment=treatment,
    )
