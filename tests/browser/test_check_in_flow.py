"""A client sends a fade check-in from a phone; the artist reviews it and replies."""

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.utils import timezone
from playwright.sync_api import expect

from aftercare.links import check_in_token_for
from aftercare.models import AftercareInstruction, CheckIn, CheckInKind, CheckInStatus
from conftest import PASSWORD
from photos.tests.fixtures import jpeg_bytes
from sessions_app.models import RegionHealing
from sessions_app.tests.fixtures import logged_session
from tests.clock import at

pytestmark = pytest.mark.django_db(transaction=True)


def _aftercare_defaults():
    """Put back the shipped aftercare wording (transactional tests empty every table)."""
    if not AftercareInstruction.objects.exists():
        migration = importlib.import_module("aftercare.migrations.0003_default_instructions")
        migration.add_defaults(django_apps, None)


def _sign_consent(client):
    try:
        from consultations.tests.factories import sign_all_consent
    except ImportError:
        return
    sign_all_consent(client)


def test_a_client_sends_a_check_in_and_the_artist_replies(
    page, browser, live_server, treatment, screenshots, tmp_path
):
    _aftercare_defaults()
    _sign_consent(treatment.client)
    first = treatment.sessions[0]
    session_day = timezone.localdate() - dt.timedelta(days=10)
    logged_session(first, {"frontal_hairline": 3, "crown": 4}, at(session_day, "10:00"))
    check_in = CheckIn.objects.get(session=first, kind=CheckInKind.FADE)
    front, crown = tmp_path / "front.jpg", tmp_path / "crown.jpg"
    front.write_bytes(jpeg_bytes(640, 480))
    crown.write_bytes(jpeg_bytes(480, 640))

    # The client, on a phone, from the link in the message.
    phone = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    phone.set_default_timeout(10_000)
    client_page = phone.new_page()
    client_page.goto(f"/check-in/{check_in_token_for(check_in)}/")
    expect(client_page.get_by_role("heading", name="How is your scalp healing?")).to_be_visible()
    client_page.get_by_label("Photo from the front").set_input_files(front)
    client_page.get_by_label("Photo of the crown").set_input_files(crown)
    client_page.get_by_role("radiogroup", name="How red is your scalp?").get_by_text("Mild").click()
    client_page.get_by_role("radiogroup", name="How much does it itch?").get_by_text("None").click()
    crown_row = client_page.locator("[data-region=crown]")
    crown_row.get_by_text("Patchy").click()
    crown_row.get_by_placeholder("In your words (optional)").fill("Lighter on the left side")
    questions = client_page.get_by_role("textbox", name="Anything you would like to ask")
    questions.fill("Can I swim next week?")
    # Nothing sticks out sideways on a 390 px screen.
    assert client_page.evaluate("document.documentElement.scrollWidth") <= 390
    client_page.screenshot(path=screenshots / "check-in-phone.png", full_page=True)
    client_page.get_by_role("button", name="Send to my artist").click()
    expect(client_page.get_by_role("heading", name="Thank you, Anna")).to_be_visible()
    client_page.screenshot(path=screenshots / "check-in-thanks-phone.png", full_page=True)

    check_in.refresh_from_db()
    assert check_in.status == CheckInStatus.SUBMITTED
    assert check_in.photos.count() == 2
    assert check_in.region_views["crown"] == {"look": "patchy", "note": "Lighter on the left side"}

    # The artist, on a tablet or desktop.
    page.goto("/")
    page.get_by_label("Email").fill("artist@clinic.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/aftercare/check-ins/")
    row = page.get_by_test_id("check-in-row")
    expect(row).to_contain_text("Anna Ashby")
    expect(row).to_contain_text("10 days")
    expect(row.locator("img")).to_have_count(2)
    page.screenshot(path=screenshots / "check-in-queue.png", full_page=True)
    row.get_by_role("link", name="Review").click()

    expect(page.get_by_test_id("answers")).to_contain_text("Lighter on the left side")
    expect(page.get_by_test_id("answers")).to_contain_text("Can I swim next week?")
    page.locator("[data-region=crown]").get_by_text("Patchy").click()
    page.locator("[data-region=frontal_hairline]").get_by_text("Retained").click()
    page.screenshot(path=screenshots / "check-in-review.png", full_page=True)
    page.get_by_role("button", name="Send the reply").click()
    expect(page.get_by_text("Write a reply to the client.")).to_be_visible()
    page.get_by_label("Your reply to the client").fill(
        "Patchy after the first session is normal. No swimming until week four, please."
    )
    page.get_by_role("radiogroup", name="Do you propose anything more?").get_by_text(
        "An extra session"
    ).click()
    page.get_by_label("Note for the front desk").fill("Crown: one more pass, about 2 hours")
    page.get_by_role("button", name="Send the reply").click()
    expect(page.get_by_text("Reply sent to Anna")).to_be_visible()
    expect(page.get_by_text("No check-ins waiting")).to_be_visible()

    check_in.refresh_from_db()
    assert check_in.status == CheckInStatus.REVIEWED
    second = treatment.sessions[1]
    assert RegionHealing.objects.get(session=second, region="crown").status == "patchy"

    # The client opens the link again and reads the reply.
    client_page.goto(f"/check-in/{check_in_token_for(check_in)}/")
    expect(client_page.get_by_test_id("reply")).to_contain_text("No swimming until week four")
    client_page.screenshot(path=screenshots / "check-in-reply-phone.png", full_page=True)
    client_page.goto(f"/check-in/{check_in_token_for(check_in)}x/")
    expect(client_page.get_by_role("heading", name="This link no longer works")).to_be_visible()
    client_page.screenshot(path=screenshots / "check-in-link-invalid-phone.png", full_page=True)
    phone.close()

    # The front desk sees the artist's proposal and adds the session to the plan.
    page.get_by_role("button", name="Sign out").click()
    page.goto("/")
    page.get_by_label("Email").fill("desk@clinic.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/aftercare/proposals/")
    proposal = page.get_by_test_id("proposal")
    expect(proposal).to_contain_text("Sam proposes an extra session for Anna Ashby")
    page.screenshot(path=screenshots / "check-in-proposals.png", full_page=True)
    proposal.get_by_role("button", name="Add the extra session to the plan").click()
    expect(page.get_by_text("No proposals waiting")).to_be_visible()
    assert treatment.plan.sessions.filter(kind="extra").count() == 1
