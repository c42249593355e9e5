"""The artist runs a consultation on a tablet: from the diary to the first session booked."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from consultations.models import Consultation, Outcome, PatchReading
from consultations.tests import factories
from tests.clock import MONDAY, at

pytestmark = pytest.mark.django_db(transaction=True)

consult = factories.consult


def test_the_artist_records_a_consultation_and_books_the_first_session(page, consult, screenshots):
    c = consult.consultation
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto("/")
    page.get_by_label("Email").fill("artist@clinic.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # From the artist's day in the diary to the record.
    page.goto(f"/diary/day/{MONDAY.isoformat()}/")
    page.locator(f"#appointment-{consult.appointment.pk}").click()
    page.get_by_role("link", name="Consultation record").click()
    expect(page.get_by_role("heading", name="Consultation with Anna Ashby")).to_be_visible()

    record = page.locator("[data-testid=record-form]")
    record.get_by_label("Look wanted").select_option("buzz_cut")
    record.get_by_label("What the client hopes for").fill("A sharp, even buzz-cut look")
    record.get_by_label("Hair loss scale").select_option("norwood")
    record.get_by_label("Norwood stage").select_option("5")
    record.get_by_label("Skin type (Fitzpatrick)").select_option("3")
    record.get_by_label("Process explained").check()
    record.get_by_label("Pigment brand").fill("Zen")
    record.get_by_label("Shade").fill("Charcoal 2")
    record.get_by_label("Dilution").fill("1:3")
    record.locator("#pigment").get_by_role("button", name="Save").click()
    expect(page.get_by_text("Pigment saved.")).to_be_visible()

    # Patch test applied two days ago, read now: no reaction.
    applied = timezone.localtime() - dt.timedelta(days=2)
    patch = page.locator("[data-testid=patch-form]")
    expect(patch.get_by_label("Pigment")).to_have_value("Zen Charcoal 2 (1:3)")
    patch.get_by_label("Date").fill(applied.date().isoformat())
    patch.get_by_label("Time").fill(applied.strftime("%H:%M"))
    patch.get_by_label("Where on the skin").fill("Behind the left ear")
    patch.get_by_role("button", name="Save the patch test").click()
    expect(page.get_by_text("Patch test recorded")).to_be_visible()
    read = page.locator("[data-testid=read-form]")
    read.get_by_label("No reaction").check()
    read.get_by_role("button", name="Save the reading").click()
    expect(page.get_by_text("Patch test read: no reaction.")).to_be_visible()

    hairline = page.locator("[data-testid=hairline-form]")
    hairline.get_by_label("Soft / natural").check()
    hairline.get_by_label("Notes").fill("Slightly receded at the temples")
    hairline.get_by_role("button", name="Save version 1").click()
    expect(page.get_by_text("Hairline version 1 saved.")).to_be_visible()
    page.get_by_role("button", name="Client approved in person").click()
    expect(page.locator("[data-testid=approved]")).to_have_text("Approved in person")

    record.get_by_label("Estimated sessions").select_option("3")
    record.get_by_role("spinbutton", name="Price per session").fill("450")
    record.get_by_label("Deposit").fill("100")
    record.locator("#estimate").get_by_role("button", name="Save").click()
    expect(page.locator("[data-testid=estimate-totals]")).to_contain_text("£1,350.00")
    page.screenshot(path=screenshots / "consultation-record.png", full_page=True)

    page.get_by_role("link", name="Printable estimate").click()
    expect(page.locator("[data-testid=estimate-table]")).to_contain_text("£1,250.00")
    page.emulate_media(media="print")
    page.screenshot(path=screenshots / "consultation-estimate-print.png", full_page=True)
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Back to the consultation").click()

    outcome = page.locator("[data-testid=outcome-form]")
    outcome.get_by_label("Proceed").check()
    outcome.get_by_role("button", name="Save the outcome").click()
    expect(
        page.get_by_role("heading", name="Book the first session for Anna Ashby")
    ).to_be_visible()
    first_day = MONDAY + dt.timedelta(days=7)
    page.get_by_label("Date").fill(first_day.isoformat())
    page.get_by_label("Time").fill("10:00")
    page.screenshot(path=screenshots / "consultation-first-session.png", full_page=True)
    page.get_by_role("button", name="Book session 1").click()
    expect(page.get_by_text("Session 1 booked")).to_be_visible()

    c = Consultation.objects.select_related("plan").get(pk=c.pk)
    assert c.outcome == Outcome.PROCEED
    assert c.plan.planned_sessions == 3 and c.plan.pigment == "Zen Charcoal 2 (1:3)"
    assert c.plan.hairline_design.startswith("Soft / natural (v1)")
    assert c.patch_tests.get().reading == PatchReading.NO_REACTION
    first = c.plan.sessions.get(number=1)
    assert first.appointment.starts_at == at(first_day, "10:00")
