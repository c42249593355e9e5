"""The manager edits the aftercare wording; the shipped defaults say what they are."""

import pytest
from django.urls import reverse

from aftercare.models import AftercareInstruction

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:aftercare_aftercareinstruction_changelist")
ADD = reverse("admin:aftercare_aftercareinstruction_add")


def form(**values):
    data = {
        "day_from": 2,
        "day_to": 5,
        "title": "Pillowcase",
        "body": "Change it every night.",
        "position": 0,
        # The wording in other languages, none given (the page's inline form).
        "translations-TOTAL_FORMS": 0,
        "translations-INITIAL_FORMS": 0,
    }
    data.update(values)
    return data


def test_the_shipped_defaults_cover_the_healing_weeks_and_say_they_are_the_clinics_to_edit():
    rows = list(AftercareInstruction.objects.all())
    assert len(rows) == 8
    assert all(row.is_shipped_default for row in rows)
    assert all("not medical advice" in row.body and "edits it" in row.body for row in rows)
    messages = sorted(row.day_from for row in rows if row.send_message)
    assert messages == [0, 3, 7, 28]
    by_days = {(row.day_from, row.day_to): row.body for row in rows}
    assert "50 % darker" in by_days[(0, 0)] and "4–5 weeks" in by_days[(0, 0)]
    assert "lukewarm water" in by_days[(3, 3)]
    assert "sauna" in by_days[(0, 28)] and "hat" in by_days[(0, 28)]
    assert "electric foil" in by_days[(7, 7)]
    assert "SPF 30" in by_days[(28, 28)]
    assert "check-in" in by_days[(10, 10)]


def test_the_list_is_in_day_order_with_clear_labels(people, as_user):
    page = as_user(people.manager).get(CHANGELIST).content.decode()
    assert "Days after the session" in page
    assert page.index("Day 0<") < page.index("Days 0–3") < page.index("Day 3<")
    assert page.index("Day 7<") < page.index("Day 10<") < page.index("Day 28<")


def test_the_last_day_cannot_be_before_the_first(people, as_user):
    response = as_user(people.manager).post(ADD, form(day_from=7, day_to=3))
    assert response.status_code == 200
    assert "The last day (3) cannot be before the first day (7)." in response.content.decode()
    assert not AftercareInstruction.objects.filter(title="Pillowcase").exists()


def test_the_manager_adds_and_edits_wording(people, as_user):
    browser = as_user(people.manager)
    assert browser.post(ADD, form()).status_code == 302
    added = AftercareInstruction.objects.get(title="Pillowcase")
    assert (added.day_from, added.day_to, added.is_shipped_default) == (2, 5, False)

    day3 = AftercareInstruction.objects.get(day_from=3, day_to=3)
    change = reverse("admin:aftercare_aftercareinstruction_change", args=[day3.pk])
    browser.post(
        change, form(day_from=3, day_to=3, title="Rinse", body="Our words.", send_message="on")
    )
    day3.refresh_from_db()
    assert (day3.title, day3.body, day3.send_message) == ("Rinse", "Our words.", True)
    assert day3.is_shipped_default is False  # edited: the clinic's own wording now


def test_only_the_manager_edits_the_wording(people, as_user):
    for person in (people.artist, people.front_desk, people.client_a):
        response = as_user(person).get(CHANGELIST)
        assert response.status_code in (302, 403)
