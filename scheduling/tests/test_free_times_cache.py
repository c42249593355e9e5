"""Free times kept in the cache (scheduling.availability_cache): reused until the diary
changes, and after any change the next answer is the diary's new one."""

import datetime as dt

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import team_member_deactivate, team_member_reactivate, user_deactivate
from clinic_settings.forms import RoomForm
from privacy.erasure import erase_client
from scheduling import setup, staff_hours
from scheduling.availability import free_slots
from scheduling.availability_cache import cached_free_slots
from scheduling.booking import booking_cancel, booking_create, booking_move
from scheduling.models import BookingPolicy, BookingSource, TimeOffKind
from scheduling.setup_forms import AppointmentTypeForm
from scheduling.tests.api_fixtures import make_clinic
from smpclinic.clinic import clinic_zone
from tests.clock import at

pytestmark = pytest.mark.django_db

DIARY_TABLES = (
    '"scheduling_appointment"',
    '"scheduling_openinghours"',
    '"scheduling_closedday"',
    '"scheduling_artisthours"',
    '"scheduling_timeoff"',
    '"scheduling_room"',
)


@pytest.fixture
def clinic(people, settings):
    settings.TIME_ZONE = "Europe/London"
    clinic = make_clinic(people)
    # Sam at 10:00 in a room: the second room is what lets Alex be offered 10:00.
    clinic.sams = booking_create(
        client=clinic.anna,
        appointment_type=clinic.consultation,
        artist=clinic.sam,
        starts_at=at(clinic.day, "10:00"),
    )
    return clinic


def offered(clinic, source=BookingSource.ONLINE):
    clinic.consultation.refresh_from_db()
    return cached_free_slots(
        appointment_type=clinic.consultation, start_date=clinic.day, days=2, source=source
    )


def diary_says(clinic, source=BookingSource.ONLINE):
    return free_slots(
        appointment_type=clinic.consultation, start_date=clinic.day, days=2, source=source
    )


def post_form(client, url, form, prefix="", **changes):
    """Post a model form as its page would, with these fields changed."""
    data = {}
    fields = model_to_dict(form.instance, fields=form.Meta.fields)
    for name, value in {**fields, **changes}.items():
        if name == "part":
            data[name] = value
        elif isinstance(value, bool):
            if value:
                data[f"{prefix}{name}"] = "on"
        elif isinstance(value, list):
            data[f"{prefix}{name}"] = [getattr(v, "pk", v) for v in value]
        elif value is not None:
            data[f"{prefix}{name}"] = value
    return client.post(url, data)


def _book(clinic, as_user):
    booking_create(
        client=clinic.ben,
        appointment_type=clinic.consultation,
        artist=clinic.alex,
        starts_at=at(clinic.day, "14:00"),
    )


def _move(clinic, as_user):
    booking_move(appointment=clinic.sams, starts_at=at(clinic.day + dt.timedelta(days=1), "11:00"))


def _cancel(clinic, as_user):
    booking_cancel(appointment=clinic.sams, reason="Unwell")


def _opening_hours(clinic, as_user):
    rows = [
        (weekday, opens, closes)
        for weekday, spans in setup.week_template().items()
        for opens, closes in spans
    ]
    weekday = clinic.day.weekday()
    rows = [r for r in rows if r[0] != weekday] + [(weekday, dt.time(12), dt.time(18))]
    setup.week_template_replace(rows)


def _closed_day(clinic, as_user):
    setup.closed_days_add(clinic.day + dt.timedelta(days=1), reason="Training")


def _closed_day_opened(clinic, as_user):
    closed = setup.closed_days_ahead(clinic.day)[0]
    setup.closed_day_remove(closed.pk)


_closed_day_opened.before = _closed_day


def _time_off(clinic, as_user):
    staff_hours.time_off_add(
        member=clinic.alex,
        starts_at=at(clinic.day, "13:00"),
        ends_at=at(clinic.day, "15:00"),
        kind=TimeOffKind.values[0],
        by=clinic.people.manager,
    )


