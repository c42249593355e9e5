"""WCAG 2.2 AA on the main pages, checked with axe-core in the browser.

Each page is opened as the person who uses it, at a desktop and a phone width, and
axe-core (the engine browsers' own accessibility tools use) checks it against the
WCAG 2.0, 2.1 and 2.2 A and AA rules. No serious or critical violation may remain;
each one found is listed with the elements it was found on.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from sessions_app.models import RegionHealing
from tests.browser.conftest import public_pages, take_session

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}
# Checked whatever axe-core rates it: names that differ from what is shown.
ALWAYS = {"label-content-name-mismatch"}
WIDTHS = ({"width": 1280, "height": 860}, {"width": 390, "height": 844})


def problems_on(page, path: str) -> list[str]:
    """The serious and critical WCAG A/AA violations axe-core finds on one page."""
    problems = []
    for size in WIDTHS:
        page.set_viewport_size(size)
        response = page.goto(path)
        assert response is not None and response.status < 400, f"{path}: {response.status}"
        page.wait_for_load_state("load")
        results = Axe().run(
            page,
            options={
                "runOnly": {"type": "tag", "values": WCAG_AA},
                # WCAG 2.5.3: a control's accessible name contains its visible words.
                "rules": {"label-content-name-mismatch": {"enabled": True}},
                "resultTypes": [],
            },
        )
        for violation in results.response["violations"]:
            if violation["impact"] not in BLOCKING and violation["id"] not in ALWAYS:
                continue
            where = "; ".join(
                " ".join(node["target"]) + f" ({node.get('failureSummary', '').splitlines()[-1]})"
                for node in violation["nodes"][:4]
            )
            problems.append(
                f"{path} at {size['width']}px: {violation['id']} ({violation['impact']}): "
                f"{violation['help']} — {where}"
            )
    return problems


def test_staff_pages_meet_wcag_aa(page, live_server, whole_clinic):
    clinic = whole_clinic
    # Healing judged this month, so the outcomes page draws its chart.
    RegionHealing.objects.create(
        session=clinic.sessions[1], region="crown", status="faded", assessed_by=clinic.people.artist
    )
    take_session(page, live_server, clinic.people.manager)
    pages = [
        "/",
        reverse("scheduling:day", kwargs={"day": clinic.day}),
        reverse("scheduling:day", kwargs={"day": clinic.day}) + "?by=room",
        reverse("scheduling:week", kwargs={"day": clinic.day}),
        reverse("scheduling:week", kwargs={"day": clinic.day}) + "?by=room",
        reverse("day_sheet", kwargs={"day": clinic.day}),
        reverse("scheduling:book"),
        reverse("scheduling:appointment_detail", kwargs={"pk": clinic.appointment.pk}),
        reverse("clients:list"),
        reverse("clients:detail", kwargs={"pk": clinic.client.pk}),
        reverse("consultations:list"),
        reverse("consultations:detail", kwargs={"pk": clinic.consultation.pk}),
        reverse("sessions_app:plan_detail", kwargs={"pk": clinic.plan.pk}),
        reverse("sessions_app:session_log", kwargs={"pk": clinic.sessions[1].pk}),
        reverse("progress:plan", kwargs={"plan_pk": clinic.plan.pk}),
        reverse("photos:upload", kwargs={"client_pk": clinic.client.pk}),
        reverse("aftercare:queue"),
        reverse("reminders:list"),
        reverse("reports:report"),
        reverse("reports:utilisation"),
        reverse("reports:outcomes"),
        reverse("reports:money"),
        reverse("waitlist:list"),
        reverse("waitlist:freed", kwargs={"pk": clinic.freed.pk}),
        reverse("waitlist:add", kwargs={"client_pk": clinic.client.pk}),
        reverse("billing:account", kwargs={"client_pk": clinic.client.pk}),
        reverse("billing_takings:takings"),
        reverse("billing_settings:prices"),
        reverse("billing_settings:policy"),
    ]
    problems = [problem for path in pages for problem in problems_on(page, path)]
    # The front desk's and the artist's own home pages.
    for person in (clinic.people.front_desk, clinic.people.artist):
        take_session(page, live_server, person)
        problems += problems_on(page, "/")
    assert not problems, "\n".join(problems)


def test_public_and_client_pages_meet_wcag_aa(page, live_server, whole_clinic):
    clinic = whole_clinic
    pages = [
        reverse("accounts:login"),
        *public_pages(clinic),
        reverse("waitlist_join:join", args=["consultation"]),
    ]
    problems = [problem for path in pages for problem in problems_on(page, path)]
    take_session(page, live_server, clinic.people.client_a)
    for path in (
        reverse("portal:home"),
        reverse("portal:appointments"),
        reverse("portal:aftercare"),
        reverse("portal:check_ins"),
        reverse("portal:forms"),
        reverse("portal:payments"),
        reverse("portal:waitlist"),
        reverse("billing_online:pay_deposit", kwargs={"token": clinic.tokens.pay}),
        reverse("waitlist_offer:claim", kwargs={"token": clinic.tokens.offer}),
    ):
        problems += problems_on(page, path)
    assert not problems, "\n".join(problems)
