"""Pages carry the Content-Security-Policy: only the app's own scripts and styles run."""

import pytest
from django.urls import reverse

from smpclinic.tests import test_permission_sweep as sweep

clinic = sweep.clinic


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_strict_policy(response):
    assert "Content-Security-Policy" in response, "no Content-Security-Policy header"
    policy = directives(response)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    # blob: for the preview of a photo picked on the device (it never leaves the browser).
    assert policy["img-src"] == ["'self'", "data:", "blob:"]
    assert policy["font-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize(
    "who, page",
    [
        ("front_desk", lambda c: reverse("home")),
        ("front_desk", lambda c: reverse("scheduling:day", kwargs={"day": c.day})),
        ("front_desk", lambda c: reverse("clients:detail", kwargs={"pk": c.client.pk})),
        ("artist", lambda c: reverse("sessions_app:plan_detail", kwargs={"pk": c.plan.pk})),
        (None, lambda c: reverse("booking:start")),
        (None, lambda c: reverse("booking:times", kwargs={"type_slug": "consultation"})),
        ("manager", lambda c: reverse("admin:index")),
        ("manager", lambda c: reverse("admin:scheduling_room_change", args=[c.room.pk])),
    ],
)
def test_pages_carry_the_strict_policy(clinic, client, who, page):
    if who:
        client.force_login(getattr(clinic.people, who))
    response = client.get(page(clinic))
    assert response.status_code == 200
    assert_strict_policy(response)
    # The pages really use their own static files, which the policy allows.
    assert b'<link rel="stylesheet" href="/static/' in response.content


def test_error_pages_and_redirects_carry_it_too(clinic, client):
    not_found = client.get("/no-such-page/")
    assert not_found.status_code == 404
    assert_strict_policy(not_found)
    to_login = client.get(reverse("clients:list"))
    assert to_login.status_code == 302
    assert_strict_policy(to_login)
