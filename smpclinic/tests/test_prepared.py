"""Prepared queries: compiled once, they give what the queryset itself gives, for each
run's own values, on data written after they were compiled, in the current time zone."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import CharField, Count, DateField, DateTimeField, IntegerField
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.models import Client
from scheduling.models import Appointment, AppointmentStatus, AppointmentType
from smpclinic.prepared import Param, PreparedQuery
from tests.clock import at, day

pytestmark = pytest.mark.django_db

ON = day(6, 7)


def book(people, client, start, status=AppointmentStatus.BOOKED):
    return Appointment.objects.create(
        client=client,
        type=AppointmentType.objects.get(slug="consultation"),
        artist=people.artist,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=45),
        blocked_until=start + dt.timedelta(minutes=60),
        status=status,
    )


def appointments_from(start):
    return (
        Appointment.objects.filter(starts_at__gte=start, status=AppointmentStatus.BOOKED)
        .select_related("client", "type")
        .annotate(visits=Count("client__appointments"))
        .order_by("starts_at")
    )


FROM = PreparedQuery(lambda: appointments_from(Param("start", DateTimeField())))


def test_rows_match_the_querysets_own_for_each_runs_values(people):
    first = book(people, people.record_a, at(ON, "10:00"))
    second = book(people, people.record_b, at(ON, "14:00"))
    book(people, people.record_b, at(ON, "16:00"), status=AppointmentStatus.CANCELLED)

    for start in (at(ON, "09:00"), at(ON, "12:00"), at(ON, "18:00")):
        expected = list(appointments_from(start))
        got = FROM.fetch(start=start)
        assert [a.pk for a in got] == [a.pk for a in expected]
        assert [(a.client.last_name, a.type.slug, a.visits) for a in got] == [
            (a.client.last_name, a.type.slug, a.visits) for a in expected
        ]
    assert [a.pk for a in FROM.fetch(start=at(ON, "09:00"))] == [first.pk, second.pk]
    assert FROM.fetch(start=at(ON, "09:00"))[1].client.first_name == "Ben"


def test_rows_written_after_compiling_are_seen_and_one_query_is_run(people):
    start = at(ON, "09:00")
    assert FROM.fetch(start=start) == []
    later = book(people, people.record_a, at(ON, "11:00"))
    with CaptureQueriesContext(connection) as queries:
        rows = FROM.fetch(start=start)
    assert [a.pk for a in rows] == [later.pk]
    assert len(queries) == 1


LAST_NAMES = PreparedQuery(
    lambda: (
        Client.objects.filter(first_name=Param("first", CharField()))
        .order_by("pk")
        .values_list("last_name", flat=True)
    )
)


def test_values_rows_and_an_empty_answer(people):
    assert LAST_NAMES.fetch(first="Anna") == ["Ashby"]
    assert LAST_NAMES.fetch(first="Ben") == ["Barker"]
    assert LAST_NAMES.fetch(first="Nobody") == []


def test_a_missing_or_unknown_value_is_refused_before_any_query(people):
    with CaptureQueriesContext(connection) as queries:
        with pytest.raises(TypeError, match="takes \\['first'\\]"):
            LAST_NAMES.fetch()
        with pytest.raises(TypeError):
            LAST_NAMES.fetch(first="Anna", last="Ashby")
    # The first call compiles without running; nothing was read.
    assert len(queries) == 0


ON_DAY = PreparedQuery(
    lambda: (
        Appointment.objects.filter(starts_at__date=Param("on", DateField()))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
)


def test_a_day_is_read_in_the_time_zone_in_force(people):
    # 23:30 in London on a summer day is 22:30 UTC the same day, but already the next
    # day in Tokyo: the kept SQL must not carry one zone's day into another's.
    late = book(people, people.record_a, at(ON, "23:30"))
    assert ON_DAY.fetch(on=ON) == [late.pk]
    with timezone.override("Asia/Tokyo"):
        assert ON_DAY.fetch(on=ON) == []
        assert ON_DAY.fetch(on=ON + dt.timedelta(days=1)) == [late.pk]
    assert ON_DAY.fetch(on=ON) == [late.pk]


LIMITED = PreparedQuery(
    lambda: Client.objects.filter(pk__gte=Param("from_pk", IntegerField())).order_by("pk")[:1]
)


def test_a_slice_is_kept_with_the_shape(people):
    assert LIMITED.fetch(from_pk=people.record_a.pk) == [people.record_a]
    assert LIMITED.fetch(from_pk=people.record_b.pk) == [people.record_b]
