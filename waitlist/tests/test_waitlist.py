"""The waitlist: who is offered a freed time, in what order, and what claiming it does.

Sam and Alex work Monday to Saturday 09:00–18:00; a consultation takes 45 minutes. On
MONDAY Dan has a consultation with Sam at 10:00; when he cancels, the clients waiting whom
that time suits are offered it, a few at a time, and the first to claim it has it.
"""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reminders.dispatch import dispatch_due
from reminders.models import Reminder, ReminderKind
from scheduling.booking import appointment_set_status, booking_cancel, booking_move
from scheduling.models import Appointment, AppointmentStatus, BookingSource
from tests.clock import MONDAY, at
from waitlist import services
from waitlist.models import (
    EntryStatus,
    FreedTime,
    Offer,
    OfferOrder,
    OfferStatus,
    WaitlistEntry,
    WaitlistSettings,
)
from waitlist.tests.fixtures import booked, client, wait
from waitlist.tokens import claim_token, offer_from_token

pytestmark = pytest.mark.django_db

TUESDAY = MONDAY + dt.timedelta(days=1)


@pytest.fixture
def dan(diary):
    diary.dan = client("Dan", "Carter")
    diary.dans = booked(diary, diary.dan, "10:00")
    return diary


def cancel(clinic, appointment):
    return booking_cancel(
        appointment=appointment, reason="Cannot make it", by=clinic.people.front_desk
    )


def offered_to(freed) -> list[str]:
    return [o.entry.client.first_name for o in freed.offers.order_by("offered_at", "id")]


def claim_url(offer) -> str:
    return reverse("waitlist_offer:claim", args=[claim_token(offer)])


# --- who is offered ---------------------------------------------------------------------------


def test_a_cancelled_time_is_offered_to_the_clients_it_suits_first_come_first(dan):
    settings = WaitlistSettings.current()
    settings.offers_at_once = 2
    settings.save()
    first = wait(dan, client("Amy", "Hart"))
    wait(dan, client("Bea", "Lowe"), weekdays=[0], earliest_time=dt.time(9, 30))
    wait(dan, client("Cal", "Moss"))  # suits too, but after two
    wait(dan, client("Tue", "Only"), weekdays=[1])  # Tuesdays only
    wait(dan, client("Late", "Riser"), earliest_time=dt.time(12))  # afternoons
    wait(dan, client("Alex", "Fan"), artist=dan.alex)  # Sam's time, not Alex's
    wait(dan, client("Long", "Visit"), appointment_type=dan.treatment)  # too long for 45 min
    wait(dan, client("Not", "Yet"), earliest_date=MONDAY + dt.timedelta(days=7))
    wait(dan, dan.dan)  # the client who cancels is not offered his own time

    cancel(dan, dan.dans)

    [freed] = FreedTime.objects.all()
    assert (freed.starts_at, freed.ends_at, freed.artist) == (
        at(MONDAY, "10:00"),
        at(MONDAY, "10:45"),
        dan.sam,
    )
    assert offered_to(freed) == ["Amy", "Bea"]
    # Each is told by their own message through the outbox, with their private link.
    assert Reminder.objects.filter(kind=ReminderKind.WAITLIST_OFFER).count() == 2
    assert dispatch_due() == 3  # the two offers and Dan's cancellation
    [amys] = [m for m in mail.outbox if m.to == ["amy.hart@clinic.test"]]
    offer = Offer.objects.get(entry=first)
    assert "A sooner time for your Free consultation" in amys.subject
    # The link is signed with the second it was made, so it is read back rather than rebuilt.
    [link] = re.findall(r"/waitlist/offer/([^/\s]+)/", amys.body)
    assert offer_from_token(link) == offer


def test_priority_comes_first_when_the_clinic_offers_by_priority(dan):
    settings = WaitlistSettings.current()
    settings.offers_at_once, settings.order = 1, OfferOrder.PRIORITY
    settings.save()
    wait(dan, client("Amy", "Hart"))
    wait(dan, client("Pat", "Urgent"), priority=True)
    cancel(dan, dan.dans)
    assert offered_to(FreedTime.objects.get()) == ["Pat"]


