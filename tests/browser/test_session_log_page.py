"""The artist logs a session on a tablet: toggles and density segments, then the plan page."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from scheduling.models import AppointmentStatus
from sessions_app import plans
from sessions_app.models import SessionLog
from sessions_app.tests.fixtures import logged_session, past_appointment
from tests.clock import MONDAY, at

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_artist_logs_a_session_on_a_tablet(page, treatment, screenshots):
    first, second, third = treatment.sessions
    logged_session(first, {"frontal_hairline": 4, "crown": 3}, focus_next_time="Crown density")
    when = (timezone.now() - dt.timedelta(hours=5)).replace(minute=0, second=0, microsecond=0)
    past_appointment(second, when=when)
    plans.healing_record(session=second, by=treatment.artist, assessments={"crown": ("patchy", "")})
    plans.session_book(session=third, starts_at=at(MONDAY, "10:00"), by=treatment.people.manager)
    plans.plan_add_extra_session(plan=treatment.plan, reason="patchy_healing", note="Crown")

    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto("/")
    page.get_by_label("Email").fill("artist@clinic.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(treatment.plan.get_absolute_url())
    expect(page.get_by_text("an extra session is likely")).to_be_visible()
    page.screenshot(path=screenshots / "plan.png", full_page=True)

    page.goto(f"/treatment/sessions/{second.pk}/log/")
    crown = page.locator("[data-region=crown]")
    # Choosing a density ticks the region as treated.
    crown.get_by_text("4", exact=True).click()
    expect(crown.locator(".region-treated")).to_be_checked()
    page.locator("[data-region=scar]").get_by_text("Scar").click()
    page.get_by_label("Pigment brand").fill("Inkredible")
    page.screenshot(path=screenshots / "session-log-tablet.png", full_page=True)
    page.get_by_role("button", name="Save the log and complete the session").click()
    # Scar ticked without a density: shown on that row, nothing saved.
    expect(page.get_by_text("Choose the density reached in scar.")).to_be_visible()
    expect(page.get_by_label("Pigment brand")).to_have_value("Inkredible")
    assert not SessionLog.objects.filter(session=second).exists()
    page.locator("[data-region=scar]").get_by_text("2", exact=True).click()
    page.get_by_role("button", name="Save the log and complete the session").click()
    expect(page.get_by_text("Session 2 logged.")).to_be_visible()
    log = SessionLog.objects.get(session=second)
    assert dict(log.regions.values_list("region", "density")) == {"crown": 4, "scar": 2}
    second.appointment.refresh_from_db()
    assert second.appointment.status == AppointmentStatus.COMPLETED
