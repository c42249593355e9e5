"""Settings → Team, the diary's side: each member's working hours, time off and the
appointment types an artist takes; "My hours", where staff ask for time off; and what
the free times make of all of it (scheduling.availability.free_slots)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from accounts.services import user_create
from scheduling.availability import free_slots
from scheduling.booking import BookingRefused, booking_create, booking_create_for_public
from scheduling.models import (
    Appointment,
    AppointmentType,
    ArtistHours,
    BookingSource,
    TimeOff,
    TimeOffKind,
    TimeOffStatus,
)
from scheduling.staff_hours import hours_problems, range_key, time_off_add, week_hours_save
from scheduling.tests.diary_fixtures import book
from tests.clock import MONDAY, at, weekday_ahead

pytestmark = pytest.mark.django_db

# "Now" for the free times: the Friday before MONDAY, so every time is bookable.
NOW = dt.datetime.combine(MONDAY - dt.timedelta(days=3), dt.time(12), tzinfo=dt.UTC)
MY_HOURS = reverse("staff_hours:my_hours")
TUESDAY = MONDAY + dt.timedelta(days=1)


def hours_url(member):
    return reverse("staff_hours:member_hours", args=[member.pk])


def week_data(week: dict[int, list[tuple[str, str]]], ranges: int = 2) -> dict:
    """The hours form as the page posts it: every box, typed or empty."""
    data = {"section": "hours", "ranges": str(ranges)}
    for weekday in range(7):
        typed = week.get(weekday, [])
        for index in range(ranges):
            starts, ends = typed[index] if index < len(typed) else ("", "")
            data[f"{range_key(weekday, index)}_starts"] = starts
            data[f"{range_key(weekday, index)}_ends"] = ends
    return data


def stored_hours(member):
    return sorted(
        (weekday, f"{s:%H:%M}", f"{e:%H:%M}")
        for weekday, s, e in ArtistHours.objects.filter(artist=member).values_list(
            "weekday", "starts", "ends"
        )
    )


def free_starts(diary, *, artist=None, type=None, on=MONDAY):
    return [
        f"{slot.start.astimezone(at(on, '00:00').tzinfo):%H:%M}"
        for slot in free_slots(
            appointment_type=type or diary.consultation,
            start_date=on,
            days=1,
            artist_id=artist.pk if artist else None,
            now=NOW,
            source=BookingSource.FRONT_DESK,
        )
        if artist is None or slot.artist_id == artist.pk
    ]


def time_off_data(start, end, *, kind="holiday", note="", section=None) -> dict:
    data = {
        "kind": kind,
        "starts_at_0": f"{start:%Y-%m-%d}",
        "starts_at_1": f"{start:%H:%M}",
        "ends_at_0": f"{end:%Y-%m-%d}",
        "ends_at_1": f"{end:%H:%M}",
        "note": note,
    }
    if section:
        data["section"] = section
    return data


# --- Working hours ---------------------------------------------------------------------------


def test_the_page_shows_the_hours_and_the_clinics_opening_hours(diary, as_user):
    page = as_user(diary.people.manager).get(hours_url(diary.sam))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="09:00"' in html and 'value="18:00"' in html
    assert "Closed" in html  # Sunday
    form = page.context["hours_form"]
    assert form["hours_0_0_starts"].value() == dt.time(9)
    assert form["hours_6_0_starts"].value() is None


def test_the_manager_saves_a_week_with_a_break_and_a_day_off(diary, as_user):
    kept = ArtistHours.objects.get(artist=diary.sam, weekday=2).pk
    week = {day: [("09:00", "18:00")] for day in range(6)}
    week[0] = [("09:00", "13:00"), ("14:00", "18:00")]
    del week[1]
    response = as_user(diary.people.manager).post(hours_url(diary.sam), week_data(week))
    assert response.status_code == 302
    assert stored_hours(diary.sam) == [
        (0, "09:00", "13:00"),
        (0, "14:00", "18:00"),
        (2, "09:00", "18:00"),
        (3, "09:00", "18:00"),
        (4, "09:00", "18:00"),
        (5, "09:00", "18:00"),
    ]
    # A day that did not change keeps its row (the history shows only what changed).
    assert ArtistHours.objects.filter(pk=kept).exists()
    # The free times follow: nothing at lunch on Monday, nothing on Tuesday.
    monday = free_starts(diary, artist=diary.sam)
    assert "12:15" in monday and "12:30" not in monday and "13:45" not in monday
    assert "14:00" in monday
    assert free_starts(diary, artist=diary.sam, on=TUESDAY) == []
    # Alex's week is untouched.
    assert len(stored_hours(diary.alex)) == 6


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ({0: [("17:00", "09:00")]}, "The end must be after the start."),
        ({0: [("09:00", "09:00")]}, "The end must be after the start."),
        ({0: [("09:00", "")]}, "Give both a start and an end time, or leave both empty."),
        (
            {0: [("07:00", "18:00")]},
            "The clinic is open 09:00–18:00 on Mondays: working hours must fall within the "
            "opening hours.",
        ),
        ({6: [("10:00", "14:00")]}, "The clinic is closed on Sundays."),
        (
            {0: [("09:00", "13:00"), ("12:00", "18:00")]},
            "This overlaps 09:00–13:00 on the same day.",
        ),
        ({0: [("9am", "18:00")]}, "Enter a time like 09:30."),
    ],
)
def test_a_wrong_range_is_refused_next_to_it_and_nothing_changes(diary, as_user, typed, error):
    before = stored_hours(diary.sam)
    week = {day: [("09:00", "18:00")] for day in range(1, 6)} | typed
    response = as_user(diary.people.manager).post(hours_url(diary.sam), week_data(week))
    assert response.status_code == 400
    errors = response.context["hours_form"].errors
    assert error in [e for field_errors in errors.values() for e in field_errors]
    day = next(iter(typed))
    index = len(typed[day]) - 1
    field_errors = errors.get(f"{range_key(day, index)}_ends", []) + errors.get(
        f"{range_key(day, index)}_starts", []
    )
    assert error in field_errors, errors
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert typed[day][index][0] in html  # what was typed stays on the page
    assert stored_hours(diary.sam) == before


def test_hours_that_the_clinics_shorter_saturday_no_longer_covers_must_be_corrected(
    clinic, as_user
):
    # The clinic closes at 14:00 on Saturdays; Sam's Saturday still runs to 18:00.
    week = {day: [("09:00", "18:00")] for day in range(6)}
    response = as_user(clinic.people.manager).post(hours_url(clinic.sam), week_data(week))
    assert response.status_code == 400
    assert response.context["hours_form"].errors[f"{range_key(5, 0)}_ends"] == [
        "The clinic is open 09:00–14:00 on Saturdays: working hours must fall within the "
        "opening hours."
    ]
    week[5] = [("09:00", "14:00")]
    assert as_user(clinic.people.manager).post(hours_url(clinic.sam), week_data(week)).status_code
    assert (5, "09:00", "14:00") in stored_hours(clinic.sam)


def test_the_rules_are_the_same_without_the_page(diary):
    assert hours_problems({0: [(dt.time(9), dt.time(12)), (dt.time(12), dt.time(18))]}) == {}
    with pytest.raises(ValidationError):
        week_hours_save(member=diary.sam, week={0: [(dt.time(19), dt.time(20))]})
    with pytest.raises(ValidationError):
        week_hours_save(member=diary.people.manager, week={0: [(dt.time(9), dt.time(12))]})
    assert not ArtistHours.objects.filter(artist=diary.people.manager).exists()


def test_the_front_desk_has_a_rota_and_sees_it_on_my_hours(diary, as_user):
    desk = diary.people.front_desk
    week = {day: [("09:00", "17:00")] for day in range(5)}
    assert as_user(diary.people.manager).post(hours_url(desk), week_data(week)).status_code == 302
    page = as_user(desk).get(MY_HOURS).content.decode()
    assert "09:00–17:00" in page and "Saturday" in page and "Not working" in page
    # The front desk takes no bookings: the diary offers nothing with them.
    assert all(s.artist_id != desk.pk for s in free_slots_all(diary))


def free_slots_all(diary):
    return free_slots(
        appointment_type=diary.consultation,
        start_date=MONDAY,
        days=1,
        now=NOW,
        source=BookingSource.FRONT_DESK,
    )


@pytest.mark.parametrize("who", ["artist", "front_desk"])
def test_only_the_manager_changes_someones_hours(diary, as_user, who):
    browser = as_user(getattr(diary.people, who))
    before = stored_hours(diary.sam)
    assert browser.get(hours_url(diary.sam)).status_code == 403
    response = browser.post(hours_url(diary.sam), week_data({0: [("10:00", "11:00")]}))
    assert response.status_code == 403
    assert stored_hours(diary.sam) == before


def test_a_client_has_no_hours_page(diary, as_user):
    response = as_user(diary.people.manager).get(hours_url(diary.people.client_a))
    assert response.status_code == 404


# --- Time off: asked for, approved, declined ------------------------------------------------


def test_an_artists_request_blocks_nothing_until_the_manager_approves_it(diary, as_user):
    sam_browser = as_user(diary.sam)
    start, end = at(MONDAY, "13:00"), at(MONDAY, "15:00")
    response = sam_browser.post(MY_HOURS, time_off_data(start, end, note="Dentist"))
    assert response.status_code == 302
    request = TimeOff.objects.get(artist=diary.sam)
    assert request.status == TimeOffStatus.REQUESTED
    assert request.starts_at == start and request.ends_at == end
    page = sam_browser.get(MY_HOURS).content.decode()
    assert "Dentist" in page and "Waiting for the manager" in page and "Withdraw" in page
    # Still bookable while it waits.
    assert "13:30" in free_starts(diary, artist=diary.sam)

    manager = as_user(diary.people.manager)
    team = manager.get(reverse("team:list")).content.decode()
    assert "Time off asked for" in team and "Sam Okafor" in team and "Dentist" in team
    response = manager.post(
        reverse("staff_hours:time_off_approve", args=[request.pk]),
        {"next": reverse("team:list")},
        follow=True,
    )
    assert "Time off approved for Sam Okafor" in response.content.decode()
    request.refresh_from_db()
    assert request.status == TimeOffStatus.APPROVED
    times = free_starts(diary, artist=diary.sam)
    assert "12:00" in times and "12:30" not in times and "14:45" not in times
    assert "15:00" in times
    # Alex is not away.
    assert "13:30" in free_starts(diary, artist=diary.alex)
    # Booking Sam then is refused now.
    with pytest.raises(BookingRefused) as refused:
        book(diary, at(MONDAY, "13:30"))
    assert refused.value.problem.code == "time_off"


def test_a_declined_request_blocks_nothing(diary, as_user):
    time_off_add(
        member=diary.sam,
        starts_at=at(MONDAY, "13:00"),
        ends_at=at(MONDAY, "15:00"),
        kind=TimeOffKind.TRAINING,
        by=diary.sam,
    )
    request = TimeOff.objects.get()
    response = as_user(diary.people.manager).post(
        reverse("staff_hours:time_off_decline", args=[request.pk])
    )
    assert response.status_code == 302 and response["Location"] == reverse("team:list")
    request.refresh_from_db()
    assert request.status == TimeOffStatus.DECLINED
    assert "13:30" in free_starts(diary, artist=diary.sam)
    assert "Declined" in as_user(diary.sam).get(MY_HOURS).content.decode()
    # Decided once: a second click changes nothing and says why.
    again = as_user(diary.people.manager).post(
        reverse("staff_hours:time_off_approve", args=[request.pk]), follow=True
    )
    assert "This request has been declined already." in again.content.decode()
    request.refresh_from_db()
    assert request.status == TimeOffStatus.DECLINED


def test_approving_time_off_over_booked_appointments_says_so(diary, as_user):
    book(diary, at(MONDAY, "14:00"))
    time_off_add(
        member=diary.sam,
        starts_at=at(MONDAY, "13:00"),
        ends_at=at(MONDAY, "15:00"),
        kind=TimeOffKind.SICK,
        by=diary.sam,
    )
    response = as_user(diary.people.manager).post(
        reverse("staff_hours:time_off_approve", args=[TimeOff.objects.get().pk]), follow=True
    )
    assert "Sam Okafor has 1 appointment booked during this time off" in response.content.decode()
    assert Appointment.objects.filter(artist=diary.sam).count() == 1


def test_artists_cannot_approve_nor_see_nor_withdraw_each_others_requests(diary, as_user):
    alex_asks = time_off_add(
        member=diary.alex,
        starts_at=at(MONDAY, "10:00"),
        ends_at=at(MONDAY, "12:00"),
        kind=TimeOffKind.HOLIDAY,
        note="Alex's wedding fitting",
        by=diary.alex,
    )
    sam = as_user(diary.sam)
    for name in ("time_off_approve", "time_off_decline", "time_off_remove"):
        assert sam.post(reverse(f"staff_hours:{name}", args=[alex_asks.pk])).status_code == 403
    withdraw = reverse("staff_hours:my_time_off_withdraw", args=[alex_asks.pk])
    assert sam.post(withdraw).status_code == 404
    assert sam.post(reverse("staff_hours:my_time_off_withdraw", args=[99999])).status_code == 404
    assert "wedding fitting" not in sam.get(MY_HOURS).content.decode()
    assert sam.get(reverse("team:list")).status_code == 403
    alex_asks.refresh_from_db()
    assert alex_asks.status == TimeOffStatus.REQUESTED
    # The manager too withdraws only their own on "My hours": Alex's is on the team page.
    manager = as_user(diary.people.manager)
    assert manager.post(withdraw).status_code == 404
    assert TimeOff.objects.filter(pk=alex_asks.pk).exists()


def test_a_waiting_request_can_be_withdrawn_an_approved_one_only_by_the_manager(diary, as_user):
    mine = time_off_add(
        member=diary.sam,
        starts_at=at(MONDAY, "10:00"),
        ends_at=at(MONDAY, "12:00"),
        kind=TimeOffKind.HOLIDAY,
        by=diary.sam,
    )
    sam = as_user(diary.sam)
    assert sam.post(reverse("staff_hours:my_time_off_withdraw", args=[mine.pk])).status_code == 302
    assert not TimeOff.objects.filter(pk=mine.pk).exists()

    approved = time_off_add(
        member=diary.sam,
        starts_at=at(MONDAY, "10:00"),
        ends_at=at(MONDAY, "12:00"),
        kind=TimeOffKind.HOLIDAY,
        by=diary.people.manager,
    )
    assert approved.status == TimeOffStatus.APPROVED
    response = sam.post(
        reverse("staff_hours:my_time_off_withdraw", args=[approved.pk]), follow=True
    )
    assert "Only a request that is still waiting can be withdrawn" in response.content.decode()
    assert TimeOff.objects.filter(pk=approved.pk).exists()
    as_user(diary.people.manager).post(reverse("staff_hours:time_off_remove", args=[approved.pk]))
    assert not TimeOff.objects.filter(pk=approved.pk).exists()
    assert "10:30" in free_starts(diary, artist=diary.sam)


def test_a_request_must_end_after_it_starts_and_lie_ahead(diary, as_user):
    sam = as_user(diary.sam)
    response = sam.post(MY_HOURS, time_off_data(at(MONDAY, "15:00"), at(MONDAY, "13:00")))
    assert response.status_code == 400
    assert response.context["form"].errors["ends_at"] == ["The time off must end after it starts."]
    past = at(weekday_ahead(3), "09:00") - dt.timedelta(days=30)
    response = sam.post(MY_HOURS, time_off_data(past, past + dt.timedelta(hours=3)))
    assert response.status_code == 400
    assert response.context["form"].errors["ends_at"] == [
        "That time has passed: ask for time off that is still ahead."
    ]
    response = sam.post(MY_HOURS, {"kind": "party", "starts_at_0": "soon"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) >= {"kind", "starts_at", "ends_at"}
    assert not TimeOff.objects.exists()


def test_the_manager_adds_time_off_directly_and_it_blocks_at_once(diary, as_user):
    response = as_user(diary.people.manager).post(
        hours_url(diary.alex),
        time_off_data(
            at(MONDAY, "09:00"), at(TUESDAY, "09:00"), kind="training", section="time_off"
        ),
        follow=True,
    )
    assert "Time off added for Alex Brennan" in response.content.decode()
    time_off = TimeOff.objects.get(artist=diary.alex)
    assert time_off.status == TimeOffStatus.APPROVED and time_off.kind == "training"
    assert free_starts(diary, artist=diary.alex) == []
    assert free_starts(diary, artist=diary.alex, on=TUESDAY)[0] == "09:00"


def test_every_member_of_staff_may_ask_and_a_manager_adds_their_own(diary, as_user):
    start, end = at(MONDAY, "09:00"), at(MONDAY, "12:00")
    assert (
        as_user(diary.people.front_desk).post(MY_HOURS, time_off_data(start, end)).status_code
        == 302
    )
    assert TimeOff.objects.get(artist=diary.people.front_desk).status == TimeOffStatus.REQUESTED
    assert as_user(diary.people.manager).post(MY_HOURS, time_off_data(start, end)).status_code
    assert TimeOff.objects.get(artist=diary.people.manager).status == TimeOffStatus.APPROVED
    assert as_user(diary.people.client_a).get(MY_HOURS).status_code == 403
    with pytest.raises(Exception, match="Only the manager"):
        time_off_add(member=diary.alex, starts_at=start, ends_at=end, kind="holiday", by=diary.sam)


# --- The appointment types an artist takes -----------------------------------------------------


def untick(diary, manager_browser, artist, *types):
    offered = [
        pk
        for pk in AppointmentType.objects.filter(is_active=True).values_list("pk", flat=True)
        if pk not in {t.pk for t in types}
    ]
    return manager_browser.post(hours_url(artist), {"section": "types", "types": offered})


def test_new_and_existing_artists_take_every_type(diary, as_user):
    newcomer = user_create(email="nia@clinic.test", role=Role.ARTIST, first_name="Nia")
    page = as_user(diary.people.manager).get(reverse("team:member", args=[newcomer.pk]))
    shown = page.content.decode()
    for t in (diary.consultation, diary.treatment, diary.check_in):
        assert t.name in shown
    assert {s.artist_id for s in free_slots_all(diary)} == {diary.sam.pk, diary.alex.pk}


def test_an_artist_who_does_not_take_a_type_is_not_offered_for_it(diary, as_user):
    manager = as_user(diary.people.manager)
    response = untick(diary, manager, diary.sam, diary.check_in)
    assert response.status_code == 302
    member_page = manager.get(reverse("team:member", args=[diary.sam.pk])).content.decode()
    assert diary.check_in.name not in member_page.split('data-testid="offered-types"')[1][:300]

    check_ins = free_slots(
        appointment_type=diary.check_in,
        start_date=MONDAY,
        days=1,
        now=NOW,
        source=BookingSource.FRONT_DESK,
    )
    assert check_ins and {s.artist_id for s in check_ins} == {diary.alex.pk}
    assert {s.artist_id for s in free_slots_all(diary)} == {diary.sam.pk, diary.alex.pk}

    with pytest.raises(BookingRefused) as refused:
        book(diary, at(MONDAY, "10:00"), type=diary.check_in)
    assert refused.value.problem.code == "not_offered"
    assert refused.value.problem.field == "artist"
    assert (
        "Sam Okafor does not take this kind of appointment (Fade check-in visit)"
        in refused.value.problem.message
    )
    # Online, the first free artist who takes it is chosen.
    start = at(weekday_ahead(3), "10:00")
    online = booking_create_for_public(
        appointment_type=diary.check_in,
        starts_at=start,
        first_name="Otto",
        last_name="Quist",
        email="otto@example.com",
        source=BookingSource.FRONT_DESK,
    )
    assert online.artist == diary.alex


def test_an_appointment_booked_before_keeps_its_artist_when_moved(diary, as_user):
    from scheduling.booking import booking_move

    booked = booking_create(
        client=diary.anna,
        appointment_type=diary.check_in,
        artist=diary.sam,
        starts_at=at(MONDAY, "10:00"),
        by=diary.people.front_desk,
    )
    untick(diary, as_user(diary.people.manager), diary.sam, diary.check_in)
    moved = booking_move(appointment=booked, starts_at=at(MONDAY, "11:00"), by=diary.people.manager)
    assert moved.artist == diary.sam and moved.starts_at == at(MONDAY, "11:00")
    # Moving it to an artist who does not take it is refused.
    untick(diary, as_user(diary.people.manager), diary.alex, diary.check_in)
    with pytest.raises(BookingRefused) as refused:
        booking_move(
            appointment=moved,
            starts_at=at(MONDAY, "12:00"),
            artist=diary.alex,
            by=diary.people.manager,
        )
    assert refused.value.problem.code == "not_offered"


def test_only_artists_have_appointment_types(diary, as_user):
    page = as_user(diary.people.manager).get(hours_url(diary.people.front_desk))
    assert "Appointment types" not in page.content.decode()
    response = as_user(diary.people.manager).post(
        hours_url(diary.people.front_desk), {"section": "types", "types": []}, follow=True
    )
    assert "Nothing was saved" in response.content.decode()
    assert not diary.consultation.not_offered_by.exists()
