"""One policy, every door: each rule about changing a booking gives the same answer
through the diary, the portal, the emailed manage link and the API, for the same actor.

The rules (scheduling.policy and the checks apps register): the client change-notice
period, the gap between treatment sessions and its manager override, the plan's lead
artist, the consultation gates, which statuses each role may set, attendance only on
the day, and a client's late cancellation (accepted, recorded as late).

This module sits with the portal because the portal is the one app that may reach every
other; the rules themselves live in the apps that own them.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations.models import Consultation
from scheduling.booking import BookingRefused, appointment_set_status, booking_create
from scheduling.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    AppointmentType,
    BookingPolicy,
    TimeOff,
)
from scheduling.policy import Actor, Channel
from scheduling.public_forms import format_start
from scheduling.tokens import manage_token_for
from sessions_app import plans
from tests.clock import at

pytestmark = pytest.mark.django_db

NOTICE = "Changes online close {hours} hours before the appointment: please call us."
CLIENT_GAP = (
    "Sessions are at least 7 days apart so your skin can settle. "
    "Please choose a later time (or call us)."
)
STAFF_GAP = (
    "Sessions are at least 7 days apart so the skin can settle; "
    "a manager can book closer with a reason."
)
REVIEW = (
    "This client's treatment needs an artist's review of the health questionnaire "
    "first: an answer flagged a contraindication."
)
LATER_DAY = "That appointment is on a later day: it cannot be marked {status} yet."


def monday_weeks_ahead(weeks: int) -> dt.date:
    """A Monday at least `weeks` weeks from today, in the clinic's zone."""
    day = timezone.localdate() + dt.timedelta(weeks=weeks)
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


@pytest.fixture
def plan(portal):
    """Anna's sessions 1 and 2 booked by the desk a week apart, weeks ahead, with Sam."""
    monday = monday_weeks_ahead(2)
    first = plans.session_book(
        session=portal.sessions[0], starts_at=at(monday, "10:00"), by=portal.people.front_desk
    )
    second = plans.session_book(
        session=portal.sessions[1],
        starts_at=at(monday + dt.timedelta(days=7), "10:00"),
        by=portal.people.front_desk,
    )
    return SimpleNamespace(**{**vars(portal), "monday": monday}, first=first, second=second)


# --- the doors ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    done: bool
    page: str  # what the person saw afterwards (unescaped text)

    def says(self, message: str) -> bool:
        return message in self.page


def _seen(response) -> str:
    return html.unescape(response.content.decode())


def portal_move(ns, appointment: Appointment, start: dt.datetime, artist=None) -> Answer:
    c = ns.as_user(ns.people.client_a)
    url = reverse("portal:reschedule_confirm", args=[appointment.pk, format_start(start)])
    response = c.post(url, follow=True)
    appointment.refresh_from_db()
    return Answer(appointment.starts_at == start, _seen(response))


def manage_link_move(ns, appointment: Appointment, start: dt.datetime, artist=None) -> Answer:
    token = manage_token_for(appointment)
    url = reverse("booking:manage_reschedule_confirm", args=[token, format_start(start)])
    response = ns.browser.post(url, follow=True)
    appointment.refresh_from_db()
    return Answer(appointment.starts_at == start, _seen(response))


def diary_move(user_attr: str) -> Callable:
    def move(ns, appointment: Appointment, start: dt.datetime, artist=None) -> Answer:
        local = timezone.localtime(start)
        response = ns.as_user(getattr(ns.people, user_attr)).post(
            reverse("scheduling:move", args=[appointment.pk]),
            {
                "starts_at_0": local.date().isoformat(),
                "starts_at_1": f"{local:%H:%M}",
                "artist": (artist or appointment.artist).pk,
                "room": "",
                "minutes": str(appointment.minutes),
            },
            follow=True,
        )
        appointment.refresh_from_db()
        return Answer(appointment.starts_at == start, _seen(response))

    move.__name__ = f"diary_move_{user_attr}"
    return move


def portal_cancel(ns, appointment: Appointment) -> Answer:
    c = ns.as_user(ns.people.client_a)
    response = c.post(
        reverse("portal:cancel", args=[appointment.pk]), {"reason": "Ill"}, follow=True
    )
    appointment.refresh_from_db()
    return Answer(appointment.status == AppointmentStatus.CANCELLED, _seen(response))


def manage_link_cancel(ns, appointment: Appointment) -> Answer:
    token = manage_token_for(appointment)
    response = ns.browser.post(
        reverse("booking:manage_cancel", args=[token]), {"reason": "Ill"}, follow=True
    )
    appointment.refresh_from_db()
    return Answer(appointment.status == AppointmentStatus.CANCELLED, _seen(response))


