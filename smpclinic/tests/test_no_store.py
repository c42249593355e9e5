"""Private pages are never kept by a browser or proxy cache; public pages may be."""

from django.urls import reverse

from smpclinic.tests import test_permission_sweep as sweep

clinic = sweep.clinic


def cache_directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_a_photo_is_not_stored(clinic, as_user):
    response = as_user(clinic.people.artist).get(
        reverse("photos:image", kwargs={"pk": clinic.photo.pk, "size": "web"})
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
    assert {"no-store", "private"} <= cache_directives(response)


def test_a_plan_page_is_not_stored(clinic, as_user):
    response = as_user(clinic.people.artist).get(
        reverse("sessions_app:plan_detail", kwargs={"pk": clinic.plan.pk})
    )
    assert response.status_code == 200
    assert b"Charcoal 2" in response.content
    assert {"no-store", "private"} <= cache_directives(response)


def test_the_check_in_link_page_is_not_stored_even_signed_out(clinic, client):
    response = client.get(reverse("check_in:form", kwargs={"token": clinic.tokens.check_in}))
    assert response.status_code == 200
    assert "no-store" in cache_directives(response)


def test_the_booking_manage_link_is_not_stored(clinic, client):
    response = client.get(reverse("booking:manage", kwargs={"token": clinic.tokens.manage}))
    assert response.status_code == 200
    assert {"no-store", "private"} <= cache_directives(response)


def test_a_view_that_chose_its_own_cache_control_keeps_it(clinic, as_user):
    # The client's own data page sets never_cache: its header is left alone.
    response = as_user(clinic.people.client_a).get(reverse("privacy:mine"))
    assert response.status_code == 200
    directives = cache_directives(response)
    assert "no-store" in directives and "must-revalidate" in directives


def test_the_public_booking_start_page_needs_no_no_store(clinic, client):
    response = client.get(reverse("booking:start"))
    assert response.status_code == 200
    assert "no-store" not in cache_directives(response)


def test_static_files_are_untouched(clinic, as_user):
    response = as_user(clinic.people.artist).get("/static/css/clinic.css")
    assert "no-store" not in cache_directives(response)
