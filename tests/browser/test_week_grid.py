"""The week grid in a real browser: the front desk drags a treatment session to another day
and artist (accepted), drags one onto a taken time (refused in place, back where it was), and
moves one with the keyboard alone; the grid read at 1280 px and at tablet width."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from scheduling.models import Appointment
from scheduling.tests.diary_fixtures import book
from tests.browser.conftest import take_session
from tests.clock import MONDAY, at

pytestmark = pytest.mark.django_db(transaction=True)

TUESDAY = MONDAY + dt.timedelta(days=1)
FIRST_MINUTE = 9 * 60  # the grid starts at the earliest opening, 09:00
GRID = 5  # minutes a row


def _block(page, appointment):
    return page.locator(f'.wg-block[data-id="{appointment.pk}"]')


def _lane(page, day, artist):
    return page.locator(f'.wg-lane[data-day="{day.isoformat()}"][data-artist="{artist.pk}"]')


def _drag(page, block, lane, hhmm: str):
    """Press the block near its top, move in steps to the lane at that time, release."""
    box = block.bounding_box()
    lane_box = lane.bounding_box()
    rows = int(page.locator(".wg").get_attribute("data-rows"))
    row_height = lane_box["height"] / rows
    hour, minute = (int(x) for x in hhmm.split(":"))
    row = (hour * 60 + minute - FIRST_MINUTE) // GRID
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + row_height / 2)
    page.mouse.down()
    target_x = lane_box["x"] + lane_box["width"] / 2
    target_y = lane_box["y"] + (row + 0.5) * row_height
    page.mouse.move(target_x, target_y, steps=12)
    page.mouse.up()


@pytest.fixture
def week(clinic):
    clinic.session = book(clinic, at(MONDAY, "10:00"), type=clinic.treatment, minutes=180)
    clinic.bens = book(clinic, at(TUESDAY, "10:00"), client=clinic.ben)
    clinic.check = book(clinic, at(MONDAY, "15:00"), artist=clinic.alex, client=clinic.ben)
    return clinic


def test_the_desk_drags_keys_and_is_refused_in_place(page, live_server, week, screenshots):
    take_session(page, live_server, week.people.front_desk)
    page.goto(f"/diary/week/{MONDAY.isoformat()}/")
    expect(page.get_by_test_id("appointment")).to_have_count(3)
    page.screenshot(path=screenshots / "week-grid-1280.png", full_page=True)
    page.set_viewport_size({"width": 820, "height": 1100})
    page.screenshot(path=screenshots / "week-grid-tablet.png", full_page=True)
    # Tall enough that the whole day shows without scrolling the grid.
    page.set_viewport_size({"width": 1280, "height": 1300})

    # A treatment session to Tuesday afternoon with Alex: accepted, and the page says so.
    _drag(page, _block(page, week.session), _lane(page, TUESDAY, week.alex), "13:00")
    expect(page.locator("#week-message")).to_contain_text(
        "Moved to Tue 2 Mar 13:00 with Alex Brennan."
    )
    week.session.refresh_from_db()
    assert (week.session.starts_at, week.session.artist) == (at(TUESDAY, "13:00"), week.alex)
    expect(_block(page, week.session)).to_have_attribute("data-day", TUESDAY.isoformat())

    # Alex's consultation onto Ben's, Tuesday 10:00 with Sam: refused, back where it was.
    _drag(page, _block(page, week.check), _lane(page, TUESDAY, week.sam), "10:00")
    expect(page.locator("#week-message")).to_contain_text("already has an appointment")
    expect(page.locator("#week-message")).to_contain_text("The appointment is where it was.")
    check = _block(page, week.check)
    expect(check).to_have_attribute("data-day", MONDAY.isoformat())
    expect(check).to_have_attribute("data-artist", str(week.alex.pk))
    assert Appointment.objects.get(pk=week.check.pk).starts_at == at(MONDAY, "15:00")

    # With the keyboard alone: Space, an hour later (four 15-minute steps), Enter.
    check.focus()
    page.keyboard.press("Space")
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    expect(page.locator("#week-announce")).to_contain_text("16:00")
    page.keyboard.press("Enter")
    expect(page.locator("#week-message")).to_contain_text(
        "Moved to Mon 1 Mar 16:00 with Alex Brennan."
    )
    assert Appointment.objects.get(pk=week.check.pk).starts_at == at(MONDAY, "16:00")
    # Escape leaves it where it was.
    _block(page, week.check).focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    expect(page.locator("#week-announce")).to_contain_text("Left where it was.")
    assert Appointment.objects.get(pk=week.check.pk).starts_at == at(MONDAY, "16:00")
    page.screenshot(path=screenshots / "week-grid-after-moves-1280.png", full_page=True)


def test_the_day_by_room_draws_each_rooms_lane(page, live_server, week, screenshots):
    take_session(page, live_server, week.people.front_desk)
    page.goto(f"/diary/day/{MONDAY.isoformat()}/?by=room")
    expect(page.get_by_test_id("appointment")).to_have_count(2)
    expect(page.locator(".wg-lane")).to_have_count(2)  # Room 1 and Room 2
    page.screenshot(path=screenshots / "day-by-room-1280.png", full_page=True)


def test_a_manager_is_asked_for_a_reason_only_where_the_policy_wants_one(
    page, live_server, week, screenshots
):
    saturday = MONDAY + dt.timedelta(days=5)  # the clinic closes at 14:00
    take_session(page, live_server, week.people.manager)
    page.set_viewport_size({"width": 1280, "height": 1300})
    page.goto(f"/diary/week/{MONDAY.isoformat()}/")
    _drag(page, _block(page, week.check), _lane(page, saturday, week.alex), "15:00")
    reason = page.get_by_label(re.compile("Give your reason to move it there anyway"))
    expect(reason).to_be_visible()
    page.screenshot(path=screenshots / "week-grid-reason-1280.png", full_page=True)
    assert Appointment.objects.get(pk=week.check.pk).starts_at == at(MONDAY, "15:00")
    reason.fill("Only Saturday afternoon suits the client")
    page.get_by_role("button", name="Move it with this reason").click()
    expect(page.locator("#week-message")).to_contain_text(
        "Moved to Sat 6 Mar 15:00 with Alex Brennan."
    )
    moved = Appointment.objects.get(pk=week.check.pk)
    assert moved.starts_at == at(saturday, "15:00")
    assert moved.outside_hours_note == "Only Saturday afternoon suits the client"


def test_on_a_tablet_a_touch_and_hold_picks_a_block_up_and_a_swipe_scrolls(page, live_server, week):
    """Touch as a tablet sends it (pointer events of type touch): a quick swipe over a block
    moves nothing; touch and hold, then drag, moves it."""
    take_session(page, live_server, week.people.front_desk)
    page.set_viewport_size({"width": 1280, "height": 1300})
    page.goto(f"/diary/week/{MONDAY.isoformat()}/")
    block = _block(page, week.check)
    box = block.bounding_box()
    lane = _lane(page, TUESDAY, week.alex).bounding_box()
    rows = int(page.locator(".wg").get_attribute("data-rows"))
    target_y = lane["y"] + ((17 * 60 - FIRST_MINUTE) // GRID + 0.5) * lane["height"] / rows
    start = (box["x"] + box["width"] / 2, box["y"] + 2)
    touch = """([type, x, y]) => {
        const target = document.elementFromPoint(x, y) || document.body;
        target.dispatchEvent(new PointerEvent(type, {bubbles: true, cancelable: true,
            pointerId: 7, pointerType: "touch", isPrimary: true, clientX: x, clientY: y}));
    }"""

    # A swipe: down, moved at once, up. Nothing is picked up.
    page.evaluate(touch, ["pointerdown", *start])
    page.evaluate(touch, ["pointermove", start[0], start[1] + 40])
    page.evaluate(touch, ["pointerup", start[0], start[1] + 40])
    page.wait_for_timeout(500)
    expect(page.locator(".wg-moving")).to_have_count(0)

    # Touch and hold, then drag to Tuesday 17:00 with Alex.
    page.evaluate(touch, ["pointerdown", *start])
    page.wait_for_timeout(600)
    expect(page.locator(".wg-moving")).to_have_count(1)
    target_x = lane["x"] + lane["width"] / 2
    for step in range(1, 6):
        x = start[0] + (target_x - start[0]) * step / 5
        y = start[1] + (target_y - start[1]) * step / 5
        page.evaluate(touch, ["pointermove", x, y])
    page.evaluate(touch, ["pointerup", target_x, target_y])
    expect(page.locator("#week-message")).to_contain_text(
        "Moved to Tue 2 Mar 17:00 with Alex Brennan."
    )
    assert Appointment.objects.get(pk=week.check.pk).starts_at == at(TUESDAY, "17:00")


def test_a_spanish_manager_moves_and_is_asked_in_spanish(page, live_server, week, screenshots):
    # The scripts' texts come from the Spanish catalogue, a script of our own origin that
    # the Content-Security-Policy lets run: nothing is refused on the way.
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security" in message.text else None
        ),
    )
    week.people.manager.language = "es"
    week.people.manager.save(update_fields=["language"])
    take_session(page, live_server, week.people.manager)
    page.set_viewport_size({"width": 1280, "height": 1300})
    page.goto(f"/diary/week/{MONDAY.isoformat()}/")
    check = _block(page, week.check)
    check.focus()
    page.keyboard.press("Space")
    expect(page.locator("#week-announce")).to_contain_text("Seleccionada:")
    expect(page.locator("#week-announce")).to_contain_text("cambia el artista")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    expect(page.locator("#week-announce")).to_have_text("Se ha dejado donde estaba.")

    saturday = MONDAY + dt.timedelta(days=5)  # the clinic closes at 14:00
    _drag(page, _block(page, week.check), _lane(page, saturday, week.alex), "15:00")
    go = page.get_by_role("button", name="Moverla con este motivo")
    expect(go).to_be_visible()
    expect(page.get_by_role("button", name="Dejarla donde estaba")).to_be_visible()
    page.screenshot(path=screenshots / "es-week-grid-reason.png", full_page=True)
    page.get_by_role("button", name="Dejarla donde estaba").click()

    # Onto Ben's appointment: refused, and said in Spanish around the diary's own refusal.
    _drag(page, _block(page, week.check), _lane(page, TUESDAY, week.sam), "10:00")
    expect(page.locator("#week-message")).to_contain_text("La cita sigue donde estaba.")
    assert Appointment.objects.get(pk=week.check.pk).starts_at == at(MONDAY, "15:00")
    assert not refused, refused
