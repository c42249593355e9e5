"""Settings → Team in the browser: the manager invites an artist, who joins from the
email's link; an artist asks for time off and the manager approves it from the team
page. Every page runs under the Content-Security-Policy and meets WCAG 2.2 AA."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from scheduling.models import TimeOff, TimeOffStatus
from tests.browser.conftest import take_session
from tests.browser.test_accessibility import problems_on
from tests.clock import weekday_ahead

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def violations(page):
    seen = []

    def on_console(message):
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            seen.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    return seen


def test_the_manager_invites_an_artist_who_joins_from_the_email(
    page, browser, live_server, open_clinic, settings, screenshots, violations
):
    people = open_clinic
    settings.SITE_URL = live_server.url
    take_session(page, live_server, people.manager)
    page.goto(reverse("team:list"))
    expect(page.get_by_role("heading", name="Team", exact=True)).to_be_visible()
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("First name").fill("Priya")
    page.get_by_label("Last name").fill("Shah")
    page.get_by_label("Email").fill("priya@clinic.test")
    page.get_by_label("SMP artist").check()
    page.screenshot(path=screenshots / "team-invite.png", full_page=True)
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("heading", name="Priya Shah")).to_be_visible()
    expect(page.get_by_text("Invitation sent to priya@clinic.test")).to_be_visible()
    expect(page.locator(".badge", has_text="Invited")).to_be_visible()

    assert len(mail.outbox) == 1
    link = re.search(r"http\S+/accounts/welcome/\S+/", mail.outbox[0].body).group()

    newcomer = browser.new_context(base_url=live_server.url).new_page()
    newcomer.on("console", lambda m: "Refused to" in m.text and violations.append(m.text))
    newcomer.goto(link)
    expect(
        newcomer.get_by_role("heading", name="Welcome to SMP Clinic — choose your password")
    ).to_be_visible()
    newcomer.get_by_label("Choose a password").fill("violet-harbour-lantern-42")
    newcomer.get_by_label("Type it again").fill("violet-harbour-lantern-42")
    newcomer.screenshot(path=screenshots / "team-welcome.png", full_page=True)
    newcomer.get_by_role("button", name="Save my password").click()
    expect(newcomer.get_by_text("Welcome to SMP Clinic. Your password is saved.")).to_be_visible()
    expect(newcomer.get_by_test_id("account-menu")).to_contain_text("Priya · SMP artist")
    assert User.objects.get(email="priya@clinic.test").is_active

    # The link has done its work.
    newcomer.goto(link)
    expect(
        newcomer.get_by_role("heading", name="This invitation link no longer works")
    ).to_be_visible()
    newcomer.context.close()

    page.goto(reverse("team:list"))
    expect(page.get_by_test_id("team")).to_contain_text("Priya Shah")
    assert not violations, "\n".join(violations)


def test_an_artist_asks_for_time_off_and_the_manager_approves_it(
    page, live_server, open_clinic, screenshots, violations
):
    people = open_clinic
    away = weekday_ahead(10)
    take_session(page, live_server, people.artist)
    page.goto(reverse("staff_hours:my_hours"))
    expect(page.get_by_role("heading", name="My hours")).to_be_visible()
    expect(page.get_by_test_id("week-hours")).to_contain_text("09:00–18:00")
    page.get_by_label("Kind").select_option("training")
    page.get_by_label("From: date").fill(f"{away:%Y-%m-%d}")
    page.get_by_label("From: time").fill("09:00")
    page.get_by_label("Until: date").fill(f"{away:%Y-%m-%d}")
    page.get_by_label("Until: time").fill("13:00")
    page.get_by_label("Note").fill("Pigment course")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_test_id("time-off")).to_contain_text("Waiting for the manager")
    page.screenshot(path=screenshots / "team-my-hours.png", full_page=True)

    take_session(page, live_server, people.manager)
    page.goto(reverse("team:list"))
    waiting = page.get_by_test_id("time-off-waiting")
    expect(waiting).to_contain_text("Sam Okafor")
    expect(waiting).to_contain_text("Pigment course")
    page.screenshot(path=screenshots / "team-list.png", full_page=True)
    waiting.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Time off approved for Sam Okafor")).to_be_visible()
    expect(page.get_by_test_id("time-off-waiting")).to_have_count(0)
    assert TimeOff.objects.get(artist=people.artist).status == TimeOffStatus.APPROVED
    assert not violations, "\n".join(violations)


def test_the_team_pages_meet_wcag_aa(page, live_server, open_clinic, screenshots):
    people = open_clinic
    take_session(page, live_server, people.manager)
    problems = []
    for path in (
        reverse("team:list"),
        reverse("team:invite"),
        reverse("team:member", args=[people.artist.pk]),
        reverse("staff_hours:member_hours", args=[people.artist.pk]),
        reverse("staff_hours:my_hours"),
    ):
        problems += problems_on(page, path)
    page.set_viewport_size({"width": 1280, "height": 860})
    for name, path in (
        ("member", reverse("team:member", args=[people.artist.pk])),
        ("member-hours", reverse("staff_hours:member_hours", args=[people.artist.pk])),
    ):
        page.goto(path)
        page.screenshot(path=screenshots / f"team-{name}.png", full_page=True)
    page.context.clear_cookies()
    problems += problems_on(page, reverse("accounts:welcome", args=["MQ", "spent-link"]))
    assert not problems, "\n".join(problems)


def test_a_spanish_speaking_manager_invites_in_spanish_and_the_email_keeps_the_clinics_language(
    page, live_server, open_clinic, settings, screenshots
):
    people = open_clinic
    settings.SITE_URL = live_server.url
    people.manager.language = "es"
    people.manager.save(update_fields=["language"])
    take_session(page, live_server, people.manager)
    problems = []
    for path in (
        reverse("team:list"),
        reverse("team:invite"),
        reverse("team:member", args=[people.artist.pk]),
        reverse("staff_hours:member_hours", args=[people.artist.pk]),
    ):
        problems += problems_on(page, path)
    assert not problems, "\n".join(problems)

    page.set_viewport_size({"width": 1280, "height": 860})
    page.goto(reverse("team:list"))
    expect(page.get_by_role("heading", name="Equipo", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("link", name="Invitar a alguien").click()
    page.get_by_label("Nombre").fill("Priya")
    page.get_by_label("Apellidos").fill("Shah")
    page.get_by_label("Correo electrónico").fill("priya@clinic.test")
    page.get_by_label("Artista de SMP").check()
    page.screenshot(path=screenshots / "team-invite-es.png", full_page=True)
    page.get_by_role("button", name="Enviar la invitación").click()
    expect(page.get_by_text("Invitación enviada a priya@clinic.test")).to_be_visible()
    expect(page.locator(".badge", has_text="Invitada")).to_be_visible()

    # The newcomer's email is in the clinic's language, not the sender's.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Welcome to SMP Clinic: choose your password"
    assert "as SMP artist." in mail.outbox[0].body
    assert re.search(r"The link works for \d+ (day|hour|minute)", mail.outbox[0].body)