CLIENT_MOVES = [
    pytest.param(portal_move, id="portal"),
    pytest.param(manage_link_move, id="manage-link"),
]
STAFF_MOVES = [
    pytest.param(diary_move("front_desk"), id="diary-front-desk"),
    pytest.param(diary_move("manager"), id="diary-manager"),
]
CLIENT_CANCELS = [
    pytest.param(portal_cancel, id="portal"),
    pytest.param(manage_link_cancel, id="manage-link"),
]


@pytest.fixture
def ns(plan, as_user, client):
    return SimpleNamespace(**vars(plan), as_user=as_user, browser=client)


# --- the change-notice period -------------------------------------------------------------


def _inside_notice() -> int:
    """Make every appointment in these tests fall inside the notice period."""
    BookingPolicy.objects.filter(pk=1).update(change_notice_hours=24 * 30)
    return 24 * 30


@pytest.mark.parametrize("door", CLIENT_MOVES)
def test_a_client_cannot_move_inside_the_notice_period(ns, door):
    hours = _inside_notice()
    later = at(ns.monday + dt.timedelta(days=8), "10:00")
    answer = door(ns, ns.second, later)
    assert not answer.done
    assert answer.says(NOTICE.format(hours=hours))


@pytest.mark.parametrize("door", STAFF_MOVES)
def test_the_clinic_moves_inside_the_notice_period(ns, door):
    _inside_notice()
    later = at(ns.monday + dt.timedelta(days=8), "10:00")
    assert door(ns, ns.second, later).done


@pytest.mark.parametrize("door", CLIENT_CANCELS)
def test_a_client_cancelling_inside_the_notice_period_is_accepted_and_recorded_late(ns, door):
    _inside_notice()
    answer = door(ns, ns.second)
    assert answer.done
    ns.second.refresh_from_db()
    assert ns.second.cancelled_late
    event = ns.second.events.get(kind="cancelled")
    assert event.detail.startswith("Late cancellation (inside the notice period)")
    # The diary shows it.
    page = _seen(ns.as_user(ns.people.front_desk).get(ns.second.get_absolute_url()))
    assert 'data-testid="cancelled-late"' in page


@pytest.mark.parametrize("door", CLIENT_CANCELS)
def test_a_client_cancelling_in_good_time_is_not_late(ns, door):
    assert door(ns, ns.second).done
    ns.second.refresh_from_db()
    assert not ns.second.cancelled_late


def test_the_desk_cancelling_inside_the_notice_period_is_not_a_late_cancellation(ns):
    _inside_notice()
    response = ns.as_user(ns.people.front_desk).post(
        reverse("scheduling:cancel", args=[ns.second.pk]), {"reason": "Artist ill"}
    )
    assert response.status_code == 302
    ns.second.refresh_from_db()
    assert ns.second.status == AppointmentStatus.CANCELLED and not ns.second.cancelled_late


# --- the gap between sessions -------------------------------------------------------------


@pytest.mark.parametrize(
    ("door", "message"),
    [*[pytest.param(p.values[0], CLIENT_GAP, id=p.id) for p in CLIENT_MOVES]]
    + [pytest.param(p.values[0], STAFF_GAP, id=p.id) for p in STAFF_MOVES],
)
def test_a_move_that_breaks_the_gap_is_refused_at_every_door(ns, door, message):
    too_close = at(ns.monday + dt.timedelta(days=3), "10:00")
    answer = door(ns, ns.second, too_close)
    assert not answer.done
    assert answer.says(message)


def test_only_a_manager_books_closer_than_the_gap_and_only_with_a_reason(ns):
    too_close = at(ns.monday + dt.timedelta(days=3), "10:00")
    ns.second.status = AppointmentStatus.CANCELLED
    Appointment.objects.filter(pk=ns.second.pk).update(status=AppointmentStatus.CANCELLED)
    for who, reason, code in [
        (ns.people.front_desk, "Client flying abroad", "override_not_allowed"),
        (ns.people.manager, "", "gap"),
    ]:
        with pytest.raises(BookingRefused) as refused:
            plans.session_book(
                session=ns.sessions[1], starts_at=too_close, by=who, gap_override_reason=reason
            )
        assert refused.value.problem.code == code
    booked = plans.session_book(
        session=ns.sessions[1],
        starts_at=too_close,
        by=ns.people.manager,
        gap_override_reason="Client flying abroad",
    )
    assert booked.starts_at == too_close


