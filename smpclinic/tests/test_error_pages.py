"""With DEBUG off, a server error shows the plain error page and nothing of the cause."""

import pytest
from django.test.utils import override_settings
from django.urls import include, path

from smpclinic import urls as smpclinic_urls

pytestmark = pytest.mark.django_db


def _broken_view(request):
    raise RuntimeError("client 42 secret-detail exploded")


urlpatterns = [path("broken/", _broken_view), path("", include("smpclinic.urls"))]
# The project's own 500 handler, as its URLconf names it.
handler500 = smpclinic_urls.handler500


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_a_crash_shows_the_plain_page_without_details(client):
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "Nothing you had already saved is lost" in html
    for detail in ["RuntimeError", "secret-detail", "Traceback", "_broken_view", "settings"]:
        assert detail not in html


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_an_unknown_page_is_a_plain_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Using the URLconf" not in html and "broken/" not in html


def _database_gone(request):
    from django.db import OperationalError

    raise OperationalError("could not connect to server: Connection refused")


urlpatterns += [
    path("api/v1/broken-database/", _database_gone),
    path("api/v1/broken/", _broken_view),
]


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_the_api_answers_json_when_the_database_is_down_or_something_breaks(client):
    client.raise_request_exception = False
    down = client.get("/api/v1/broken-database/")
    assert down.status_code == 503 and down["Retry-After"] == "60"
    assert down.json()["error"] == "unavailable"
    assert "nothing was saved" in down.json()["detail"]
    broken = client.get("/api/v1/broken/")
    assert broken.status_code == 500 and broken.json()["error"] == "server_error"
    assert "secret-detail" not in broken.content.decode()


def _spanish_staff(people):
    people.front_desk.language = "es"
    people.front_desk.save(update_fields=["language"])
    return people.front_desk


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_a_spanish_reader_gets_the_error_pages_in_spanish(client, people):
    client.force_login(_spanish_staff(people))
    client.raise_request_exception = False
    crash = client.get("/broken/")
    assert crash.status_code == 500
    html = crash.content.decode()
    # Rendered without a request context, still in the reader's language.
    assert '<html lang="es">' in html
    assert "Algo ha salido mal" in html and "No se ha perdido nada" in html
    assert "Something went wrong" not in html
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert "No hay nada en esta dirección" in missing.content.decode()


def test_a_spanish_reader_is_refused_a_page_in_spanish(client, people):
    client.force_login(_spanish_staff(people))
    refused = client.get("/audit/")  # the manager's pages
    assert refused.status_code == 403
    assert "Esta página no está disponible para usted" in refused.content.decode()


def _database_busy(request):
    from django.db import OperationalError

    raise OperationalError("database is locked")


urlpatterns += [path("busy/", _database_busy), path("api/v1/busy/", _database_busy)]


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_the_busy_page_is_in_the_readers_language_and_the_api_stays_english(client, people):
    client.force_login(_spanish_staff(people))
    busy = client.get("/busy/")
    assert busy.status_code == 503 and busy["Retry-After"]
    html = busy.content.decode()
    assert '<html lang="es">' in html and "Ocupado en este momento" in html
    assert "En este momento muchas personas están usando el sistema" in html
    api = client.get("/api/v1/busy/")
    assert api.status_code == 503 and api.json()["detail"].startswith("Many people")
