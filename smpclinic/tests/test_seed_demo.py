import datetime as dt
from unittest import mock

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from accounts.models import Role, User
from clients.models import Client
from scheduling.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentEvent,
    AppointmentEventKind,
    AppointmentStatus,
    ArtistHours,
    ClosedDay,
    OpeningHours,
    Room,
    TimeOff,
)
from smpclinic.management.commands.seed_demo import DEMO_PASSWORD
from tests.clock import at, day, utc

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(User.objects.values_list("email", "role", "password", "is_staff")),
        sorted(Client.objects.values_list("id", "email", "phone", "updated_at", "user_id")),
        sorted(Room.objects.values_list("id", "name", "is_active")),
        sorted(ArtistHours.objects.values_list("id", "artist__email", "weekday", "starts", "ends")),
        sorted(ClosedDay.objects.values_list("id", "date")),
        sorted(TimeOff.objects.values_list("id", "artist__email", "starts_at", "ends_at")),
        sorted(
            Appointment.objects.values_list(
                "id", "client_id", "type__slug", "artist_id", "room_id", "starts_at", "status"
            )
        ),
        AppointmentEvent.objects.count(),
    )


def test_it_builds_a_believable_clinic_and_a_second_run_changes_nothing(capsys):
    call_command("seed_demo")
    first = snapshot()
    out = capsys.readouterr().out
    assert "manager@example.com" in out and DEMO_PASSWORD in out

    assert User.objects.filter(role=Role.MANAGER).count() == 1
    assert User.objects.filter(role=Role.ARTIST).count() == 2
    assert User.objects.filter(role=Role.FRONT_DESK).count() == 1
    assert Client.objects.count() == 12
    assert Client.objects.filter(user__email="daniel.whitaker@example.com").exists()
    diary_line = next(line for line in out.splitlines() if line.startswith("Diary: "))

    call_command("seed_demo")
    assert snapshot() == first
    again = capsys.readouterr().out
    assert "0 new sign-ins, 0 new clients" in again
    assert diary_line in again.splitlines()


def test_the_demo_logins_work(client):
    call_command("seed_demo")
    for email in ["manager@example.com", "desk@example.com", "sam.artist@example.com"]:
        assert client.login(username=email, password=DEMO_PASSWORD), email
        client.logout()
    manager = User.objects.get(email="manager@example.com")
    assert manager.is_staff and manager.has_perm("clients.change_client")


def test_it_sets_up_rooms_hours_and_days_off():
    call_command("seed_demo")
    assert sorted(Room.objects.values_list("name", flat=True)) == [
        "Room 1 – Hairline",
        "Room 2 – Crown",
    ]
    hours = {
        email: sorted(
            ArtistHours.objects.filter(artist__email=email).values_list("weekday", "starts", "ends")
        )
        for email in ["sam.artist@example.com", "alex.artist@example.com"]
    }
    assert hours["sam.artist@example.com"] == [
        (day, dt.time(9), dt.time(17, 30)) for day in range(5)
    ]
    assert hours["alex.artist@example.com"] == [
        *((day, dt.time(10), dt.time(18)) for day in range(1, 5)),
        (5, dt.time(10), dt.time(14)),
    ]
    year = timezone.localdate().year
    assert set(ClosedDay.objects.values_list("date", flat=True)) == {
        dt.date(year, 12, 25),
        dt.date(year, 12, 26),
    }
    away = TimeOff.objects.get(artist__email="alex.artist@example.com")
    starts = timezone.localtime(away.starts_at)
    assert away.ends_at - away.starts_at >= dt.timedelta(days=7) - dt.timedelta(hours=1)
    assert 14 <= (starts.date() - timezone.localdate()).days <= 24


