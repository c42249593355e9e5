"""The nights London's clocks change, seen by a clinic open through them.

This clinic opens on Sundays 00:00–04:00, so its hours span the change: the
night the clocks go forward has no 01:00–01:59, the night they go back has it
twice (first in BST, then in GMT). Every page shows each real moment once, and
names the zone where a time happens twice.
"""

import datetime as dt
import re
from html import unescape
from urllib.parse import unquote

import pytest
from django.core.cache import cache
from django.urls import reverse

from scheduling.models import Appointment, ArtistHours, OpeningHours
from tests.clock import CLOCKS_GO_BACK, CLOCKS_GO_FORWARD, UTC, YEAR, at

from .diary_fixtures import appointment_blocks, book, open_the_clinic

pytestmark = pytest.mark.django_db

SUNDAY = 6
BOOK = reverse("scheduling:book")


@pytest.fixture
def night_clinic(people, settings):
    """The clinic, open (with Sam working) on Sundays from midnight to 04:00."""
    settings.TIME_ZONE = "Europe/London"
    clinic = open_the_clinic(people)
    OpeningHours.objects.filter(weekday=SUNDAY).delete()
    OpeningHours.objects.create(weekday=SUNDAY, opens=dt.time(0), closes=dt.time(4))
    ArtistHours.objects.create(
        artist=clinic.sam, weekday=SUNDAY, starts=dt.time(0), ends=dt.time(4)
    )
    return clinic


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def row_labels(page: str) -> list[str]:
    """The day grid's time column, top to bottom, as it reads."""
    return [text(cell) for cell in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', page)]


def quarter_hours(*hours: int, suffix: str = "") -> list[str]:
    return [f"{hour:02}:{minute:02}{suffix}" for hour in hours for minute in (0, 15, 30, 45)]


def day_page(browser, day: dt.date, clinic) -> str:
    url = reverse("scheduling:day", args=[day])
    return browser.get(url, {"artist": clinic.sam.pk}).content.decode()


def free_links(page: str) -> dict[str, str]:
    """The day grid's free cells: what each says to a screen reader, and where it leads."""
    return {
        text(label): unescape(href)
        for href, label in re.findall(r'<a class="diary-free-link" href="([^"]+)">(.*?)</a>', page)
    }


# --- the day grid -------------------------------------------------------------------


def test_the_night_the_clocks_go_back_has_the_repeated_hour_twice_each_row_named(
    night_clinic, as_user
):
    page = day_page(as_user(night_clinic.people.front_desk), CLOCKS_GO_BACK, night_clinic)

    assert row_labels(page) == (
        quarter_hours(0)
        + quarter_hours(1, suffix=" BST")
        + quarter_hours(1, suffix=" GMT")
        + quarter_hours(2, 3)
    )  # five hours between midnight and 04:00 that night
    links = free_links(page)
    assert len(links) == 20
    # Each link names its own moment: the first 01:15 is 00:15 UTC, the second 01:15 UTC.
    first = unquote(links["Book 01:15 BST with Sam Okafor"])
    second = unquote(links["Book 01:15 GMT with Sam Okafor"])
    assert first == f"{BOOK}?start={CLOCKS_GO_BACK}T01:15+01:00&artist={night_clinic.sam.pk}"
    assert second == f"{BOOK}?start={CLOCKS_GO_BACK}T01:15+00:00&artist={night_clinic.sam.pk}"


def test_the_night_the_clocks_go_forward_has_no_row_for_the_skipped_hour(night_clinic, as_user):
    page = day_page(as_user(night_clinic.people.front_desk), CLOCKS_GO_FORWARD, night_clinic)

    # Three hours between midnight and 04:00 that night; no time is named twice.
    assert row_labels(page) == quarter_hours(0, 2, 3)
    assert len(free_links(page)) == 12
    assert "01:" not in " ".join(row_labels(page))


def test_an_appointment_in_the_repeated_hour_sits_in_its_own_row(night_clinic, as_user):
    second_quarter_past_one = dt.datetime.combine(CLOCKS_GO_BACK, dt.time(1, 15), tzinfo=UTC)
    book(night_clinic, second_quarter_past_one)  # 45 minutes: 01:15 GMT to 02:00

    response = as_user(night_clinic.people.front_desk).get(
        reverse("scheduling:day", args=[CLOCKS_GO_BACK]), {"artist": night_clinic.sam.pk}
    )

    [block] = appointment_blocks(response)
    assert block["data-row"] == "01:15 GMT"
    assert block["text"].startswith("01:15 GMT–02:00 Booked Anna Ashby")
    links = free_links(response.content.decode())
    assert "Book 01:15 BST with Sam Okafor" in links  # the first 01:15 is still free
    assert "Book 01:15 GMT with Sam Okafor" not in links


# --- booking from the grid ----------------------------------------------------------


def test_booking_the_second_quarter_past_one_from_the_grid_books_it_in_gmt(night_clinic, as_user):
    browser = as_user(night_clinic.people.front_desk)
    link = free_links(day_page(browser, CLOCKS_GO_BACK, night_clinic))[
        "Book 01:15 GMT with Sam Okafor"
    ]

    form_page = browser.get(link).content.decode()

    assert f'name="starts_at_0" value="{CLOCKS_GO_BACK}"' in form_page
    assert 'name="starts_at_1" value="01:15"' in form_page
    assert "This is 01:15 GMT: the second 01:15 that night, after the clocks go back." in text(
        form_page
    )
    [offset] = re.findall(r'name="starts_at_2" value="([^"]*)"', form_page)
    assert offset == "+00:00"

    response = browser.post(
        BOOK,
        {
            "client": night_clinic.anna.pk,
            "type": "consultation",
            "artist": night_clinic.sam.pk,
            "starts_at_0": str(CLOCKS_GO_BACK),
            "starts_at_1": "01:15",
            "starts_at_2": offset,
            "minutes": "",
            "room": "",
            "notes": "",
        },
        follow=True,
    )

    page = text(response.content.decode())
    when = f"{CLOCKS_GO_BACK:%a} {CLOCKS_GO_BACK.day} {CLOCKS_GO_BACK:%b}"
    assert f"Booked: Free consultation for Anna Ashby, {when} 01:15 GMT with Sam Okafor." in page
    appointment = Appointment.objects.get()
    assert appointment.starts_at == dt.datetime.combine(CLOCKS_GO_BACK, dt.time(1, 15), tzinfo=UTC)
    assert appointment.starts_at != at(CLOCKS_GO_BACK, "01:15")  # not the first 01:15 (BST)
    appointment_page = text(browser.get(appointment.get_absolute_url()).content.decode())
    assert "01:15 GMT–02:00" in appointment_page


def test_the_move_form_of_an_appointment_at_the_second_quarter_past_one_keeps_it(
    night_clinic, as_user
):
    appointment = book(
        night_clinic, dt.datetime.combine(CLOCKS_GO_BACK, dt.time(1, 15), tzinfo=UTC)
    )
    browser = as_user(night_clinic.people.front_desk)

    page = browser.get(appointment.get_absolute_url()).content.decode()

    assert "This is 01:15 GMT: the second 01:15 that night" in text(page)
    [offset] = re.findall(r'name="starts_at_2" value="([^"]*)"', page)
    response = browser.post(
        reverse("scheduling:move", args=[appointment.pk]),
        {
            "starts_at_0": str(CLOCKS_GO_BACK),
            "starts_at_1": "01:15",
            "starts_at_2": offset,
            "artist": night_clinic.sam.pk,
            "room": "",
            "minutes": "60",
        },
        follow=True,
    )
    when = f"{CLOCKS_GO_BACK:%a} {CLOCKS_GO_BACK.day} {CLOCKS_GO_BACK:%b}"
    assert f"Moved to {when} 01:15 GMT with Sam Okafor." in text(response.content.decode())
    appointment.refresh_from_db()
    assert appointment.starts_at == dt.datetime.combine(CLOCKS_GO_BACK, dt.time(1, 15), tzinfo=UTC)
    assert appointment.minutes == 60


def test_a_repeated_time_typed_without_saying_which_is_refused_naming_both(night_clinic, as_user):
    response = as_user(night_clinic.people.front_desk).post(
        BOOK,
        {
            "client": night_clinic.anna.pk,
            "type": "consultation",
            "artist": night_clinic.sam.pk,
            "starts_at_0": str(CLOCKS_GO_BACK),
            "starts_at_1": "01:15",
            "starts_at_2": "",
        },
    )

    assert response.status_code == 200
    assert (
        "happens twice in Europe/London, as the clocks go back: choose 01:15 BST (the first)"
        in (text(response.content.decode()))
    )
    assert not Appointment.objects.exists()


def test_the_forms_free_times_name_the_repeated_hour_and_carry_its_offset(night_clinic, as_user):
    page = (
        as_user(night_clinic.people.front_desk)
        .get(
            reverse("scheduling:free_times"),
            {
                "type": "consultation",
                "artist": night_clinic.sam.pk,
                "starts_at_0": str(CLOCKS_GO_BACK),
            },
        )
        .content.decode()
    )

    buttons = re.findall(r'data-time="([^"]+)" data-offset="([^"]+)">([^<]+)</button>', page)
    assert ("01:15", "+01:00", "01:15 BST") in buttons
    assert ("01:15", "+00:00", "01:15 GMT") in buttons
    assert [label for _, _, label in buttons].count("01:15 GMT") == 1


# --- the public times page ------------------------------------------------------------


@pytest.fixture
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_the_public_times_page_names_the_two_quarter_past_ones_and_books_the_second(
    night_clinic, client, freeze_now, _fresh_rate_limits
):
    freeze_now(at(CLOCKS_GO_BACK - dt.timedelta(days=5), "12:00"))  # within the online horizon
    times_url = reverse("booking:times", args=["consultation"])

    page = client.get(times_url, {"from": str(CLOCKS_GO_BACK)}).content.decode()

    day_heading = f"{CLOCKS_GO_BACK:%A} {CLOCKS_GO_BACK.day} {CLOCKS_GO_BACK:%B}"
    section = page[page.index(f">{day_heading}</h2>") :]
    section = section[: section.index("</section>")]
    shown = [text(label) for label in re.findall(r'<a class="btn[^"]*"[^>]*>(.*?)</a>', section)]
    # A 45-minute consultation fits from midnight until 03:15; each moment once, in order.
    assert shown == (
        quarter_hours(0)
        + quarter_hours(1, suffix=" BST")
        + quarter_hours(1, suffix=" GMT")
        + quarter_hours(2)
        + ["03:00", "03:15"]
    )
    assert len(set(shown)) == len(shown)
    assert f'aria-label="01:15 GMT on {day_heading}"' in section
    [second] = re.findall(r'href="([^"]+)" aria-label="01:15 GMT', section)
    assert second.endswith(f"/{YEAR}-{CLOCKS_GO_BACK:%m-%d}T01:15Z/")

    details = text(client.get(second).content.decode())
    assert f"{day_heading} {YEAR}, 01:15 GMT–02:00" in details

    response = client.post(
        second,
        {
            "start": f"{CLOCKS_GO_BACK}T01:15Z",
            "first_name": "Dan",
            "last_name": "Night",
            "email": "dan.night@example.com",
            "phone": "07911 123456",
        },
        follow=True,
    )
    assert response.redirect_chain  # to the thank-you page, which says when
    assert f"When {day_heading} {YEAR}, 01:15 GMT–02:00" in text(response.content.decode())
    appointment = Appointment.objects.get()
    assert appointment.starts_at == dt.datetime.combine(CLOCKS_GO_BACK, dt.time(1, 15), tzinfo=UTC)
