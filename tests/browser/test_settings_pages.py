"""The manager's settings pages in a browser: each meets WCAG 2.2 AA at a desktop and a
phone width (axe-core), and a screenshot of each at 1280 px is kept to be looked at."""

import pytest
from django.urls import reverse

from scheduling.models import ClosedDay
from scheduling.setup import public_holidays_close
from tests.browser.conftest import take_session
from tests.browser.test_accessibility import problems_on

pytestmark = pytest.mark.django_db(transaction=True)


def test_settings_pages_meet_wcag_aa(page, live_server, whole_clinic, screenshots):
    clinic = whole_clinic
    public_holidays_close(clinic.day.year, "ENG")
    ClosedDay.objects.get_or_create(
        date=clinic.day.replace(day=28), defaults={"reason": "Training"}
    )
    take_session(page, live_server, clinic.people.manager)
    pages = {
        "index": reverse("clinic_settings:index"),
        "clinic": reverse("clinic_settings:clinic"),
        "hours": reverse("clinic_settings:hours"),
        "rooms": reverse("clinic_settings:rooms"),
        "room": reverse("clinic_settings:room", args=[clinic.room.pk]),
        "services": reverse("clinic_settings:services"),
        "service": reverse("clinic_settings:service", args=[clinic.appointment.type_id]),
        "rules": reverse("clinic_settings:rules"),
        "changes": reverse("clinic_settings:changes"),
    }
    problems = []
    for name, path in pages.items():
        problems += problems_on(page, path)
        page.set_viewport_size({"width": 1280, "height": 860})
        page.goto(path)
        page.screenshot(path=screenshots / f"settings-{name}-1280.png", full_page=True)
    assert not problems, "\n".join(problems)
