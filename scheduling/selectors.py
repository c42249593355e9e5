"""Reads of the diary shaped for pages: each a fixed number of queries."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import BigIntegerField, Count, DateTimeField, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from smpclinic import formats
from smpclinic.clinic import clinic_zone, clock_label, local_datetime
from smpclinic.links import url_with_id
from smpclinic.prepared import Param, PreparedQuery

from .models import ACTIVE_STATUSES, Appointment, AppointmentStatus


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = clinic_zone()
    return local_datetime(day, dt.time(0), zone), local_datetime(
        day + dt.timedelta(days=1), dt.time(0), zone
    )


# What a day's list shows, and so what "appointments today" counts: all but the
# cancelled (a no-show stays on the day it was for).
ON_THE_DAY = ~Q(status=AppointmentStatus.CANCELLED)


def _on_the_days(start: dt.datetime, end: dt.datetime) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(ON_THE_DAY, starts_at__gte=start, starts_at__lt=end)
        .select_related("client", "type", "artist", "room")
        .order_by("starts_at", "artist__first_name", "id")
    )


def appointments_on(*, day: dt.date, artist_id: int | None = None) -> QuerySet[Appointment]:
    """A local day's appointments (cancelled ones left out), in time order."""
    qs = _on_the_days(*_day_bounds(day))
    if artist_id is not None:
        qs = qs.filter(artist_id=artist_id)
    return qs


# What the home pages' list of the day shows of each appointment (home/_todays_appointments).
DAY_LIST_FIELDS = (
    *("starts_at", "ends_at", "status", "client__first_name", "client__last_name"),
    *("type__name", "artist__first_name", "artist__email", "room__name"),
)


def appointments_listed_on(*, day: dt.date) -> QuerySet[Appointment]:
    """appointments_on, reading only what a list of the day shows: a whole row of each of
    five tables costs more to read than the rest of the home page's list."""
    return appointments_on(day=day).only(*DAY_LIST_FIELDS)


def diary_overview(*, today: dt.date | None = None) -> dict:
    """The manager's diary figures for today and the coming week, and the same figures for
    the period before each (for the trends), in one query."""
    today = today or timezone.localdate()
    day_start, day_end = _day_bounds(today)
    week_end = _day_bounds(today + dt.timedelta(days=6))[1]
    month_start = day_start - dt.timedelta(days=30)
    # The periods before, for the trends: the 7 days before today, the 30 days before those 30.
    previous_week_start = _day_bounds(today - dt.timedelta(days=7))[0]
    previous_month_start = month_start - dt.timedelta(days=30)
    figures = Appointment.objects.filter(
        starts_at__gte=min(previous_month_start, previous_week_start), starts_at__lt=week_end
    ).aggregate(
        today=Count("id", filter=Q(starts_at__gte=day_start, starts_at__lt=day_end) & ON_THE_DAY),
        next_7_days=Count("id", filter=Q(starts_at__gte=day_start) & Q(status__in=ACTIVE_STATUSES)),
        # The last 30 days up to the end of today: a no-show marked this morning counts.
        no_shows_30_days=Count(
            "id",
            filter=Q(starts_at__gte=month_start, starts_at__lt=day_end)
            & Q(status=AppointmentStatus.NO_SHOW),
        ),
        previous_7_days=Count(
            "id",
            filter=Q(starts_at__gte=previous_week_start, starts_at__lt=day_start)
            & Q(status__in=ACTIVE_STATUSES),
        ),
        no_shows_previous_30_days=Count(
            "id",
            filter=Q(starts_at__gte=previous_month_start, starts_at__lt=month_start)
            & Q(status=AppointmentStatus.NO_SHOW),
        ),
        booked_online_7_days=Count(
            "id",
            filter=Q(starts_at__gte=day_start, source="online") & Q(status__in=ACTIVE_STATUSES),
        ),
    )
    return figures


# The nearest appointments each way on the client record; the diary holds the rest.
CLIENT_RECORD_APPOINTMENTS = 20