def test_a_manager_moves_a_session_closer_than_the_gap_in_the_diary_with_a_reason(ns):
    too_close = at(ns.monday + dt.timedelta(days=3), "10:00")
    browser = ns.as_user(ns.people.manager)
    page = _seen(browser.get(ns.second.get_absolute_url()))
    assert "Why closer than the usual gap between sessions" in page
    local = timezone.localtime(too_close)
    response = browser.post(
        reverse("scheduling:move", args=[ns.second.pk]),
        {
            "starts_at_0": local.date().isoformat(),
            "starts_at_1": f"{local:%H:%M}",
            "artist": ns.artist.pk,
            "room": "",
            "minutes": str(ns.second.minutes),
            "gap_override_reason": "Client flying abroad",
        },
    )
    assert response.status_code == 302
    ns.second.refresh_from_db()
    assert ns.second.starts_at == too_close
    ns.sessions[1].refresh_from_db()
    assert ns.sessions[1].gap_override_reason == "Client flying abroad"
    desk_page = _seen(ns.as_user(ns.people.front_desk).get(ns.second.get_absolute_url()))
    assert "Why closer than the usual gap between sessions" not in desk_page


# --- the plan's lead artist ---------------------------------------------------------------


def test_the_manage_link_does_not_switch_a_session_to_another_artist(ns):
    # Sam is away that day; only Alex has the time free.
    day = ns.monday + dt.timedelta(days=8)
    TimeOff.objects.create(
        artist=ns.artist,
        starts_at=at(day, "00:00"),
        ends_at=at(day + dt.timedelta(days=1), "00:00"),
    )
    answer = manage_link_move(ns, ns.second, at(day, "10:00"))
    assert not answer.done
    assert answer.says("Your sessions are with Sam Okafor: please choose one of their times")
    assert ns.second.artist == ns.artist


def test_the_manage_link_offers_only_the_sessions_artist_and_times_that_keep_the_gap(ns):
    """The times page offers what the rules above would accept, nothing they would refuse."""
    token = manage_token_for(ns.second)
    sam_away = ns.monday + dt.timedelta(days=9)  # a Wednesday: only Alex works
    TimeOff.objects.create(
        artist=ns.artist,
        starts_at=at(sam_away, "00:00"),
        ends_at=at(sam_away + dt.timedelta(days=1), "00:00"),
    )
    page = ns.browser.get(
        reverse("booking:manage_reschedule", args=[token]),
        {"from": (ns.monday + dt.timedelta(days=3)).isoformat()},  # seven days from Thursday
    ).content.decode()

    def offered(day: dt.date, hhmm: str) -> bool:
        key = format_start(at(day, hhmm))
        return reverse("booking:manage_reschedule_confirm", args=[token, key]) in page

    # Session 1 is on ns.monday at 10:00: a week later at 10:00 is the earliest.
    assert not offered(ns.monday + dt.timedelta(days=3), "10:00")
    assert not offered(ns.monday + dt.timedelta(days=7), "09:00")
    assert offered(ns.monday + dt.timedelta(days=8), "10:00")
    # Alex is free on Sam's day off, but the session stays with Sam.
    assert not offered(sam_away, "10:00")


def test_a_client_cannot_book_a_plan_session_with_another_artist(ns):
    Appointment.objects.filter(pk=ns.second.pk).update(status=AppointmentStatus.CANCELLED)
    for channel in (Channel.PORTAL, Channel.API, Channel.MANAGE_LINK):
        with pytest.raises(BookingRefused) as refused:
            plans.session_book(
                session=ns.sessions[1],
                starts_at=at(ns.monday + dt.timedelta(days=8), "10:00"),
                artist=ns.artist2,
                by=ns.people.client_a,
                actor=Actor.client(ns.people.client_a),
                channel=channel,
            )
        assert refused.value.problem.code == "lead_artist"


@pytest.mark.parametrize("door", STAFF_MOVES)
def test_the_clinic_may_give_a_session_to_another_artist(ns, door):
    later = at(ns.monday + dt.timedelta(days=8), "10:00")
    assert door(ns, ns.second, later, artist=ns.artist2).done
    ns.second.refresh_from_db()
    assert ns.second.artist == ns.artist2


# --- consultation gates -------------------------------------------------------------------


@pytest.mark.parametrize("door", [*CLIENT_MOVES, *STAFF_MOVES])
def test_a_treatment_waiting_for_review_cannot_move_through_any_door(ns, door):
    Consultation.objects.create(client=ns.client, artist=ns.artist, review_required=True)
    later = at(ns.monday + dt.timedelta(days=8), "10:00")
    answer = door(ns, ns.second, later)
    assert not answer.done
    assert answer.says(REVIEW)


