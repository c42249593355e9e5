"""The day and week views: what is where, in clinic time, and who may open them."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from scheduling.booking import booking_cancel
from scheduling.models import ArtistHours, ClosedDay, OpeningHours, TimeOff
from tests.clock import CLOCKS_GO_FORWARD as CLOCKS_CHANGE
from tests.clock import MONDAY, YEAR, at, day, utc

from .diary_fixtures import appointment_blocks, book

pytestmark = pytest.mark.django_db

TUESDAY = MONDAY + dt.timedelta(days=1)
WEDNESDAY = MONDAY + dt.timedelta(days=2)
SUNDAY = MONDAY + dt.timedelta(days=6)


def day_url(day: dt.date) -> str:
    return reverse("scheduling:day", args=[day])


def week_url(day: dt.date) -> str:
    return reverse("scheduling:week", args=[day])


# --- day view ---------------------------------------------------------------------


def test_it_places_each_appointment_in_its_artists_column_at_its_clinic_time(clinic, as_user):
    book(clinic, at(MONDAY, "10:00"), notes="First visit")
    book(clinic, at(MONDAY, "14:30"), artist=clinic.alex, client=clinic.ben, type=clinic.video)
    book(clinic, at(TUESDAY, "10:00"), client=clinic.ben)  # another day: not shown

    response = as_user(clinic.people.front_desk).get(day_url(MONDAY))

    assert response.status_code == 200
    blocks = appointment_blocks(response)
    assert len(blocks) == 2
    anna, ben = blocks
    assert anna["data-artist"] == str(clinic.sam.pk)
    assert anna["data-row"] == "10:00"
    assert anna["text"] == "10:00–10:45 Booked Anna Ashby Free consultation · Room 1"
    assert ben["data-artist"] == str(clinic.alex.pk)
    assert ben["data-row"] == "14:30"
    assert ben["text"] == "14:30–15:00 Booked Ben Barker Video consultation · Video call"
    page = response.content.decode()
    assert f"Monday 1 March {YEAR}" in page
    assert "Open 09:00–18:00" in page
    # A column per active artist, in name order.
    assert page.index(">Alex Brennan</a>") < page.index(">Sam Okafor</a>")


def test_it_shows_appointments_at_their_wall_clock_time_when_the_clocks_change(clinic, as_user):
    # The clocks go forward at 01:00 on Sunday 28 March 2027. The clinic is shut
    # on Sundays, so a manager books that one outside the usual hours.
    saturday = CLOCKS_CHANGE - dt.timedelta(days=1)
    before = book(clinic, at(saturday, "10:00"), client=clinic.ben)
    after = book(
        clinic,
        at(CLOCKS_CHANGE, "11:00"),
        by=clinic.people.manager,
        outside_hours_note="Only day the client can come",
    )
    book(clinic, at(CLOCKS_CHANGE + dt.timedelta(days=1), "09:00"), client=clinic.ben)
    assert before.starts_at == utc(3, 27, 10, 0)
    assert after.starts_at == utc(3, 28, 10, 0)
    browser = as_user(clinic.people.front_desk)

    response = browser.get(day_url(CLOCKS_CHANGE))
    [block] = appointment_blocks(response)
    assert block["data-row"] == "11:00"
    assert block["text"].startswith("11:00–11:45")
    assert "The clinic is closed on Sundays." in response.content.decode()

    [block] = appointment_blocks(browser.get(day_url(saturday)))
    assert block["data-row"] == "10:00"
    [block] = appointment_blocks(browser.get(day_url(CLOCKS_CHANGE + dt.timedelta(days=1))))
    assert block["data-row"] == "09:00"

    saturday_block, sunday_block = appointment_blocks(browser.get(week_url(CLOCKS_CHANGE)))
    assert saturday_block["data-day"] == f"{YEAR}-03-27"
    assert saturday_block["text"].startswith("10:00–10:45 Ben Barker")
    assert sunday_block["data-day"] == f"{YEAR}-03-28"
    assert sunday_block["text"].startswith("11:00–11:45 Anna Ashby")


def test_it_links_free_times_to_the_booking_form_and_not_taken_ones(clinic, as_user):
    book(clinic, at(MONDAY, "10:00"))  # 10:00–10:45, clean-up until 11:00

    page = as_user(clinic.people.front_desk).get(day_url(MONDAY)).content.decode()

    book_url = reverse("scheduling:book")
    # Clinic time with its UTC offset (GMT in March), so no link names an ambiguous time.
    assert f'href="{book_url}?start={YEAR}-03-01T11:00%2B00:00&amp;artist={clinic.sam.pk}"' in page
    assert "Book 11:00 with Sam Okafor" in page
    assert "Book 09:45 with Sam Okafor" in page
    for taken in ("10:00", "10:15", "10:30", "10:45"):
        assert f"Book {taken} with Sam Okafor" not in page
    assert "Book 10:00 with Alex Brennan" in page
    # Only the opening hours are on the grid.
    assert "Book 08:45 with" not in page
    assert "Book 18:00 with" not in page
    assert "Book 17:45 with Sam Okafor" in page


def test_it_greys_out_time_off_and_closed_days(clinic, as_user):
    TimeOff.objects.create(
        artist=clinic.alex, starts_at=at(MONDAY, "13:00"), ends_at=at(MONDAY, "15:00")
    )
    ClosedDay.objects.create(date=TUESDAY, reason="Staff training")
    browser = as_user(clinic.people.front_desk)

    page = browser.get(day_url(MONDAY)).content.decode()
    assert "Away part of the day" in page
    assert "Alex Brennan away" in page
    assert "Book 13:00 with Alex Brennan" not in page
    assert "Book 14:45 with Alex Brennan" not in page
    assert "Book 15:00 with Alex Brennan" in page
    assert "Book 13:00 with Sam Okafor" in page

    page = browser.get(day_url(TUESDAY)).content.decode()
    assert "The clinic is closed on this day: Staff training." in page
    assert "diary-free-link" not in page

    page = browser.get(week_url(MONDAY)).content.decode()
    assert "Closed: Staff training" in page
    assert "Alex Brennan away" in page


def test_it_says_when_a_day_has_no_appointments(clinic, as_user):
    response = as_user(clinic.people.front_desk).get(day_url(MONDAY))
    assert appointment_blocks(response) == []
    assert "No appointments on this day" in response.content.decode()
    # The free times are there to book.
    assert "Book 09:00 with Sam Okafor" in response.content.decode()


def test_it_lists_cancelled_appointments_apart_from_the_grid(clinic, as_user):
    cancelled = book(clinic, at(MONDAY, "10:00"))
    booking_cancel(appointment=cancelled, reason="Client unwell", by=clinic.people.front_desk)
    book(clinic, at(MONDAY, "10:00"), client=clinic.ben)

    response = as_user(clinic.people.front_desk).get(day_url(MONDAY))

    [block] = appointment_blocks(response)
    assert "Ben Barker" in block["text"]
    page = response.content.decode()
    assert "Cancelled (1)" in page
    assert "Client unwell" in page


def test_it_shows_an_artist_who_has_left_when_they_still_have_appointments(clinic, as_user):
    book(clinic, at(MONDAY, "10:00"), artist=clinic.alex)
    clinic.alex.is_active = False
    clinic.alex.save()

    response = as_user(clinic.people.front_desk).get(day_url(MONDAY))

    [block] = appointment_blocks(response)
    assert block["data-artist"] == str(clinic.alex.pk)
    assert "Book 10:00 with Alex Brennan" not in response.content.decode()


def test_it_stretches_the_grid_to_fit_a_booking_outside_the_usual_hours(clinic, as_user):
    book(clinic, at(MONDAY, "19:00"), by=clinic.people.manager, outside_hours_note="Evening only")

    response = as_user(clinic.people.front_desk).get(day_url(MONDAY))

    [block] = appointment_blocks(response)
    assert block["data-row"] == "19:00"
    page = response.content.decode()
    assert "Book 18:00 with" not in page  # shown, but not bookable


def test_an_appointment_from_the_evening_before_keeps_its_artist_busy_after_midnight(
    clinic, as_user
):
    # Tuesday opens at midnight, for Sam; Monday's late booking runs into it.
    OpeningHours.objects.filter(weekday=TUESDAY.weekday()).update(opens=dt.time(0))
    ArtistHours.objects.filter(artist=clinic.sam, weekday=TUESDAY.weekday()).update(
        starts=dt.time(0)
    )
    # 23:30–00:15, clean-up until 00:30.
    book(clinic, at(MONDAY, "23:30"), by=clinic.people.manager, outside_hours_note="Late")

    response = as_user(clinic.people.front_desk).get(day_url(TUESDAY))

    assert appointment_blocks(response) == []  # it is Monday's
    page = response.content.decode()
    assert "Book 00:00 with Sam Okafor" not in page
    assert "Book 00:15 with Sam Okafor" not in page
    assert "Book 00:30 with Sam Okafor" in page
    assert "No appointments on this day" in page


def test_day_navigation_links(clinic, as_user):
    page = as_user(clinic.people.front_desk).get(day_url(MONDAY)).content.decode()

    assert f'href="{day_url(MONDAY - dt.timedelta(days=1))}" rel="prev"' in page
    assert f'href="{day_url(TUESDAY)}" rel="next"' in page
    assert f'href="{day_url(timezone.localdate())}">Today</a>' in page
    assert f'href="{week_url(MONDAY)}">Week</a>' in page
    assert f'name="date" value="{YEAR}-03-01"' in page


def test_it_highlights_today(clinic, as_user, freeze_now):
    freeze_now(at(WEDNESDAY, "09:10"))
    browser = as_user(clinic.people.front_desk)

    page = browser.get(day_url(WEDNESDAY)).content.decode()
    assert '<span class="badge diary-today-badge">Today</span>' in page
    assert "diary-day-today" in page
    assert 'class="diary-row-hour diary-row-now"' in page  # the 09:00 row

    page = browser.get(day_url(TUESDAY)).content.decode()
    assert "diary-today-badge" not in page
    assert "diary-row-now" not in page

    page = browser.get(week_url(MONDAY)).content.decode()
    assert page.count("wg-today") == 1
    today_column = page.split(f'data-day="{YEAR}-03-03"', 1)[1].split("</section>")[0]
    assert "Today</span>" in today_column
    # The current time is marked in today's lanes only (09:10: row 3, rows being 5 minutes).
    assert today_column.count('class="wg-now wg-r3"') == 2
    assert "wg-now" not in page.split(f'data-day="{YEAR}-03-03"')[0]


def test_diary_home_opens_today_or_the_date_picked(clinic, as_user):
    browser = as_user(clinic.people.front_desk)
    response = browser.get(reverse("scheduling:home"))
    assert response.status_code == 302
    assert response["Location"] == day_url(timezone.localdate())

    response = browser.get(reverse("scheduling:home"), {"date": f"{YEAR}-03-04"})
    assert response["Location"] == day_url(day(3, 4))
    response = browser.get(reverse("scheduling:home"), {"date": f"{YEAR}-03-04", "view": "week"})
    assert response["Location"] == week_url(day(3, 4))
    response = browser.get(reverse("scheduling:home"), {"date": "not a date"})
    assert response["Location"] == day_url(timezone.localdate())

    response = browser.get(reverse("scheduling:week_current"))
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    assert response["Location"] == week_url(monday)


def test_an_impossible_date_is_not_found(clinic, as_user):
    browser = as_user(clinic.people.front_desk)
    assert browser.get(f"/diary/day/{YEAR}-02-30/").status_code == 404
    assert browser.get(f"/diary/week/{YEAR}-13-01/").status_code == 404


# --- week view --------------------------------------------------------------------


def test_the_week_runs_monday_to_sunday_with_each_appointment_on_its_day(clinic, as_user):
    book(clinic, at(MONDAY, "10:00"))
    book(clinic, at(WEDNESDAY, "15:00"), artist=clinic.alex, client=clinic.ben)
    book(clinic, at(MONDAY + dt.timedelta(days=7), "10:00"))  # next week

    response = as_user(clinic.people.front_desk).get(week_url(WEDNESDAY))

    blocks = appointment_blocks(response)
    assert [(b["data-day"], b["data-artist"]) for b in blocks] == [
        (f"{YEAR}-03-01", str(clinic.sam.pk)),
        (f"{YEAR}-03-03", str(clinic.alex.pk)),
    ]
    assert blocks[0]["text"] == "10:00–10:45 Anna Ashby Free consultation · Room 1 Sam Okafor"
    assert blocks[1]["text"].startswith("15:00–15:45 Ben Barker")
    page = response.content.decode()
    assert f"Week of 1 March {YEAR}" in page
    for offset in range(7):
        assert f'href="{day_url(MONDAY + dt.timedelta(days=offset))}"' in page
    # The artists' colours differ and are explained.
    assert "artist-colour-0" in page and "artist-colour-1" in page
    sunday = page.split(f'data-day="{YEAR}-03-07"')[1].split("</section>")[0]
    assert "Closed" in sunday
    thursday = page.split(f'data-day="{YEAR}-03-04"')[1].split("</section>")[0]
    assert "No appointments" in thursday


def test_the_week_can_show_one_artist(clinic, as_user):
    book(clinic, at(MONDAY, "10:00"))
    book(clinic, at(MONDAY, "10:00"), artist=clinic.alex, client=clinic.ben)
    browser = as_user(clinic.people.front_desk)

    response = browser.get(week_url(MONDAY), {"artist": clinic.alex.pk})

    [block] = appointment_blocks(response)
    assert block["data-artist"] == str(clinic.alex.pk)
    page = response.content.decode()
    assert "with Alex Brennan" in page
    assert (
        f'href="{week_url(MONDAY - dt.timedelta(days=7))}?artist={clinic.alex.pk}" rel="prev"'
        in page
    )
    # The day links keep the choice.
    assert f'href="{day_url(MONDAY)}?artist={clinic.alex.pk}"' in page
    # Nonsense in the filter shows everyone rather than failing.
    assert len(appointment_blocks(browser.get(week_url(MONDAY), {"artist": "x"}))) == 2


def test_week_navigation_links_and_empty_week(clinic, as_user):
    response = as_user(clinic.people.front_desk).get(week_url(WEDNESDAY))
    page = response.content.decode()
    assert appointment_blocks(response) == []
    assert "No appointments this week." in page
    assert f'href="{week_url(MONDAY - dt.timedelta(days=7))}" rel="prev"' in page
    assert f'href="{week_url(day(3, 8))}" rel="next"' in page
    assert f'href="{week_url(timezone.localdate())}">This week</a>' in page
    assert f'href="{day_url(MONDAY)}">Day</a>' in page


# --- who may open what ------------------------------------------------------------


def _diary_urls(appointment_pk: int) -> list[tuple[str, str]]:
    """(method, url) for every diary page."""
    return [
        ("get", reverse("scheduling:home")),
        ("get", reverse("scheduling:week_current")),
        ("get", day_url(MONDAY)),
        ("get", week_url(MONDAY)),
        ("get", reverse("scheduling:book")),
        ("get", reverse("scheduling:client_picker")),
        ("get", reverse("scheduling:appointment_detail", args=[appointment_pk])),
        ("post", reverse("scheduling:move", args=[appointment_pk])),
        ("post", reverse("scheduling:cancel", args=[appointment_pk])),
        ("post", reverse("scheduling:set_status", args=[appointment_pk])),
    ]


def test_it_sends_anonymous_people_to_sign_in(clinic, client):
    appointment = book(clinic, at(MONDAY, "10:00"))
    for method, url in _diary_urls(appointment.pk):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


def test_it_refuses_every_diary_page_to_clients(clinic, as_user):
    appointment = book(clinic, at(MONDAY, "10:00"))  # Anna's own appointment
    browser = as_user(clinic.people.client_a)
    for method, url in _diary_urls(appointment.pk):
        response = getattr(browser, method)(url)
        assert response.status_code == 403, url
        assert b"Ashby" not in response.content


@pytest.mark.parametrize("role", ["manager", "front_desk", "artist"])
def test_every_staff_role_sees_the_diary(clinic, as_user, role):
    appointment = book(clinic, at(MONDAY, "10:00"))
    browser = as_user(getattr(clinic.people, role))
    for url in (day_url(MONDAY), week_url(MONDAY), appointment.get_absolute_url()):
        response = browser.get(url)
        assert response.status_code == 200, url
        assert "Anna Ashby" in response.content.decode()


def test_artists_see_the_diary_but_cannot_book_move_or_cancel(clinic, as_user):
    appointment = book(clinic, at(MONDAY, "10:00"))
    browser = as_user(clinic.sam)

    page = browser.get(day_url(MONDAY)).content.decode()
    assert "Book 11:00 with" not in page
    assert "Book an appointment" not in page
    assert browser.get(reverse("scheduling:book")).status_code == 403
    assert browser.get(reverse("scheduling:client_picker"), {"q": "ash"}).status_code == 403
    response = browser.post(
        reverse("scheduling:move", args=[appointment.pk]),
        {"starts_at_0": f"{YEAR}-03-01", "starts_at_1": "12:00", "artist": clinic.sam.pk},
    )
    assert response.status_code == 403
    response = browser.post(reverse("scheduling:cancel", args=[appointment.pk]), {"reason": "x"})
    assert response.status_code == 403
    appointment.refresh_from_db()
    assert appointment.starts_at == at(MONDAY, "10:00")
    assert appointment.status == "booked"


def test_wrong_methods_are_refused(clinic, as_user):
    appointment = book(clinic, at(MONDAY, "10:00"))
    browser = as_user(clinic.people.manager)
    for url in (
        reverse("scheduling:home"),
        day_url(MONDAY),
        week_url(MONDAY),
        reverse("scheduling:client_picker"),
        appointment.get_absolute_url(),
    ):
        assert browser.post(url).status_code == 405, url
    assert browser.delete(reverse("scheduling:book")).status_code == 405
    for name in ("scheduling:move", "scheduling:cancel", "scheduling:set_status"):
        assert browser.get(reverse(name, args=[appointment.pk])).status_code == 405, name


@pytest.mark.parametrize(
    ("role", "has_diary"),
    [("front_desk", True), ("artist", True), ("manager", True), ("client_a", False)],
)
def test_the_menu_offers_the_diary_to_staff(clinic, as_user, role, has_diary):
    # A client's home is their portal.
    response = as_user(getattr(clinic.people, role)).get(reverse("home"), follow=True)
    menu = response.content.decode().split('aria-label="Main"')[1].split("</nav>")[0]
    link = f'href="{day_url(timezone.localdate())}">Diary</a>'
    assert (link in menu) is has_diary


def test_nonsense_in_the_address_is_ignored_or_not_found_never_an_error(clinic, as_user):
    browser = as_user(clinic.people.front_desk)
    huge = "9" * 25
    response = browser.get(
        reverse("scheduling:book"),
        {"client": huge, "artist": huge, "room": huge, "minutes": huge, "type": "no-such-type"},
    )
    assert response.status_code == 200
    assert "Find a client" in response.content.decode()
    for url in (day_url(MONDAY), week_url(MONDAY)):
        assert browser.get(url, {"artist": huge}).status_code == 200
    assert browser.get("/diary/day/9999-12-31/").status_code == 404
    assert browser.get("/diary/week/0001-01-01/").status_code == 404
    response = browser.get(reverse("scheduling:home"), {"date": "9999-12-31"})
    assert response["Location"] == day_url(timezone.localdate())
