"""The manager reads a client's audit trail in a browser (and a screenshot is kept)."""

import pytest
from auditlog.context import set_actor
from playwright.sync_api import expect

from audit.models import RecordView
from conftest import PASSWORD
from sessions_app.models import TreatmentPlan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_manager_reads_a_clients_trail(page, treatment, screenshots):
    people = treatment.people
    with set_actor(people.artist, remote_addr="192.0.2.20"):
        plan = TreatmentPlan.objects.get(pk=treatment.plan.pk)
        plan.pigment = "Charcoal 3"
        plan.target_look = "Faded crop"
        plan.save()
    for who, what in ((people.front_desk, "client record"), (people.artist, "treatment plan")):
        RecordView.objects.create(
            user=who, client=treatment.client, what=what, ip="192.0.2.31", path="/x/"
        )

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/")
    page.get_by_label("Email").fill("manager@clinic.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/audit/clients/{treatment.client.pk}/")
    expect(page.get_by_role("heading", name=f"Audit trail: {treatment.client}")).to_be_visible()
    trail = page.get_by_test_id("audit-trail")
    expect(trail.get_by_text("Charcoal 3")).to_be_visible()
    expect(trail.get_by_text("192.0.2.20")).to_be_visible()
    page.screenshot(path=screenshots / "audit-client-trail.png", full_page=True)

    page.goto(f"/audit/staff/{people.artist.pk}/")
    expect(page.get_by_test_id("audit-trail").get_by_text("treatment plan").first).to_be_visible()
    page.screenshot(path=screenshots / "audit-staff-trail.png", full_page=True)