# --- statuses -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    # An artist records arrival (and completion) only: see the statuses test below.
    [(r, s) for r in ("front_desk", "manager") for s in ("arrived", "no_show")]
    + [("artist", "arrived")],
)
def test_attendance_on_a_later_day_is_refused_for_every_role(ns, role, status):
    response = ns.as_user(getattr(ns.people, role)).post(
        reverse("scheduling:set_status", args=[ns.second.pk]), {"status": status}, follow=True
    )
    label = AppointmentStatus(status).label.lower()
    assert LATER_DAY.format(status=label) in _seen(response)
    ns.second.refresh_from_db()
    assert ns.second.status == AppointmentStatus.BOOKED


@pytest.mark.parametrize(
    ("actor_of", "status", "allowed"),
    [
        ("artist", AppointmentStatus.CONFIRMED, False),
        ("artist", AppointmentStatus.NO_SHOW, False),
        ("front_desk", AppointmentStatus.CONFIRMED, True),
        ("manager", AppointmentStatus.CONFIRMED, True),
        ("client", AppointmentStatus.CONFIRMED, True),
        ("client", AppointmentStatus.ARRIVED, False),
    ],
)
@pytest.mark.parametrize("channel", [Channel.DIARY, Channel.PORTAL, Channel.MANAGE_LINK])
def test_which_statuses_each_role_may_set_whatever_the_door(ns, actor_of, status, allowed, channel):
    """The same answer for the same actor through any channel: the rule is the role's."""
    actor = (
        Actor.client(ns.people.client_a)
        if actor_of == "client"
        else Actor.of(getattr(ns.people, actor_of))
    )
    # Today, so attendance is not refused for being on a later day.
    now = ns.second.starts_at - dt.timedelta(hours=1)
    try:
        appointment_set_status(
            appointment=ns.second, status=status, actor=actor, channel=channel, now=now
        )
    except BookingRefused as refused:
        assert not allowed
        assert refused.problem.code == "role"
        expected = (
            "Please call us to change this appointment."
            if actor.is_client
            else "Only the front desk and managers change this."
        )
        assert refused.problem.message == expected
    else:
        assert allowed
        ns.second.refresh_from_db()
        assert ns.second.status == status


def test_an_artist_cannot_set_other_statuses_in_the_diary(ns):
    response = ns.as_user(ns.people.artist).post(
        reverse("scheduling:set_status", args=[ns.second.pk]), {"status": "confirmed"}
    )
    assert response.status_code == 403
    ns.second.refresh_from_db()
    assert ns.second.status == AppointmentStatus.BOOKED


# --- the API and the online booking page: the same answer on creating -------------------


def test_the_api_and_the_online_page_refuse_short_notice_alike(ns):
    BookingPolicy.objects.filter(pk=1).update(online_notice_hours=24 * 60)
    consultation = AppointmentType.objects.filter(kind=AppointmentKind.CONSULTATION).first()
    start = at(ns.monday + dt.timedelta(days=2), "10:00")
    messages = set()
    for channel in (Channel.API, Channel.ONLINE_BOOKING):
        with pytest.raises(BookingRefused) as refused:
            booking_create(
                client=ns.other_client,
                appointment_type=consultation,
                artist=ns.artist,
                starts_at=start,
                source="api" if channel == Channel.API else "online",
                actor=Actor.client(),
                channel=channel,
            )
        messages.add(refused.value.problem.message)
    response = ns.browser.post(
        reverse("api:bookings"),
        {
            "type": consultation.slug,
            "start": start.isoformat(),
            "artist": ns.artist.pk,
            "client": {"first_name": "Cara", "last_name": "Doyle", "email": "cara@example.com"},
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["start"] == list(messages)


# --- explicit now: a past visit recorded through the services -----------------------------


def test_a_session_that_happened_last_week_is_recorded_through_the_services(ns):
    last_week = timezone.localdate() - dt.timedelta(days=7)
    while last_week.weekday() == 6:
        last_week -= dt.timedelta(days=1)
    start = at(last_week, "10:00")
    Appointment.objects.filter(pk=ns.first.pk).update(status=AppointmentStatus.CANCELLED)
    booked = plans.session_book(
        session=ns.sessions[0],
        starts_at=start,
        by=ns.people.front_desk,
        actor=Actor.system(),
        channel=Channel.TASK,
        now=start - dt.timedelta(days=3),
    )
    for status, when in (("arrived", start), ("completed", booked.ends_at)):
        appointment_set_status(
            appointment=booked, status=status, actor=Actor.system(), channel=Channel.TASK, now=when
        )
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.COMPLETED
    assert booked.created_at == start - dt.timedelta(days=3)
    assert [e.at for e in booked.events.order_by("at")] == [
        start - dt.timedelta(days=3),
        start,
        booked.ends_at,
    ]
