"""The settings area's sections, as the index lists them: where each is and what it holds
now, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from scheduling.models import AppointmentType, ClosedDay, OpeningHours, Room
from smpclinic.clinic import clinic_name, clinic_zone


@dataclass(frozen=True)
class Section:
    title: str
    url: str
    summary: str


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
            _("The clinic"),
            reverse("clinic_settings:clinic"),
            _("%(name)s: name, address, logo, links") % {"name": clinic_name()},
        ),
        Section(
            _("Opening hours and closed days"),
            reverse("clinic_settings:hours"),
            ngettext("Open %(count)d day a week", "Open %(count)d days a week", open_days)
            % {"count": open_days}
            + "; "
            + ngettext("%(count)d closed day ahead", "%(count)d closed days ahead", closed_ahead)
            % {"count": closed_ahead},
        ),
        Section(_("Team"), _url("team:list"), _("Invite staff, roles, working hours and time off")),
        Section(
            _("Rooms"),
            reverse("clinic_settings:rooms"),
            ngettext("%(count)d room in use", "%(count)d rooms in use", rooms) % {"count": rooms},
        ),
        Section(
            _("Services"),
            reverse("clinic_settings:services"),
            ngettext(
                "%(count)d service, %(online)d bookable online; treatment defaults",
                "%(count)d services, %(online)d bookable online; treatment defaults",
                types["active"],
            )
            % {"count": types["active"], "online": types["online"]},
        ),
        Section(
            _("Prices and deposits"),
            reverse("billing_settings:prices"),
            _("Prices, deposits, packages, touch-ups"),
        ),
        Section(
            _("Messages"),
            _url("message_settings:list"),
            _("Wording and timing of reminders and follow-ups"),
        ),
        Section(
            _("Forms"), _url("form_settings:index"), _("Health questionnaire and consent forms")
        ),
        Section(
            _("Aftercare"),
            _url("aftercare_settings:instructions"),
            _("Instructions for each day after a session"),
        ),
        Section(
            _("Booking rules and security"),
            reverse("clinic_settings:rules"),
            _("Notice, online horizon, quiet hours, two-factor sign-in"),
        ),
        Section(
            _("Recent changes"),
            reverse("clinic_settings:changes"),
            _("Who changed which setting, when"),
        ),
    ]
    return found