def test_a_plan_session_is_offered_only_where_the_gap_and_the_order_allow(dan):
    from sessions_app import plans

    eve = client("Eve", "Stone")
    plan = plans.plan_create(client=eve, lead_artist=dan.sam, planned_sessions=3)
    one, two, three = plan.sessions.order_by("number")
    # Session 1 is on the Friday before; the gap (10 days) keeps session 2 off Monday.
    plans.session_book(
        session=one, starts_at=at(MONDAY - dt.timedelta(days=3), "09:00"), by=dan.people.front_desk
    )
    wait(dan, eve, appointment_type=dan.treatment, plan_session=two)
    later = MONDAY + dt.timedelta(days=14)
    cancel(dan, booked(dan, client("Big", "Slot"), "09:00", day=later, kind=dan.treatment))
    cancel(dan, booked(dan, client("Near", "Slot"), "09:00", day=TUESDAY, kind=dan.treatment))
    far, near = FreedTime.objects.order_by("-starts_at")
    assert offered_to(far) == ["Eve"]  # 17 days after session 1: the gap is kept
    assert offered_to(near) == []  # 4 days after session 1: too soon
    for_three = wait(dan, eve, appointment_type=dan.treatment, plan_session=three)
    cancel(
        dan,
        booked(
            dan,
            client("Third", "Slot"),
            "09:00",
            day=later + dt.timedelta(days=14),
            kind=dan.treatment,
        ),
    )
    # Session 3 waits for session 2: only the entry for session 2 is offered the time.
    last = FreedTime.objects.order_by("-starts_at").first()
    assert [o.entry.plan_session for o in last.offers.all()] == [two]
    assert not Offer.objects.filter(entry=for_three).exists()


def test_a_move_frees_the_old_time_and_a_no_show_marked_early_the_rest(dan, freeze_now):
    wait(dan, client("Amy", "Hart"))
    booking_move(appointment=dan.dans, starts_at=at(TUESDAY, "15:00"), by=dan.people.front_desk)
    [moved] = FreedTime.objects.all()
    assert (moved.starts_at, moved.why) == (at(MONDAY, "10:00"), "Moved")
    assert offered_to(moved) == ["Amy"]

    long_one = booked(dan, client("Gus", "Absent"), "09:00", day=TUESDAY, kind=dan.treatment)
    wait(dan, client("Hal", "Keen"), weekdays=[1])
    freeze_now(at(TUESDAY, "09:30"))
    appointment_set_status(
        appointment=long_one, status=AppointmentStatus.NO_SHOW, by=dan.people.front_desk
    )
    rest = FreedTime.objects.get(why="No-show")
    # What is left, from two hours' notice (a treatment session is four hours).
    assert (rest.starts_at, rest.ends_at) == (at(TUESDAY, "11:30"), long_one.ends_at)
    # Amy, still waiting for any day, is offered it as well as Hal (Tuesdays).
    assert offered_to(rest) == ["Amy", "Hal"]


# --- claiming ----------------------------------------------------------------------------------


def test_the_first_to_claim_has_it_the_others_are_told_kindly(dan, client):
    amy, bea = wait(dan, client_("Amy")), wait(dan, client_("Bea"))
    cancel(dan, dan.dans)
    amys, beas = Offer.objects.get(entry=amy), Offer.objects.get(entry=bea)

    page = client.get(claim_url(beas)).content.decode()
    assert "Book this time" in page and 'data-testid="offer-when"' in page
    response = client.post(claim_url(beas))
    assert response.status_code == 200 and 'data-testid="claimed"' in response.content.decode()
    appointment = Appointment.objects.get(client=bea.client)
    assert (appointment.starts_at, appointment.artist, appointment.source) == (
        at(MONDAY, "10:00"),
        dan.sam,
        BookingSource.WAITLIST,
    )
    bea.refresh_from_db()
    assert (bea.status, bea.booked) == (EntryStatus.BOOKED, appointment)
    assert FreedTime.objects.get().status == FreedTime.Status.CLAIMED

    late = client.post(claim_url(amys))
    assert late.status_code == 409
    assert "Someone else took this time" in late.content.decode()
    amy.refresh_from_db()
    assert amy.status == EntryStatus.WAITING  # still waiting for the next one
    assert Appointment.objects.filter(client=amy.client).count() == 0

    again = client.post(claim_url(beas))  # twice: it is still hers, booked once
    assert again.status_code == 200 and 'data-testid="claimed"' in again.content.decode()
    assert Appointment.objects.filter(client=bea.client).count() == 1


