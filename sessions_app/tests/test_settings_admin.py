"""The manager edits the one row of treatment settings in the admin."""

import pytest
from django.urls import reverse

from sessions_app.models import TreatmentSettings

pytestmark = pytest.mark.django_db


def test_the_list_opens_the_single_row_which_cannot_be_added_twice_or_deleted(people, as_user):
    browser = as_user(people.manager)
    response = browser.get(reverse("admin:sessions_app_treatmentsettings_changelist"))
    row = TreatmentSettings.objects.get()
    assert response["Location"] == reverse(
        "admin:sessions_app_treatmentsettings_change", args=[row.pk]
    )
    assert browser.get(reverse("admin:sessions_app_treatmentsettings_add")).status_code == 403
    delete = reverse("admin:sessions_app_treatmentsettings_delete", args=[row.pk])
    assert browser.post(delete, {"post": "yes"}).status_code == 403
    assert TreatmentSettings.objects.count() == 1


def test_the_manager_changes_the_gap(people, as_user):
    row = TreatmentSettings.current()
    response = as_user(people.manager).post(
        reverse("admin:sessions_app_treatmentsettings_change", args=[row.pk]),
        {
            "first_session_minutes": 240,
            "step_down_minutes": 30,
            "minimum_session_minutes": 120,
            "minimum_gap_days": 10,
        },
    )
    assert response.status_code == 302
    assert TreatmentSettings.current().minimum_gap_days == 10


def test_front_desk_cannot_open_the_settings(people, as_user):
    response = as_user(people.front_desk).get(
        reverse("admin:sessions_app_treatmentsettings_changelist")
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