def _working_hours(clinic, as_user):
    week = {clinic.day.weekday(): [(dt.time(9), dt.time(12))]}
    staff_hours.week_hours_save(member=clinic.alex, week=week)


def _room(clinic, as_user):
    manager = as_user(clinic.people.manager)
    response = post_form(
        manager,
        reverse("clinic_settings:room", args=[clinic.room2.pk]),
        RoomForm(instance=clinic.room2),
        is_active=False,
    )
    assert response.status_code == 302


def _type(clinic, as_user):
    manager = as_user(clinic.people.manager)
    response = post_form(
        manager,
        reverse("clinic_settings:service", args=[clinic.consultation.pk]),
        AppointmentTypeForm(instance=clinic.consultation),
        rooms=[clinic.room1.pk],
    )
    assert response.status_code == 302, response.content.decode()[:3000]


def _type_not_offered(clinic, as_user):
    staff_hours.offered_types_set(artist=clinic.alex, offered=[])


def _artist_leaves(clinic, as_user):
    user_deactivate(user=clinic.alex)


def _artist_switched_off_from_the_team_page(clinic, as_user):
    team_member_deactivate(user=clinic.alex, by=clinic.people.manager)


def _artist_switched_back_on(clinic, as_user):
    team_member_reactivate(user=clinic.alex, by=clinic.people.manager)


_artist_switched_back_on.before = _artist_leaves


