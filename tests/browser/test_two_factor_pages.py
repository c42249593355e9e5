"""A member of staff sets up two-factor sign-in when the clinic requires it, then signs
in with a code from their phone."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.models import SecurityPolicy
from accounts.tests.helpers import app_code
from conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _password_step(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_staff_set_up_two_factor_then_sign_in_with_a_code(page, people, screenshots, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    SecurityPolicy.objects.update_or_create(pk=1, defaults={"require_staff_two_factor": True})

    _password_step(page, "artist@clinic.test")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/\?next=/$"))
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.locator("svg.qr-code")).to_be_visible()
    box = page.locator("svg.qr-code").bounding_box()
    assert box["width"] > 150 and abs(box["width"] - box["height"]) < 2
    page.get_by_text("Can't scan it? Type this key instead").click()
    page.screenshot(path=screenshots / "two-factor-setup.png", full_page=True)

    # Nothing else opens until it is set up.
    page.goto("/clients/")
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()

    device = TOTPDevice.objects.get(user=people.artist)
    page.get_by_label("The 6-digit code your app shows now").fill(app_code(device))
    page.get_by_role("button", name="Switch on two-factor sign-in").click()
    expect(page.get_by_role("heading", name="Your backup codes")).to_be_visible()
    expect(page.get_by_role("list", name="Backup codes").get_by_role("listitem")).to_have_count(10)
    page.screenshot(path=screenshots / "two-factor-backup-codes.png", full_page=True)
    # They can be kept: a download, and a print of just the codes.
    expect(page.get_by_role("link", name="Download")).to_have_attribute(
        "href", "/accounts/two-factor/backup-codes/download/"
    )
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("list", name="Backup codes")).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
    page.emulate_media(media="screen")
    # On to the page they asked for before setting it up.
    page.get_by_role("link", name="I have saved them, carry on").click()
    expect(page.get_by_role("heading", name="Clients")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    _password_step(page, "artist@clinic.test")
    expect(page.get_by_role("heading", name="One more step")).to_be_visible()
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("That code is not right")).to_be_visible()
    page.screenshot(path=screenshots / "two-factor-code-prompt.png", full_page=True)

    device.refresh_from_db()
    page.get_by_label("Code from your authenticator app").fill(app_code(device, offset_steps=1))
    page.get_by_label("Trust this browser for 30 days").check()
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your day, Sam")).to_be_visible()

    # A trusted browser: the next sign-in needs only the password.
    page.get_by_role("button", name="Sign out").click()
    _password_step(page, "artist@clinic.test")
    expect(page.get_by_role("heading", name="Your day, Sam")).to_be_visible()