def assert_diary_keeps_the_rules():
    """No overlaps per artist or room, and every visit inside hours and off closed days."""
    closed = set(ClosedDay.objects.values_list("date", flat=True))
    opening = {}
    for row in OpeningHours.objects.all():
        opening.setdefault(row.weekday, []).append((row.opens, row.closes))
    hours = {}
    for row in ArtistHours.objects.all():
        hours.setdefault((row.artist_id, row.weekday), []).append((row.starts, row.ends))
    active = list(Appointment.objects.filter(status__in=ACTIVE_STATUSES))
    for a in active:
        start, end = timezone.localtime(a.starts_at), timezone.localtime(a.ends_at)
        assert start.date() not in closed, a
        assert any(s <= start.time() and end.time() <= e for s, e in opening[start.weekday()]), a
        assert any(
            s <= start.time() and end.time() <= e
            for s, e in hours.get((a.artist_id, start.weekday()), [])
        ), a
        assert not TimeOff.objects.filter(
            artist=a.artist, starts_at__lt=a.ends_at, ends_at__gt=a.starts_at
        ).exists(), a
        assert a.blocked_until == a.ends_at + dt.timedelta(minutes=a.type.buffer_after_minutes)
        # A no-show held its time too: nobody else was booked into it.
        for b in Appointment.objects.exclude(status=AppointmentStatus.CANCELLED):
            if a.pk >= b.pk or not (
                a.starts_at < b.blocked_until and b.starts_at < a.blocked_until
            ):
                continue
            assert a.artist_id != b.artist_id, (a, b)
            assert a.room_id is None or a.room_id != b.room_id, (a, b)


@pytest.mark.parametrize(
    "now",
    [
        None,  # today, whatever day it is
        at(day(3, 3), "08:00"),  # a Wednesday morning
        at(day(3, 7), "20:00"),  # a Sunday evening
        at(day(12, 22), "12:00"),  # Christmas ahead
    ],
    ids=["today", "wednesday", "sunday", "before-christmas"],
)
def test_it_fills_a_diary_around_today(capsys, now):
    if now is None:
        call_command("seed_demo")
    else:
        with mock.patch("django.utils.timezone.now", return_value=now.astimezone(dt.UTC)):
            call_command("seed_demo")
    now = now or timezone.now()
    out = capsys.readouterr().out
    appointments = Appointment.objects.select_related("client", "type", "artist")
    total = appointments.count()
    upcoming = appointments.filter(
        starts_at__gte=now, starts_at__lt=now + dt.timedelta(days=14)
    ).count()
    assert f"Diary: {total} appointments ({upcoming} in the next 14 days)" in out
    assert 18 <= total <= 30
    assert upcoming >= 8

    past = appointments.filter(starts_at__lt=now)
    assert past.filter(status=AppointmentStatus.COMPLETED).count() >= 5
    assert past.filter(status=AppointmentStatus.NO_SHOW).count() == 1
    week_ago = now - dt.timedelta(days=8)
    assert not past.filter(starts_at__lt=week_ago).exists()
    assert not past.filter(status__in=["booked", "confirmed"]).exists()
    future = appointments.filter(starts_at__gte=now)
    assert set(future.values_list("status", flat=True)) == {"booked", "confirmed"}
    assert future.filter(type__slug="video-consultation", room__isnull=True).exists()
    assert future.filter(type__slug="consultation").count() >= 2
    assert future.filter(type__slug="fade-check-in").exists()
    # Every visit has its history, and future ones were booked by the front desk.
    for appointment in appointments:
        created = appointment.events.get(kind=AppointmentEventKind.CREATED)
        assert created.by.email == "desk@example.com"
        assert appointment.source == "front_desk"

    daniel = list(
        future.filter(client__email="daniel.whitaker@example.com", type__slug="treatment-session")
    )
    if now.month != 12:  # a session falling on a closed day is skipped
        assert [a.minutes for a in daniel] == [240, 210, 180]
        days = [timezone.localtime(a.starts_at).date() for a in daniel]
        assert [(b - a).days for a, b in zip(days, days[1:], strict=False)] == [7, 7]
        assert {f"{timezone.localtime(a.starts_at):%H:%M}" for a in daniel} == {"09:00"}
    assert_diary_keeps_the_rules()