def _user_page(user, *, active=True, time_off=None):
    """The admin's page of this person as posted, its diary sections left as they are
    (plus one row of time off when given, as (starts_at, ends_at))."""
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": user.role,
    }
    if active:
        data["is_active"] = "on"
    for prefix in ("working_hours", "time_off"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    if time_off is not None:
        zone = clinic_zone()
        starts, ends = (moment.astimezone(zone) for moment in time_off)
        data.update(
            {
                "time_off-TOTAL_FORMS": "1",
                "time_off-0-kind": TimeOffKind.values[0],
                "time_off-0-starts_at_0": starts.date().isoformat(),
                "time_off-0-starts_at_1": starts.strftime("%H:%M"),
                "time_off-0-ends_at_0": ends.date().isoformat(),
                "time_off-0-ends_at_1": ends.strftime("%H:%M"),
                "time_off-0-note": "Course",
            }
        )
    return data


def _post_user_page(clinic, as_user, user, **kwargs):
    url = reverse("admin:accounts_user_change", args=[user.pk])
    response = as_user(clinic.people.manager).post(url, _user_page(user, **kwargs))
    assert response.status_code == 302, response.content.decode()[:3000]


def _artist_switched_off_in_the_admin(clinic, as_user):
    _post_user_page(clinic, as_user, clinic.alex, active=False)


def _artist_switched_back_on_in_the_admin(clinic, as_user):
    _post_user_page(clinic, as_user, clinic.alex, active=True)


_artist_switched_back_on_in_the_admin.before = _artist_leaves


def _time_off_on_the_artists_admin_page(clinic, as_user):
    time_off = (at(clinic.day, "13:00"), at(clinic.day, "15:00"))
    _post_user_page(clinic, as_user, clinic.alex, time_off=time_off)


def _artist_deleted_in_the_admin(clinic, as_user):
    # Only a superuser may delete someone (the manager switches them off instead).
    owner = type(clinic.alex).objects.create_superuser(email="owner@clinic.test", password="x")
    url = reverse("admin:accounts_user_delete", args=[clinic.alex.pk])
    response = as_user(owner).post(url, {"post": "yes"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not type(clinic.alex).objects.filter(pk=clinic.alex.pk).exists()


def _client_erased(clinic, as_user):
    # Anna's appointment with Sam at 10:00 is cancelled: Sam is free then again.
    erase_client(clinic.anna, by=clinic.people.manager)


def _booking_rules(clinic, as_user):
    from clinic_settings.forms import RULE_SECTIONS

    [form_class] = [form for key, _, form, _ in RULE_SECTIONS if key == "booking"]
    manager = as_user(clinic.people.manager)
    response = post_form(
        manager,
        reverse("clinic_settings:rules"),
        form_class(instance=BookingPolicy.current()),
        prefix="booking-",
        part="booking",
        slot_minutes=20,
    )
    assert response.status_code == 302


CHANGES = {
    "booking": _book,
    "move": _move,
    "cancellation": _cancel,
    "opening hours": _opening_hours,
    "closed day": _closed_day,
    "closed day opened again": _closed_day_opened,
    "time off": _time_off,
    "working hours": _working_hours,
    "room": _room,
    "appointment type": _type,
    "type no longer offered by an artist": _type_not_offered,
    "artist leaves": _artist_leaves,
    "booking rules": _booking_rules,
    "artist switched off from the team page": _artist_switched_off_from_the_team_page,
    "artist switched back on": _artist_switched_back_on,
    "artist switched off in the admin": _artist_switched_off_in_the_admin,
    "artist switched back on in the admin": _artist_switched_back_on_in_the_admin,
    "time off on the artist's admin page": _time_off_on_the_artists_admin_page,
    "artist deleted in the admin": _artist_deleted_in_the_admin,
    "client erased": _client_erased,
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_each_change_to_the_diary_changes_the_next_answer(clinic, as_user, change):
    if hasattr(change, "before"):
        change.before(clinic, as_user)
    before = offered(clinic)
    assert before == diary_says(clinic)
    assert offered(clinic) == before  # now from the cache

    change(clinic, as_user)

    after = offered(clinic)
    assert after != before
    assert after == diary_says(clinic)


def test_the_second_answer_reads_nothing_of_the_diary(clinic, client):
    url = reverse("api:availability")
    query = {"type": "consultation", "start": clinic.day.isoformat(), "days": 7}
    first = client.get(url, query)
    with CaptureQueriesContext(connection) as second_queries:
        second = client.get(url, query)
    assert second.json() == first.json()
    read = [q["sql"] for q in second_queries.captured_queries]
    tables = [table for sql in read for table in DIARY_TABLES if table in sql]
    assert tables == [], read

    page = reverse("booking:times", args=["consultation"])
    first = client.get(page, {"from": clinic.day.isoformat()})
    with CaptureQueriesContext(connection) as page_queries:
        second = client.get(page, {"from": clinic.day.isoformat()})
    assert second.content == first.content
    assert [
        q for q in page_queries.captured_queries if '"scheduling_appointment"' in q["sql"]
    ] == []
    assert len(page_queries) < len(second_queries) + 4


def test_the_cached_answer_offers_no_time_inside_the_notice(clinic, freeze_now):
    day = clinic.day
    freeze_now(at(day - dt.timedelta(days=2), "09:00"))
    early = offered(clinic)
    assert early == diary_says(clinic)
    # A day and a half later the same cached day answer is cut at the new notice.
    freeze_now(at(day - dt.timedelta(days=1), "13:00"))
    later = offered(clinic)
    assert later == diary_says(clinic)
    assert later != early
    assert min(slot.start for slot in later) >= at(day, "13:00")


def test_a_cache_that_fails_is_passed_by(clinic, settings, caplog, monkeypatch):
    # Its warning (once a minute) is given here, and the minute is not used up after.
    monkeypatch.setattr("smpclinic.cache._last_warning", -1e9)
    settings.CACHES = {
        "default": {
            "BACKEND": "smpclinic.cache.FailOpenRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    assert offered(clinic) == diary_says(clinic)
    _book(clinic, None)
    assert offered(clinic) == diary_says(clinic)
    assert "The cache (Redis) cannot be reached" in caplog.text
