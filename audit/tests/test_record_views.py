"""Staff opening a health record leaves one RecordView; clients and thumbnails do not."""

import pytest
from django.urls import reverse

from audit.models import RecordView
from audit.services import record_view

pytestmark = pytest.mark.django_db


def _only_view():
    views = list(RecordView.objects.all())
    assert len(views) == 1, views
    return views[0]


def test_opening_a_consultation_is_recorded(consult, as_user):
    response = as_user(consult.people.artist).get(
        reverse("consultations:detail", args=[consult.consultation.pk]), REMOTE_ADDR="192.0.2.10"
    )
    assert response.status_code == 200
    view = _only_view()
    assert view.user == consult.people.artist
    assert view.ip == "192.0.2.10"
    assert view.client == consult.people.record_a
    assert (view.what, view.object_id) == ("consultation", consult.consultation.pk)
    assert view.path == reverse("consultations:detail", args=[consult.consultation.pk])


def test_opening_a_photo_is_recorded_but_not_its_thumbnail(people, as_user, make_photo):
    photo = make_photo()
    browser = as_user(people.front_desk)
    assert browser.get(reverse("photos:image", args=[photo.pk, "thumb"])).status_code == 200
    assert not RecordView.objects.exists()
    assert browser.get(reverse("photos:image", args=[photo.pk, "web"])).status_code == 200
    view = _only_view()
    assert (view.user, view.client, view.what, view.object_id) == (
        people.front_desk,
        people.record_a,
        "photo",
        photo.pk,
    )


def test_opening_a_plan_is_recorded(treatment, as_user):
    response = as_user(treatment.artist).get(treatment.plan.get_absolute_url())
    assert response.status_code == 200
    view = _only_view()
    assert (view.user, view.client, view.what, view.object_id) == (
        treatment.artist,
        treatment.client,
        "treatment plan",
        treatment.plan.pk,
    )


def test_a_client_seeing_their_own_photo_is_not_a_clinic_view(people, as_user, make_photo):
    photo = make_photo(shared=True)
    response = as_user(people.client_a).get(reverse("photos:image", args=[photo.pk, "web"]))
    assert response.status_code == 200
    assert not RecordView.objects.exists()


def test_nothing_is_recorded_for_a_page_that_is_refused(people, as_user, make_photo):
    photo = make_photo(client=people.record_a)
    response = as_user(people.client_b).get(reverse("photos:image", args=[photo.pk, "web"]))
    assert response.status_code == 404
    assert not RecordView.objects.exists()


def test_a_form_submission_is_a_change_not_a_view(people, rf):
    request = rf.post("/clients/1/")
    request.user = people.artist
    record_view(request, what="client record", obj=people.record_a, client=people.record_a)
    assert not RecordView.objects.exists()


def test_record_view_is_a_single_insert(people, rf, django_assert_num_queries):
    request = rf.get("/clients/1/", REMOTE_ADDR="192.0.2.1")
    request.user = people.artist
    with django_assert_num_queries(1):
        record_view(request, what="client record", client=people.record_a.pk)
    assert _only_view().client_id == people.record_a.pk


def test_the_view_stays_when_the_client_record_goes(people, rf):
    from clients.services import client_create

    record = client_create(
        first_name="Cara", last_name="Doe", email="cara@example.com", created_by=people.front_desk
    )
    request = rf.get("/clients/x/")
    request.user = people.manager
    record_view(request, what="client record", obj=record, client=record)
    record.delete()
    view = _only_view()
    assert view.client is None
    assert view.user == people.manager