def test_the_diary_is_only_seeded_once_even_on_another_day(capsys):
    with mock.patch("django.utils.timezone.now", return_value=utc(3, 3, 7)):
        call_command("seed_demo")
    before = snapshot()
    with mock.patch("django.utils.timezone.now", return_value=utc(3, 10, 7)):
        call_command("seed_demo")
    assert snapshot() == before


def test_daniel_has_been_through_his_consultation_and_sees_his_plan(client):
    from consultations.consent import consent_outstanding
    from consultations.models import Consultation, Outcome, PatchReading

    call_command("seed_demo")
    consultation = Consultation.objects.select_related("plan", "client").get(
        client__email="daniel.whitaker@example.com"
    )
    assert consultation.outcome == Outcome.PROCEED
    assert consultation.patch_tests.get().reading == PatchReading.NO_REACTION
    assert consent_outstanding(consultation.client) == []
    sessions = list(consultation.plan.sessions.select_related("appointment").order_by("number"))
    assert [s.number for s in sessions] == [1, 2, 3]
    assert all(s.appointment and s.appointment.client == consultation.client for s in sessions)

    client.login(username="daniel.whitaker@example.com", password="smp-demo-2026")
    page = client.get("/", follow=True).content.decode()
    assert "Your sessions" in page and "Session 3" in page


def test_two_clients_wait_for_a_sooner_consultation(capsys):
    from waitlist.models import WaitlistEntry

    call_command("seed_demo")
    waiting = WaitlistEntry.objects.order_by("client__first_name")
    assert [(e.client.first_name, e.priority) for e in waiting] == [
        ("Marcus", False),
        ("Priya", True),
    ]
    call_command("seed_demo")
    assert WaitlistEntry.objects.count() == 2
    assert "Waitlist: 2 waiting already." in capsys.readouterr().out


def test_a_us_demo_has_us_phone_numbers_holidays_and_the_clinic_currency(settings, capsys):
    settings.CLINIC_CURRENCY = "USD"
    call_command("seed_demo", us=True)
    phones = [c.phone.as_e164 for c in Client.objects.exclude(phone="") if c.phone]
    assert len(phones) == 11 and all(p.startswith("+148055501") for p in phones)
    reasons = set(ClosedDay.objects.values_list("reason", flat=True))
    assert {"Independence Day", "Christmas Day"} <= reasons and "Boxing Day" not in reasons
    # The visits of clients known by their phone alone found them under their US numbers.
    no_email = Client.objects.filter(Q(email="") | Q(email__isnull=True)).first()
    assert no_email is not None and Appointment.objects.filter(client=no_email).exists()
    from consultations.models import Consultation

    assert set(Consultation.objects.values_list("currency", flat=True)) <= {"USD"}
    assert Consultation.objects.exclude(price_per_session=None).exists()


def test_hours_seeded_again_renew_the_public_free_times():
    from scheduling.availability import free_slots
    from scheduling.availability_cache import cached_free_slots, forget_all_free_times
    from scheduling.models import AppointmentType, BookingSource
    from tests.clock import weekday_ahead

    call_command("seed_demo")
    consultation = AppointmentType.objects.get(slug="consultation")
    first = weekday_ahead(60)  # past what the demo diary books
    asked = {
        "appointment_type": consultation,
        "start_date": first,
        "days": 3,
        "source": BookingSource.FRONT_DESK,  # no online horizon
    }

    def offered():
        return cached_free_slots(**asked)

    def diary_says():
        return free_slots(**asked)

    # One artist's week gone (straight in the database), and the answer stored without it.
    artist = User.objects.filter(role=Role.ARTIST).order_by("email").first()
    ArtistHours.objects.filter(artist=artist).delete()
    forget_all_free_times()
    before = offered()
    assert offered() == before == diary_says()

    call_command("seed_demo")  # puts the artist's hours back

    assert ArtistHours.objects.filter(artist=artist).exists()
    after = offered()
    assert after != before
    assert after == diary_says()
