"""The Content-Security-Policy blocks nothing the app itself needs.

Chromium reports every blocked script, style or image on the console ("Refused to
... because it violates the following Content Security Policy directive"). The main
staff pages, the online booking pages, the private links and the admin are opened
with the policy on, and no such report may appear.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import public_pages, take_session

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def clinic(whole_clinic):
    return whole_clinic


@pytest.fixture
def violations(page):
    """Console messages about the policy, collected while the test runs."""
    seen = []

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            seen.append(f"{page.url}: {text}")

    page.on("console", on_console)
    return seen


def sign_in(page, live_server, user):
    take_session(page, live_server, user)


def visit(page, path: str):
    response = page.goto(path)
    assert response is not None and response.status < 400, f"{path}: {response and response.status}"
    assert "script-src 'self'" in response.headers.get("content-security-policy", "")
    page.wait_for_load_state("load")


def assert_styled(page):
    """Bootstrap and the clinic's CSS loaded: the page is not bare HTML."""
    sheets = page.evaluate("document.styleSheets.length")
    assert sheets >= 2
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Times" not in font


def test_staff_pages_run_under_the_policy(page, live_server, clinic, violations, screenshots):
    sign_in(page, live_server, clinic.people.manager)
    pages = [
        "/",
        reverse("scheduling:day", kwargs={"day": clinic.day}),
        reverse("scheduling:week", kwargs={"day": clinic.day}),
        reverse("clients:list"),
        reverse("clients:create"),
        reverse("clients:detail", kwargs={"pk": clinic.client.pk}),
        reverse("sessions_app:plan_detail", kwargs={"pk": clinic.plan.pk}),
        reverse("sessions_app:session_log", kwargs={"pk": clinic.sessions[1].pk}),
        reverse("progress:plan", kwargs={"plan_pk": clinic.plan.pk}),
        reverse("photos:upload", kwargs={"client_pk": clinic.client.pk}),
        reverse("consultations:list"),
        reverse("consultations:detail", kwargs={"pk": clinic.consultation.pk}),
        reverse("aftercare:queue"),
        reverse("aftercare:review", kwargs={"pk": clinic.check_in.pk}),
        reverse("reminders:list"),
        reverse("sessions_app:to_chase"),
        reverse("api:docs"),
        reverse("api:appointments") + f"?start={clinic.day:%Y-%m-%d}",
    ]
    for path in pages:
        visit(page, path)
        assert_styled(page)

    # The booking page's live client search is htmx: it must not inject styles.
    visit(page, reverse("scheduling:book"))
    page.get_by_label("Find a client").fill("Ash")
    expect(page.locator("#client-results")).to_contain_text("Anna Ashby")
    page.screenshot(path=screenshots / "csp-diary-book.png", full_page=True)

    visit(page, reverse("scheduling:day", kwargs={"day": clinic.day}))
    page.screenshot(path=screenshots / "csp-diary-day.png", full_page=True)
    # Its card width comes from a class now, not a style attribute.
    visit(page, reverse("sessions_app:plan_create", kwargs={"client_pk": clinic.other_client.pk}))
    assert page.locator(".card.max-w-48").evaluate("card => getComputedStyle(card).maxWidth") == (
        "768px"
    )
    page.screenshot(path=screenshots / "csp-plan-form.png", full_page=True)
    assert not violations, "\n".join(violations)


def test_online_booking_and_private_links_run_under_the_policy(
    page, live_server, clinic, violations, screenshots
):
    pages = public_pages(clinic)
    for path in pages:
        visit(page, path)
        assert_styled(page)
    # The client's own home page, signed in.
    sign_in(page, live_server, clinic.people.client_a)
    visit(page, "/")
    assert_styled(page)
    page.screenshot(path=screenshots / "csp-client-home.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    visit(page, reverse("booking:times", kwargs={"type_slug": "consultation"}))
    page.screenshot(path=screenshots / "csp-booking-times-phone.png", full_page=True)
    assert not violations, "\n".join(violations)


def test_the_admin_runs_under_the_policy(page, live_server, clinic, violations, screenshots):
    sign_in(page, live_server, clinic.people.manager)
    for path in [
        reverse("admin:index"),
        reverse("admin:scheduling_room_changelist"),
        reverse("admin:scheduling_room_change", args=[clinic.room.pk]),
        reverse("admin:scheduling_appointmenttype_changelist"),
    ]:
        visit(page, path)
    visit(page, reverse("admin:scheduling_room_change", args=[clinic.room.pk]))
    # The change form is styled by the admin's own CSS, and its Save row is there.
    expect(page.locator("input[name=_save]")).to_be_visible()
    assert page.evaluate("document.styleSheets.length") >= 2
    page.screenshot(path=screenshots / "csp-admin-room-change.png", full_page=True)
    assert not violations, "\n".join(violations)


def test_a_blocked_inline_script_is_heard(page, live_server, clinic, violations):
    """The console listener above really hears the browser refusing inline code."""
    visit(page, reverse("booking:start"))
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "document.title = 'hijacked'";
            document.body.appendChild(script);
        }"""
    )
    page.wait_for_timeout(200)
    assert page.title() != "hijacked"
    assert any("inline script" in text for text in violations), violations


def test_the_photo_line_up_shows_the_picked_photo_under_the_policy(
    page, live_server, clinic, violations, screenshots
):
    """The preview of a photo picked on the device is a blob: image; the policy lets it
    show (it never leaves the browser)."""
    from photos.tests.fixtures import jpeg_bytes

    sign_in(page, live_server, clinic.people.manager)
    visit(page, reverse("photos:upload", kwargs={"client_pk": clinic.client.pk}))
    page.locator("[data-lineup-input]").set_input_files(
        {"name": "crown.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}
    )
    picked = page.locator("[data-lineup-picked]")
    expect(picked).to_be_visible()
    page.wait_for_function("() => document.querySelector('[data-lineup-picked]').naturalWidth > 0")
    assert picked.get_attribute("src").startswith("blob:")
    page.screenshot(path=screenshots / "csp-photo-lineup.png", full_page=True)
    assert not violations, "\n".join(violations)
