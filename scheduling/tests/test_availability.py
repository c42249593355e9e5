"""Free times: hours, time off, buffers, rooms, notice, clock changes, and a fixed query count."""

import contextlib
import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduling.availability import free_slots
from scheduling.availability_cache import cached_free_slots
from scheduling.booking import BookingRefused, booking_create
from scheduling.models import (
    Appointment,
    ArtistHours,
    BookingSource,
    ClosedDay,
    OpeningHours,
    TimeOff,
)
from tests.clock import CLOCKS_GO_BACK, CLOCKS_GO_FORWARD, LONDON, MONDAY, at, day

pytestmark = pytest.mark.django_db
UTC = dt.UTC
ONE_DAY = dt.timedelta(days=1)
# "Now" for these tests: the Friday before MONDAY, so every time is bookable.
NOW = dt.datetime.combine(MONDAY - dt.timedelta(days=3), dt.time(12), tzinfo=dt.UTC)  # a Friday


def starts(slots, artist=None):
    return [
        s.start.astimezone(LONDON).strftime("%H:%M")
        for s in slots
        if artist is None or s.artist_id == artist.pk
    ]


def slots_for(diary, day=MONDAY, days=1, type=None, artist=None, **kwargs):
    kwargs.setdefault("source", BookingSource.FRONT_DESK)
    return free_slots(
        appointment_type=type or diary.consultation,
        start_date=day,
        days=days,
        artist_id=(artist or diary.artist).pk,
        now=kwargs.pop("now", NOW),
        **kwargs,
    )


def test_a_free_day_offers_every_quarter_hour_that_fits(diary):
    times = starts(slots_for(diary))
    assert times[0] == "09:00"
    assert times[1] == "09:15"
    assert times[-1] == "17:15"  # a 45-minute consultation ends by 18:00
    assert len(times) == 34


def test_all_artists_are_offered_each_with_a_room(diary):
    slots = free_slots(
        appointment_type=diary.consultation,
        start_date=MONDAY,
        days=1,
        now=NOW,
        source=BookingSource.FRONT_DESK,
    )
    assert {s.artist_id for s in slots} == {diary.artist.pk, diary.artist2.pk}
    assert all(s.room_id == diary.room1.pk for s in slots)


def test_an_appointment_and_its_clean_up_time_are_not_offered(diary):
    booking_create(
        client=diary.client,
        appointment_type=diary.consultation,
        artist=diary.artist,
        starts_at=at(MONDAY, "10:00"),
    )
    times = starts(slots_for(diary))
    # 09:15 would end at 10:00 but its own clean-up runs to 10:15: it overlaps.
    assert "09:00" in times and "09:15" not in times
    assert not {"09:30", "10:00", "10:45"} & set(times)
    assert "11:00" in times


def test_time_off_and_closed_days_are_not_offered(diary):
    TimeOff.objects.create(
        artist=diary.artist,
        starts_at=at(MONDAY, "13:00"),
        ends_at=at(MONDAY, "14:00"),
        kind="break",
    )
    times = starts(slots_for(diary))
    assert "12:15" in times and "12:30" not in times and "13:45" not in times
    assert "14:00" in times
    ClosedDay.objects.create(date=MONDAY + dt.timedelta(days=1))
    assert slots_for(diary, day=MONDAY + dt.timedelta(days=1)) == []


def test_split_opening_hours_and_shorter_working_hours(diary):
    OpeningHours.objects.filter(weekday=0).delete()
    OpeningHours.objects.create(weekday=0, opens=dt.time(9), closes=dt.time(12))
    OpeningHours.objects.create(weekday=0, opens=dt.time(13), closes=dt.time(17))
    ArtistHours.objects.filter(artist=diary.artist, weekday=0).update(starts=dt.time(10))
    times = starts(slots_for(diary))
    assert times[0] == "10:00"
    assert "11:15" in times and "11:30" not in times  # ends by 12:00
    assert "12:00" not in times and "13:00" in times
    assert times[-1] == "16:15"


def test_when_both_rooms_are_busy_only_video_is_offered(diary):
    from accounts.models import Role
    from accounts.services import user_create

    for artist, client in ((diary.artist, diary.client), (diary.artist2, diary.other_client)):
        booking_create(
            client=client,
            appointment_type=diary.consultation,
            artist=artist,
            starts_at=at(MONDAY, "10:00"),
        )
    third = user_create(email="third@clinic.test", role=Role.ARTIST)
    ArtistHours.objects.create(artist=third, weekday=0, starts=dt.time(9), ends=dt.time(18))
    in_person = starts(slots_for(diary, artist=third))
    assert "10:00" not in in_person and "10:30" not in in_person
    assert "11:00" in in_person
    assert "10:00" in starts(slots_for(diary, artist=third, type=diary.video))


def test_online_bookings_need_notice_and_stay_within_the_horizon(diary):
    now = at(MONDAY, "10:07").astimezone(UTC)
    slots = slots_for(diary, days=3, now=now, source=BookingSource.ONLINE)
    first = slots[0].start.astimezone(LONDON)
    # 24 hours' notice, rounded up to the next quarter hour.
    assert (first.date(), first.strftime("%H:%M")) == (day(3, 2), "10:15")
    far = slots_for(diary, day=MONDAY + dt.timedelta(days=60), now=now, source=BookingSource.ONLINE)
    assert far == []
    assert starts(slots_for(diary, now=now))[0] == "10:15"  # front desk: no notice