def client_(first: str):
    return client(first, "Waiting")


def test_an_expired_offer_is_refused_and_the_next_clients_are_offered(dan, client, freeze_now):
    settings = WaitlistSettings.current()
    settings.offers_at_once, settings.offer_hours = 1, 2
    settings.save()
    amy, bea = wait(dan, client_("Amy")), wait(dan, client_("Bea"))
    cancel(dan, dan.dans)
    amys = Offer.objects.get(entry=amy)
    freeze_now(amys.expires_at + dt.timedelta(minutes=1))

    response = client.post(claim_url(amys))
    assert response.status_code == 400 and "This offer has expired" in response.content.decode()
    amys.refresh_from_db()
    assert amys.status == OfferStatus.EXPIRED
    assert not Appointment.objects.filter(client=amy.client).exists()

    assert services.expire_and_offer_next() == 1
    assert offered_to(FreedTime.objects.get()) == ["Amy", "Bea"]
    assert Offer.objects.get(entry=bea).status == OfferStatus.OFFERED


def test_a_tampered_link_opens_nothing(dan, client):
    wait(dan, client_("Amy"))
    cancel(dan, dan.dans)
    token = claim_token(Offer.objects.get())
    response = client.post(reverse("waitlist_offer:claim", args=[token[:-2] + "xx"]))
    assert response.status_code == 404 and "altered" in response.content.decode()
    assert FreedTime.objects.get().status == FreedTime.Status.OPEN


def test_a_client_taken_off_the_waitlist_cannot_claim(dan, client):
    amy = wait(dan, client_("Amy"))
    cancel(dan, dan.dans)
    services.entry_remove(amy)
    response = client.post(claim_url(Offer.objects.get()))
    assert response.status_code == 400 and "withdrawn" in response.content.decode()
    assert FreedTime.objects.get().status == FreedTime.Status.OPEN


# --- entries: bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "wants,says",
    [
        ({"weekdays": ["monday"]}, "Choose days of the week."),
        ({"weekdays": [9]}, "Choose days of the week."),
        ({"earliest_time": dt.time(15), "latest_time": dt.time(9)}, "latest time comes before"),
        ({"latest_date": dt.date(1, 1, 2)}, "Choose a date within the diary."),
        ({"latest_date": dt.date(2001, 1, 1)}, "That date has passed."),
        ({"earliest_date": MONDAY, "latest_date": MONDAY - dt.timedelta(days=1)}, "comes before"),
    ],
)
def test_a_bad_entry_is_refused_with_a_clear_message_and_nothing_saved(diary, wants, says):
    with pytest.raises(ValidationError) as refused:
        wait(diary, client_("Amy"), **wants)
    assert says in str(refused.value)
    assert not WaitlistEntry.objects.exists()


def test_the_same_wait_twice_and_someone_elses_session_are_refused(diary):
    from sessions_app import plans

    amy = client_("Amy")
    wait(diary, amy)
    with pytest.raises(ValidationError, match="already on the waitlist"):
        wait(diary, amy)
    other = plans.plan_create(client=client_("Bob"), lead_artist=diary.sam, planned_sessions=2)
    with pytest.raises(ValidationError, match="not this client's"):
        wait(
            diary,
            amy,
            appointment_type=diary.treatment,
            plan_session=other.sessions.first(),
        )
    assert WaitlistEntry.objects.count() == 1


# --- pages -------------------------------------------------------------------------------------


