"""Our scripts' texts in the reader's language: the JavaScript catalogue per language."""

import re

import pytest
from django.urls import reverse

from smpclinic.tests import test_permission_sweep as sweep
from smpclinic.tests.test_csp_headers import assert_strict_policy

clinic = sweep.clinic
pytestmark = pytest.mark.django_db


def test_the_spanish_catalogue_is_a_script_of_our_own_cached_and_revalidated(client):
    url = reverse("javascript-catalog", args=["es"])
    assert url == "/jsi18n/es.js"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    script = response.content.decode()
    assert "Moverla con este motivo" in script and "hasta las %(time)s" in script
    assert "django.gettext" in script and "django.interpolate" in script
    # The same copy for everyone who reads Spanish: a public cache keeps it for an hour.
    assert "public" in response["Cache-Control"] and "max-age=3600" in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b""


def test_a_signed_in_reader_gets_the_same_cacheable_catalogue(clinic, client):
    client.force_login(clinic.people.front_desk)
    response = client.get(reverse("javascript-catalog", args=["es"]))
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]


def test_the_english_catalogue_has_no_spanish(client):
    script = client.get(reverse("javascript-catalog", args=["en-gb"])).content.decode()
    assert "Moverla" not in script


@pytest.mark.parametrize("code", ["xx", "en", "ES-es", "../es"])
def test_an_unknown_language_is_not_found_not_an_error(client, code):
    assert client.get(f"/jsi18n/{code}.js").status_code == 404


def test_only_get_and_head(client):
    assert client.post("/jsi18n/es.js").status_code == 405


def test_a_spanish_front_desk_gets_the_week_with_its_scripts_texts_in_spanish(clinic, client):
    desk = clinic.people.front_desk
    desk.language = "es"
    desk.save(update_fields=["language"])
    client.force_login(desk)
    page = client.get(reverse("scheduling:week", kwargs={"day": clinic.day}))
    assert page.status_code == 200
    assert_strict_policy(page)
    html = page.content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    catalogue = scripts.index("/jsi18n/es.js")
    assert any("week-grid" in s for s in scripts[catalogue + 1 :]), scripts
    assert client.get(scripts[catalogue]).status_code == 200