@pytest.mark.parametrize(
    ("day", "first_utc"),
    [
        (CLOCKS_GO_FORWARD - ONE_DAY, "09:00"),  # Saturday, still GMT
        (CLOCKS_GO_FORWARD, "08:00"),  # Sunday the clocks go forward: BST
        (CLOCKS_GO_FORWARD + ONE_DAY, "08:00"),
        (CLOCKS_GO_BACK - ONE_DAY, "08:00"),  # Saturday, still BST
        (CLOCKS_GO_BACK, "09:00"),  # Sunday the clocks go back: GMT
    ],
)
def test_the_clock_change_keeps_opening_at_nine_local_time(diary, day, first_utc):
    OpeningHours.objects.create(weekday=6, opens=dt.time(9), closes=dt.time(17))
    ArtistHours.objects.create(artist=diary.artist, weekday=6, starts=dt.time(9), ends=dt.time(17))
    slots = slots_for(diary, day=day)
    assert slots[0].start.astimezone(LONDON).strftime("%H:%M") == "09:00"
    assert slots[0].start.astimezone(UTC).strftime("%H:%M") == first_utc
    closes = "17:00" if day.weekday() == 6 else "18:00"
    last_end = slots[-1].end.astimezone(LONDON).strftime("%H:%M")
    assert last_end == closes
    # Every slot is a whole 45 minutes even across the change.
    assert all(s.end - s.start == dt.timedelta(minutes=45) for s in slots)


def test_a_booking_on_the_clock_change_day_is_kept_at_its_local_time(diary):
    OpeningHours.objects.create(weekday=6, opens=dt.time(9), closes=dt.time(17))
    ArtistHours.objects.create(artist=diary.artist, weekday=6, starts=dt.time(9), ends=dt.time(17))
    appointment = booking_create(
        client=diary.client,
        appointment_type=diary.consultation,
        artist=diary.artist,
        starts_at=at(CLOCKS_GO_FORWARD, "09:00"),
    )
    appointment.refresh_from_db()
    assert appointment.starts_at == at(CLOCKS_GO_FORWARD, "08:00", UTC)
    assert timezone.localtime(appointment.starts_at, LONDON).strftime("%H:%M") == "09:00"


def _fill(diary, count: int, offset: int = 0):
    """`count` back-to-back 20-minute appointments over the four weeks from MONDAY."""
    rows = []
    for i in range(offset, offset + count):
        artist = (diary.artist, diary.artist2)[i % 2]
        day, slot = divmod(i // 2, 27)
        start = at(MONDAY + dt.timedelta(days=day), "09:00") + dt.timedelta(minutes=20 * slot)
        rows.append(
            Appointment(
                client=diary.client,
                type=diary.video,
                artist=artist,
                starts_at=start,
                ends_at=start + dt.timedelta(minutes=20),
                blocked_until=start + dt.timedelta(minutes=20),
                status="booked",
            )
        )
    Appointment.objects.bulk_create(rows)


def _count_queries(diary) -> int:
    with CaptureQueriesContext(connection) as ctx:
        free_slots(appointment_type=diary.consultation, start_date=MONDAY, days=28, now=NOW)
    return len(ctx.captured_queries)


def test_availability_reads_a_fixed_number_of_queries(diary):
    _fill(diary, 10)
    few = _count_queries(diary)
    _fill(diary, 1000 - 10, offset=10)
    assert Appointment.objects.count() == 1000
    assert _count_queries(diary) == few
    assert few <= 8


hhmm = st.integers(min_value=9 * 4, max_value=17 * 4).map(lambda q: f"{q // 4:02}:{q % 4 * 15:02}")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    bookings=st.lists(
        st.tuples(st.integers(0, 1), st.integers(0, 2), hhmm, st.sampled_from([0, 1])),
        max_size=8,
    ),
    minutes=st.sampled_from([120, 150, 180, 240]),
)
def test_every_offered_time_can_be_booked_and_none_overlaps(diary, bookings, minutes):
    with transaction.atomic():
        # Offered through the cache (scheduling.availability_cache), which already holds
        # the answer from before the bookings below: they must make it compute anew.
        treatment = diary.treatment
        treatment.default_minutes = minutes
        treatment.save(update_fields=["default_minutes"])

        def offered():
            return cached_free_slots(
                appointment_type=treatment,
                start_date=MONDAY,
                days=3,
                source=BookingSource.FRONT_DESK,
                now=NOW,
            )

        offered()
        artists = [diary.artist, diary.artist2]
        types = [diary.consultation, diary.video]
        for artist_index, day_offset, start, type_index in bookings:
            # Random times may clash with each other; the refused ones are simply not there.
            with contextlib.suppress(BookingRefused):
                booking_create(
                    client=diary.client,
                    appointment_type=types[type_index],
                    artist=artists[artist_index],
                    starts_at=at(MONDAY + dt.timedelta(days=day_offset), start),
                )
        existing = list(Appointment.objects.filter(status="booked"))
        slots = offered()
        assert slots == free_slots(
            appointment_type=diary.treatment,
            start_date=MONDAY,
            days=3,
            minutes=minutes,
            source=BookingSource.FRONT_DESK,
            now=NOW,
        )
        buffer = dt.timedelta(minutes=diary.treatment.buffer_after_minutes)
        for slot in slots:
            for appointment in existing:
                if appointment.artist_id == slot.artist_id:
                    assert not (
                        slot.start < appointment.blocked_until
                        and appointment.starts_at < slot.end + buffer
                    )
        # Every offered time books (each in a savepoint that is rolled back).
        for slot in slots[:: max(1, len(slots) // 12)]:
            sid = transaction.savepoint()
            booking_create(
                client=diary.other_client,
                appointment_type=diary.treatment,
                artist=artists[0] if slot.artist_id == artists[0].pk else artists[1],
                starts_at=slot.start,
                minutes=minutes,
            )
            transaction.savepoint_rollback(sid)
        transaction.set_rollback(True)
