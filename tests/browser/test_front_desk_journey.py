"""Front desk signs in, searches for a client and opens their record."""

import re

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_front_desk_finds_a_client_and_opens_the_record(page, people, screenshots):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    page.get_by_label("Email").fill("desk@clinic.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.screenshot(path=screenshots / "sign-in.png")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Good to see you, Jordan")).to_be_visible()
    page.screenshot(path=screenshots / "front-desk-home.png")

    page.get_by_label("Find a client").fill("ashby")
    page.get_by_label("Find a client").press("Enter")
    expect(page.get_by_test_id("result-count")).to_have_text("1 client matches “ashby”")
    expect(page.get_by_role("link", name="Ashby, Anna")).to_be_visible()
    expect(page.get_by_text("Barker")).to_have_count(0)
    page.screenshot(path=screenshots / "client-search.png")

    page.get_by_role("link", name="Ashby, Anna").click()
    expect(page.get_by_role("heading", name="Anna Ashby")).to_be_visible()
    expect(page.get_by_role("link", name="+44 7911 123001")).to_be_visible()
    expect(page.get_by_role("link", name="anna@clinic.test")).to_be_visible()
    page.screenshot(path=screenshots / "client-record.png", full_page=True)


def test_a_duplicate_is_refused_with_a_link_and_nothing_typed_is_lost(page, people):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("desk@clinic.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto("/clients/new/")
    page.get_by_label("First name").fill("Annie")
    page.get_by_label("Last name").fill("Ashby")
    page.get_by_label("Email").fill("anna@clinic.test")
    page.get_by_label("Notes").fill("Walked in on Saturday.")
    page.get_by_role("button", name="Create client").click()

    expect(page.get_by_text("Another client already has this email address")).to_be_visible()
    expect(page.get_by_label("First name")).to_have_value("Annie")
    expect(page.get_by_label("Notes")).to_have_value("Walked in on Saturday.")
    page.get_by_role("link", name="Anna Ashby").click()
    expect(page.get_by_role("heading", name="Anna Ashby")).to_be_visible()
