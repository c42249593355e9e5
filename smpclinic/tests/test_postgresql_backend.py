"""The PostgreSQL backend reads timestamps with psycopg's compiled loader and answers
exactly as Django's own would: aware datetimes in UTC, to the microsecond."""

import datetime as dt

import pytest
from django.db import connection

from scheduling.models import Appointment
from smpclinic.postgresql.base import TIMESTAMPTZ_OID, UtcTimestamptzLoader
from tests.clock import at, day

pytestmark = [pytest.mark.django_db, pytest.mark.needs_postgres]


def test_the_connection_reads_timestamps_with_the_compiled_loader():
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, 0)
    assert loader is UtcTimestamptzLoader
    with connection.cursor() as cursor:
        # Django keeps this loader for its cursors: the time zones agree.
        assert cursor.cursor.adapters.get_loader(TIMESTAMPTZ_OID, 0) is UtcTimestamptzLoader


@pytest.mark.parametrize(
    "moment",
    [
        # The hour the clocks go back in London, twice over, and summer and winter times.
        dt.datetime.combine(day(10, 25), dt.time(0, 30, 0, 1), tzinfo=dt.UTC),
        dt.datetime.combine(day(10, 25), dt.time(1, 30, 59, 999999), tzinfo=dt.UTC),
        at(day(7, 1), "09:15"),
        at(day(12, 1), "17:45"),
    ],
)
def test_a_timestamp_reads_back_as_the_same_instant_in_utc(moment):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT %s::timestamptz, %s::timestamptz + interval '90 minutes'", [moment, moment]
        )
        read, later = cursor.fetchone()
    assert read == moment
    assert read.tzinfo is dt.UTC
    assert later - read == dt.timedelta(minutes=90)


def test_models_read_their_datetimes_in_utc(people):
    from scheduling.tests.api_fixtures import make_clinic

    clinic = make_clinic(people)
    starts = at(day(6, 2), "10:00")
    appointment = Appointment.objects.create(
        client=clinic.people.record_a,
        type=clinic.consultation,
        artist=clinic.artist,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=30),
        blocked_until=starts + dt.timedelta(minutes=45),
    )
    read = Appointment.objects.values_list("starts_at", "blocked_until").get(pk=appointment.pk)
    assert read == (starts, starts + dt.timedelta(minutes=45))
    assert read[0].tzinfo is dt.UTC
