"""A new clinic set up from a fresh install without the admin: the command makes the clinic
and its manager; the manager sets the clinic's details, a room and a service's colour,
invites an artist who joins from the email, rewords a reminder, changes its timing and
sends a test; then a member of the public books the first consultation online."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from reminders.models import MessageTemplate
from scheduling.models import Appointment, AppointmentType, ArtistHours, Room
from scheduling.tests.diary_fixtures import clinic_defaults
from tests.browser.conftest import bookable_weekday

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "crown-line-owner-passphrase"


def test_a_new_clinic_is_set_up_without_the_admin_and_takes_a_booking(
    page, browser, live_server, settings, tmp_path, screenshots
):
    settings.SITE_URL = live_server.url
    clinic_defaults()  # what the migrations give a fresh install
    secret = tmp_path / "password"
    secret.write_text(PASSWORD)
    call_command(
        "create_clinic",
        "--name",
        "Crown Line SMP",
        "--manager-email",
        "jo@crownline.test",
        "--manager-first-name",
        "Jo",
        "--password-file",
        str(secret),
    )

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("jo@crownline.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_test_id("account-menu").click()
    page.get_by_role("link", name="Settings", exact=True).click()
    expect(page.get_by_role("heading", name="Settings", exact=True)).to_be_visible()

    # The clinic's details.
    page.get_by_role("link", name=re.compile("The clinic")).click()
    page.get_by_label("Address").fill("4 Mill Lane, Leeds")
    page.get_by_label("Phone").fill("0113 496 0000")
    page.get_by_role("button", name="Save clinic details").click()
    expect(page.get_by_text("Clinic details saved.")).to_be_visible()

    # One room.
    page.goto(reverse("clinic_settings:rooms"))
    page.get_by_label("Name").fill("Room 1")
    page.get_by_role("button", name="Add room").click()
    expect(page.get_by_test_id("rooms")).to_contain_text("Room 1")

    # A service's colour in the diary.
    consultation = AppointmentType.objects.get(slug="consultation")
    page.goto(reverse("clinic_settings:service", args=[consultation.pk]))
    page.get_by_label("Colour in the diary").select_option("plum")
    page.get_by_role("button", name="Save service").click()
    expect(page.get_by_test_id("services")).to_contain_text(consultation.name)
    consultation.refresh_from_db()
    assert consultation.colour == "plum"

    # An artist, invited by email, joins from the link.
    page.goto(reverse("team:list"))
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("First name").fill("Priya")
    page.get_by_label("Last name").fill("Shah")
    page.get_by_label("Email").fill("priya@crownline.test")
    page.get_by_label("SMP artist").check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to priya@crownline.test")).to_be_visible()
    link = re.search(r"http\S+/accounts/welcome/\S+/", mail.outbox[-1].body).group()
    newcomer_context = browser.new_context(base_url=live_server.url)
    newcomer = newcomer_context.new_page()
    newcomer.goto(link)
    newcomer.get_by_label("Choose a password").fill("violet-harbour-lantern-42")
    newcomer.get_by_label("Type it again").fill("violet-harbour-lantern-42")
    newcomer.get_by_role("button", name="Save my password").click()
    expect(newcomer.get_by_test_id("account-menu")).to_contain_text("Priya · SMP artist")
    newcomer_context.close()
    priya = User.objects.get(email="priya@crownline.test")
    ArtistHours.objects.bulk_create(
        ArtistHours(artist=priya, weekday=day, starts=dt.time(9), ends=dt.time(17))
        for day in range(5)
    )

    # A reminder reworded and retimed, and a test sent to the manager.
    page.goto(reverse("message_settings:edit", args=["appointment_reminder"]))
    page.get_by_label("Email subject").fill("Your visit to Crown Line, {first_name}")
    page.locator("input[name=offsets]").fill("72, 24")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(re.compile("saved", re.I)).first).to_be_visible()
    saved = MessageTemplate.objects.get(kind="appointment_reminder")
    assert saved.subject == "Your visit to Crown Line, {first_name}"
    assert saved.offsets == [72, 24]
    sent = len(mail.outbox)
    page.goto(reverse("message_settings:edit", args=["appointment_reminder"]))
    page.get_by_test_id("send-test").click()
    expect(page.get_by_text(re.compile("jo@crownline.test")).first).to_be_visible()
    assert len(mail.outbox) == sent + 1
    assert mail.outbox[-1].to == ["jo@crownline.test"]
    assert "Your visit to Crown Line, Sam" in mail.outbox[-1].subject
    page.goto(reverse("clinic_settings:changes"))
    expect(page.get_by_test_id("settings-changes")).to_contain_text("Room 1")
    page.screenshot(path=screenshots / "settings-changes-after-setup-1280.png", full_page=True)

    # The public books the clinic's first consultation.
    page.context.clear_cookies()
    day = bookable_weekday()
    while day.weekday() > 4:
        day += dt.timedelta(days=1)
    day_label = f"{day:%A} {day.day} {day:%B}"
    page.goto("/book/")
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Crown Line SMP")
    page.get_by_role("link", name=re.compile("At the clinic")).click()
    page.goto(reverse("booking:times", kwargs={"type_slug": "consultation"}) + f"?from={day}")
    page.get_by_role("link", name=f"10:00 on {day_label}").click()
    page.get_by_label("First name").fill("Daniel")
    page.get_by_label("Last name").fill("Whitaker")
    page.get_by_label("Email").fill("daniel@example.com")
    page.get_by_label("Mobile phone").fill("07911 123456")
    page.get_by_label("The clinic may contact me").check()
    page.get_by_role("button", name="Book my free consultation").click()
    expect(page.get_by_role("heading", name="Thank you, you are booked")).to_be_visible()
    expect(page.get_by_text("4 Mill Lane, Leeds").first).to_be_visible()
    booked = Appointment.objects.get()
    assert booked.artist == priya
    assert booked.room == Room.objects.get(name="Room 1")
