"""Headless Chromium (Debian's) driven by Playwright against the live test server."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.clock import weekday_ahead

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make between page actions are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


BROWSER_TESTS = Path(__file__).parent


def pytest_collection_modifyitems(items):
    # The hook sees the whole session's items: mark only the tests in this folder.
    for item in items:
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def screenshots() -> Path:
    folder = Path(settings.VAR_DIR) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 860})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def bookable_weekday() -> dt.date:
    """A weekday far enough ahead for online booking's notice."""
    return weekday_ahead(3)


@pytest.fixture
def open_clinic(people):
    """The clinic's defaults, one artist working Mon–Sat 09–18 and a room.

    Transactional tests that ran before empty every table, including what the
    migrations wrote (appointment types, opening hours, booking rules).
    """
    from django.core.cache import cache

    from scheduling.models import ArtistHours, Room
    from scheduling.tests.diary_fixtures import clinic_defaults

    clinic_defaults()
    ArtistHours.objects.bulk_create(
        ArtistHours(artist=people.artist, weekday=day, starts=dt.time(9), ends=dt.time(18))
        for day in range(6)
    )
    Room.objects.create(name="Treatment room 1")
    cache.clear()
    yield people
    cache.clear()


def sign_in(page, email: str) -> None:
    """Sign in through the real form, as a person would (the test password)."""
    from conftest import PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def whole_clinic(people, settings):
    """A working clinic where Anna owns one of everything (the permission sweep's)."""
    # Live-server tests before this one may have emptied the role groups' permissions,
    # which the admin checks; put them back.
    from django.apps import apps

    from accounts.roles import ensure_groups_and_permissions
    from smpclinic.tests.sweep_fixtures import build_clinic

    ensure_groups_and_permissions(apps)
    return build_clinic(people, settings)


def take_session(page, live_server, user):
    """The browser takes over a signed-in session (the sign-in form has its own tests)."""
    from django.test import Client

    browser_like = Client()
    browser_like.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": browser_like.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def public_pages(clinic) -> list[str]:
    """The pages a visitor or a client opens without signing in: online booking and the
    private links of emails."""
    from django.urls import reverse

    return [
        reverse("booking:start"),
        reverse("booking:times", kwargs={"type_slug": "consultation"}),
        reverse(
            "booking:details", kwargs={"type_slug": "consultation", "start": clinic.free_start}
        ),
        reverse("booking:manage", kwargs={"token": clinic.tokens.manage}),
        reverse("check_in:form", kwargs={"token": clinic.tokens.check_in}),
        reverse("consultation_forms:overview", kwargs={"token": clinic.tokens.forms}),
        reverse("consultation_forms:questionnaire", kwargs={"token": clinic.tokens.forms}),
    ]
