"""Whatever is typed into the team pages' forms, the answer is a page, never a server
error, and a refused post saves nothing (see test_forms_fuzz.py for the approach)."""

from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from .conftest import form_posts
from .test_forms_fuzz import FUZZ, _open, _post_and_check


def _hours(clinic):
    from scheduling.models import AppointmentType, ArtistHours, TimeOff

    not_offered = AppointmentType.not_offered_by.through.objects
    return lambda: (
        sorted(ArtistHours.objects.values_list("artist_id", "weekday", "starts", "ends")),
        sorted(TimeOff.objects.values_list("artist_id", "starts_at", "ends_at", "status")),
        sorted(not_offered.values_list("appointmenttype_id", "user_id")),
    )


@FUZZ
@given(data=st.data())
def test_invite_form(clinic, client, data):
    from accounts.models import User

    url = reverse("team:invite")
    names = _open(client, clinic, "manager", url)
    valid = {"first_name": "Priya", "last_name": "Shah", "email": "priya@example.com"}
    post = data.draw(form_posts(names, valid))
    response = _post_and_check(
        client, url, post, lambda: sorted(User.objects.values_list("email", flat=True))
    )
    if response.status_code == 302:
        User.objects.filter(invited_at__isnull=False).delete()


@FUZZ
@given(data=st.data())
def test_member_hours_forms(clinic, client, data):
    url = reverse("staff_hours:member_hours", args=[clinic.people.artist.pk])
    names = _open(client, clinic, "manager", url)
    post = data.draw(form_posts(names, {"section": "hours"}))
    _post_and_check(client, url, post, _hours(clinic))


@FUZZ
@given(data=st.data())
def test_my_hours_form(clinic, client, data):
    url = reverse("staff_hours:my_hours")
    names = _open(client, clinic, "artist", url)
    post = data.draw(form_posts(names, {"kind": "holiday"}))
    _post_and_check(client, url, post, _hours(clinic))


@FUZZ
@given(data=st.data())
def test_role_form(clinic, client, data):
    url = reverse("team:role", args=[clinic.people.artist.pk])
    _open(client, clinic, "manager", reverse("team:member", args=[clinic.people.artist.pk]))
    post = data.draw(form_posts(["role"], {}))
    before = clinic.people.artist.role
    response = client.post(url, post)
    assert response.status_code < 500
    clinic.people.artist.refresh_from_db()
    if response.status_code != 302:
        assert clinic.people.artist.role == before
