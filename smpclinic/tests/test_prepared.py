"""Prepared queries: compiled once, they give what the queryset itself gives, for each
run's own values, on data written after they were compiled, in the current time zone."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    DateField,
    DateTimeField,
    IntegerField,
)
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.models import Client
from scheduling.models import Appointment, AppointmentStatus
from smpclinic.prepared import Param, PreparedQuery
from smpclinic.tests.home_fixtures import appointment
from tests.clock import at, day

pytestmark = pytest.mark.django_db

ON = day(6, 7)


def book(people, client, start, status=AppointmentStatus.BOOKED):
    return appointment(people, start, status, client=client)


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
    # Query logs show the statement with its values, as for any other query.
    assert '"scheduling_appointment"' in queries[0]["sql"]
    assert str(start.year) in queries[0]["sql"]


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


BY_PK = PreparedQuery(lambda: Client.objects.filter(pk=Param("pk", BigIntegerField())))


def test_first_finds_one_row_and_an_id_too_large_finds_none(people):
    assert BY_PK.first(pk=people.record_b.pk) == people.record_b
    assert BY_PK.first(pk=people.record_b.pk + 1000) is None
    with CaptureQueriesContext(connection) as queries:
        assert BY_PK.first(pk=2**70) is None
        assert BY_PK.first(pk=-(2**70)) is None
    assert len(queries) == 0
    # Nothing went wrong with the connection: the next lookup answers.
    assert BY_PK.first(pk=people.record_a.pk) == people.record_a


def test_values_are_taken_as_their_fields_would_take_them(people):
    # An id as a URL or a form gives it: text.
    assert BY_PK.first(pk=str(people.record_a.pk)) == people.record_a
    with pytest.raises(ValueError, match="expected a number"):
        BY_PK.first(pk="seven")


def _prepared_on_server() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.needs_postgres
def test_postgresql_plans_each_prepared_query_once_per_connection(people, settings):
    settings.DATABASE_PREPARED_STATEMENTS = True
    before = _prepared_on_server()
    first = book(people, people.record_a, at(ON, "10:00"))
    assert [a.pk for a in FROM.fetch(start=at(ON, "09:00"))] == [first.pk]
    # Planned once for any values, not again for each run's.
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_generic_plan"
    kept = [s for s in _prepared_on_server() if s not in before]
    assert len(kept) == 1 and "scheduling_appointment" in kept[0]
    # Run again with other values: the same statement, answering for them.
    assert FROM.fetch(start=at(ON, "11:00")) == []
    assert [s for s in _prepared_on_server() if s not in before] == kept
    # Ordinary queries are not prepared.
    assert list(appointments_from(at(ON, "09:00"))) == [first]
    assert [s for s in _prepared_on_server() if s not in before] == kept


@pytest.mark.needs_postgres
def test_preparing_on_the_server_can_be_switched_off(people, settings):
    settings.DATABASE_PREPARED_STATEMENTS = False
    before = _prepared_on_server()
    assert LAST_NAMES.fetch(first="Ben") == ["Barker"]
    assert _prepared_on_server() == before