def _queries(browser, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert browser.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_desk_sees_who_waits_and_what_became_of_each_freed_time(dan, as_user):
    desk = as_user(dan.people.front_desk)
    amy = wait(dan, client_("Amy"), weekdays=[0, 2], earliest_time=dt.time(9))
    few = _queries(desk, reverse("waitlist:list"))
    cancel(dan, dan.dans)
    page = desk.get(reverse("waitlist:list")).content.decode()
    assert "Amy Waiting" in page and "Mondays and Wednesdays, 09:00–closing, any artist" in page
    assert "offered to 1, waiting for an answer" in page
    freed = FreedTime.objects.get()
    detail = desk.get(reverse("waitlist:freed", args=[freed.pk])).content.decode()
    assert "Amy Waiting" in detail and "Offered" in detail

    # Someone else suits it too: the desk offers it by hand.
    cal = wait(dan, client_("Cal"))
    detail = desk.get(reverse("waitlist:freed", args=[freed.pk])).content.decode()
    assert "Offer it" in detail and "Cal Waiting" in detail
    desk.post(reverse("waitlist:offer", args=[freed.pk]), {"entry": cal.pk})
    assert sorted(offered_to(freed)) == ["Amy", "Cal"]
    assert Offer.objects.get(entry=cal).offered_by == dan.people.front_desk

    for n in range(6):
        wait(dan, client(f"More{n}", "People"))
        cancel(dan, booked(dan, client(f"Gone{n}", "Away"), f"{11 + n}:00"))
    assert _queries(desk, reverse("waitlist:list")) == few
    assert amy.status == EntryStatus.WAITING


def test_the_front_desk_home_lists_times_free_today_and_tomorrow(dan, as_user, freeze_now):
    wait(dan, client_("Amy"))
    cancel(dan, dan.dans)
    cancel(dan, booked(dan, client("Far", "Ahead"), "10:00", day=MONDAY + dt.timedelta(days=7)))
    freeze_now(at(MONDAY - dt.timedelta(days=1), "12:00"))  # the Sunday before
    page = as_user(dan.people.front_desk).get(reverse("home")).content.decode()
    todo = page.split('data-testid="todo-waitlist"')[1].split("</section>")[0]
    assert todo.count('data-testid="todo-row"') == 1
    assert "Offered to 1, waiting for an answer" in todo
    assert reverse("waitlist:freed", args=[FreedTime.objects.order_by("starts_at")[0].pk]) in todo


def test_someone_elses_or_no_entry_offered_by_hand_gets_a_clear_message(dan, as_user):
    desk = as_user(dan.people.front_desk)
    cancel(dan, dan.dans)
    freed = FreedTime.objects.get()
    response = desk.post(reverse("waitlist:offer", args=[freed.pk]), {"entry": "abc"}, follow=True)
    assert "Choose a client who is on the waitlist." in response.content.decode()
    assert not Offer.objects.exists()


def test_the_desk_adds_a_client_from_their_record_and_errors_keep_what_was_typed(dan, as_user):
    desk = as_user(dan.people.front_desk)
    amy = client_("Amy")
    url = reverse("waitlist:add", args=[amy.pk])
    bad = desk.post(
        url,
        {
            "appointment_type": dan.consultation.pk,
            "weekdays": ["0"],
            "earliest_time": "15:00",
            "latest_time": "09:00",
            "note": "Prefers mornings",
        },
    )
    assert bad.status_code == 200
    page = bad.content.decode()
    assert "The latest time comes before the earliest." in page and "Prefers mornings" in page
    assert not WaitlistEntry.objects.exists()
    good = desk.post(
        url,
        {
            "appointment_type": dan.consultation.pk,
            "weekdays": ["0", "4"],
            "earliest_time": "09:00",
            "latest_time": "13:00",
            "priority": "on",
        },
    )
    assert good.status_code == 302
    entry = WaitlistEntry.objects.get()
    assert (entry.weekdays, entry.priority, entry.created_by) == (
        [0, 4],
        True,
        dan.people.front_desk,
    )
    record = desk.get(amy.get_absolute_url()).content.decode()
    assert "Waiting for a free consultation" in record


def test_a_client_joins_and_leaves_from_the_portal_and_only_their_own(people, diary, as_user):
    anna = people.record_a
    portal = as_user(people.client_a)
    response = portal.post(
        reverse("portal:waitlist"),
        {"appointment_type": diary.consultation.pk, "weekdays": ["2"]},
    )
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get(client=anna)
    page = portal.get(reverse("portal:waitlist")).content.decode()
    assert "Wednesdays" in page and "Leave the waitlist" in page
    assert 'name="priority"' not in page  # the desk's to set

    bens = wait(diary, people.record_b)
    assert portal.post(reverse("portal:waitlist_leave", args=[bens.pk])).status_code == 404
    bens.refresh_from_db()
    assert bens.status == EntryStatus.WAITING
    portal.post(reverse("portal:waitlist_leave", args=[entry.pk]))
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REMOVED


def test_another_signed_in_client_cannot_take_someone_elses_offer(dan, client, people):
    annas = wait(dan, people.record_a)
    cancel(dan, dan.dans)
    url = claim_url(Offer.objects.get(entry=annas))
    client.force_login(people.client_b)
    response = client.post(url)
    assert response.status_code == 404 and "made to someone else" in response.content.decode()
    assert FreedTime.objects.get().status == FreedTime.Status.OPEN
    client.force_login(people.client_a)
    assert client.post(url).status_code == 200
    assert Appointment.objects.filter(client=people.record_a).count() == 1


# --- joining from the public booking pages ------------------------------------------------------


def test_the_public_joins_from_the_booking_pages_without_revealing_who_is_a_client(
    diary, client, people
):
    times = client.get(reverse("booking:times", args=["consultation"])).content.decode()
    url = reverse("waitlist_join:join", args=["consultation"])
    assert url in times
    details = {
        "first_name": "Lee",
        "last_name": "Moss",
        "email": "Lee.Moss@Example.com",
        "phone": "07911 123456",
        "weekdays": ["1", "3"],
    }
    joined = client.post(url, details)
    assert joined.status_code == 200 and 'data-testid="joined"' in joined.content.decode()
    entry = WaitlistEntry.objects.get()
    assert (entry.client.email, entry.weekdays, entry.created_by) == (
        "lee.moss@example.com",
        [1, 3],
        None,
    )
    # The same again, or an existing client's address: the same answer, nothing doubled.
    assert 'data-testid="joined"' in client.post(url, details).content.decode()
    existing = client.post(url, {**details, "email": "anna@clinic.test", "phone": "07911 000111"})
    assert 'data-testid="joined"' in existing.content.decode()
    assert WaitlistEntry.objects.count() == 2
    assert WaitlistEntry.objects.filter(client=people.record_a).exists()


def test_a_bad_public_join_keeps_what_was_typed_and_a_robot_saves_nothing(diary, client):
    url = reverse("waitlist_join:join", args=["consultation"])
    bad = client.post(
        url,
        {
            "first_name": "Lee",
            "email": "not-an-email",
            "earliest_time": "15:00",
            "latest_time": "09:00",
        },
    )
    page = bad.content.decode()
    assert (
        bad.status_code == 400 and "Enter a valid email address" in page and 'value="Lee"' in page
    )
    robot = client.post(
        url,
        {
            "first_name": "Bot",
            "last_name": "X",
            "email": "bot@example.com",
            "phone": "07911 222333",
            "website": "http://spam",
        },
    )
    assert robot.status_code == 200 and not WaitlistEntry.objects.exists()
    assert client.get(reverse("waitlist_join:join", args=["treatment-session"])).status_code == 404


def test_entries_that_can_no_longer_be_met_leave_the_waitlist(dan, freeze_now):
    from sessions_app import plans

    gone_by = wait(dan, client_("Amy"), latest_date=MONDAY)
    still = wait(dan, client_("Bea"), latest_date=TUESDAY)
    eve = client("Eve", "Stone")
    plan = plans.plan_create(client=eve, lead_artist=dan.sam, planned_sessions=2)
    first = plan.sessions.get(number=1)
    for_first = wait(dan, eve, appointment_type=dan.treatment, plan_session=first)
    plans.session_book(session=first, starts_at=at(TUESDAY, "09:00"), by=dan.people.front_desk)
    freeze_now(at(TUESDAY, "08:00"))
    services.expire_and_offer_next()
    statuses = {
        e.pk: e.status
        for e in WaitlistEntry.objects.filter(pk__in=[gone_by.pk, still.pk, for_first.pk])
    }
    assert statuses == {
        gone_by.pk: EntryStatus.REMOVED,  # Monday has passed
        still.pk: EntryStatus.WAITING,
        for_first.pk: EntryStatus.REMOVED,  # the session was booked at the desk
    }