def _client_appointments(client_id):
    no_shows = (
        Appointment.objects.filter(client_id=client_id, status=AppointmentStatus.NO_SHOW)
        .order_by()
        .values("client_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Appointment.objects.filter(client_id=client_id)
        .select_related("type", "artist", "room")
        # What the record shows of each: its time, status, type, artist and room.
        .only(
            "client_id",
            "starts_at",
            "status",
            "type__name",
            "artist__first_name",
            "artist__last_name",
            "artist__email",
            "room__name",
        )
        .annotate(client_no_shows=Coalesce(Subquery(no_shows), 0))
    )


_CLIENT_ID = Param("client", BigIntegerField())
_NOW = Param("now", DateTimeField())
_CLIENT_UPCOMING = PreparedQuery(
    lambda: (
        _client_appointments(_CLIENT_ID)
        .filter(starts_at__gte=_NOW)
        .order_by("starts_at", "id")[:CLIENT_RECORD_APPOINTMENTS]
    )
)
_CLIENT_PAST = PreparedQuery(
    lambda: (
        _client_appointments(_CLIENT_ID)
        .filter(starts_at__lt=_NOW)
        .order_by("-starts_at", "-id")[:CLIENT_RECORD_APPOINTMENTS]
    )
)


def client_record_appointments(client, *, now: dt.datetime) -> dict:
    """The client record's part from the diary: no-shows and nearest appointments (2 queries).

    Each row carries the client's no-show count (one subquery the database runs once), so
    the count costs no query of its own: upcoming and past together are every appointment
    of the client, and with neither there is none to count.
    """
    upcoming = _CLIENT_UPCOMING.fetch(client=client.pk, now=now)
    past = _CLIENT_PAST.fetch(client=client.pk, now=now)
    either = upcoming or past
    return {
        "no_show_count": either[0].client_no_shows if either else 0,
        "upcoming_appointments": _record_rows(upcoming),
        "past_appointments": _record_rows(past),
    }


@dataclass(frozen=True)
class RecordAppointment:
    """An appointment as the client record lists it (scheduling/_client_appointments.html),
    its words made here: forty rows through the template cost more than reading them."""

    url: str
    when: str
    what: str
    room: str
    status: str
    status_label: str


def _record_rows(appointments: list[Appointment]) -> list[RecordAppointment]:
    url = url_with_id("scheduling:appointment_detail")
    return [
        RecordAppointment(
            url=url(a.pk),
            when=f"{formats.show(formats.local(a.starts_at), 'DAY_SHORT_YEAR_FORMAT')}, "
            f"{clock_label(a.starts_at, timezone.get_current_timezone())}",
            what=gettext("· %(name)s with %(artist)s")
            % {"name": a.type.name, "artist": str(a.artist)},
            room=a.room.name if a.room else "",
            status=a.status,
            status_label=a.get_status_display(),
        )
        for a in appointments
    ]


def unconfirmed_on(*, day: dt.date) -> QuerySet[Appointment]:
    """A day's appointments still only booked (not confirmed), in time order."""
    return appointments_on(day=day).filter(status=AppointmentStatus.BOOKED)


def listed_today_and_unconfirmed_tomorrow(
    *, today: dt.date
) -> tuple[list[Appointment], list[Appointment]]:
    """appointments_listed_on(today) and unconfirmed_on(the day after), read together in one
    query (the front desk's home shows both), with the clients' phones to call them."""
    start, tomorrow = _day_bounds(today)
    end = _day_bounds(today + dt.timedelta(days=1))[1]
    both = _LISTED_AND_UNCONFIRMED.fetch(start=start, tomorrow=tomorrow, end=end)
    return [a for a in both if a.starts_at < tomorrow], [a for a in both if a.starts_at >= tomorrow]


_LISTED_AND_UNCONFIRMED = PreparedQuery(
    lambda: (
        _on_the_days(Param("start", DateTimeField()), Param("end", DateTimeField()))
        .filter(
            Q(starts_at__lt=Param("tomorrow", DateTimeField())) | Q(status=AppointmentStatus.BOOKED)
        )
        .only(*DAY_LIST_FIELDS, "client__phone")
    )
)


def next_appointment_reminded_by_text(client, *, now: dt.datetime) -> Appointment | None:
    """The client's next appointment still to come that a text message was sent about
    (a reminder or its confirmation): the one a "C" reply to that text means."""
    from reminders.models import Channel, ReminderStatus

    return (
        Appointment.objects.filter(
            client=client,
            starts_at__gt=now,
            status__in=(AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED),
            reminders__channel=Channel.SMS,
            reminders__status=ReminderStatus.SENT,
        )
        .select_related("type")
        .order_by("starts_at", "id")
        .distinct()
        .first()
    )
