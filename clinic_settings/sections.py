"""The settings area's sections, as the index lists them: where each is and what it holds
now, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from scheduling.models import AppointmentType, ClosedDay, OpeningHours, Room
from smpclinic.clinic import clinic_name, clinic_zone


@dataclass(frozen=True)
class Section:
    title: str
    url: str
    summary: str


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _url(name: str) -> str:
    return reverse(name)


def sections() -> list[Section]:
    today = timezone.localdate(timezone=clinic_zone())
    open_days = OpeningHours.objects.values("weekday").distinct().count()
    closed_ahead = ClosedDay.objects.filter(date__gte=today).count()
    rooms = Room.objects.aggregate(active=Count("pk", filter=Q(is_active=True)))["active"]
    types = AppointmentType.objects.aggregate(
        active=Count("pk", filter=Q(is_active=True)),
        online=Count("pk", filter=Q(is_active=True, online_bookable=True)),
    )
    found = [
        Section(
            "The clinic",
            reverse("clinic_settings:clinic"),
            f"{clinic_name()}: name, address, logo, links",
        ),
        Section(
            "Opening hours and closed days",
            reverse("clinic_settings:hours"),
            f"Open {_plural(open_days, 'day')} a week; {_plural(closed_ahead, 'closed day')} ahead",
        ),
        Section("Team", _url("team:list"), "Invite staff, roles, working hours and time off"),
        Section("Rooms", reverse("clinic_settings:rooms"), _plural(rooms, "room") + " in use"),
        Section(
            "Services",
            reverse("clinic_settings:services"),
            f"{_plural(types['active'], 'service')}, {types['online']} bookable online; "
            "treatment defaults",
        ),
        Section(
            "Prices and deposits",
            reverse("billing_settings:prices"),
            "Prices, deposits, packages, touch-ups",
        ),
        Section(
            "Messages",
            _url("message_settings:list"),
            "Wording and timing of reminders and follow-ups",
        ),
        Section("Forms", _url("form_settings:index"), "Health questionnaire and consent forms"),
        Section(
            "Aftercare",
            _url("aftercare_settings:instructions"),
            "Instructions for each day after a session",
        ),
        Section(
            "Booking rules and security",
            reverse("clinic_settings:rules"),
            "Notice, online horizon, quiet hours, two-factor sign-in",
        ),
        Section(
            "Recent changes", reverse("clinic_settings:changes"), "Who changed which setting, when"
        ),
    ]
    return found
