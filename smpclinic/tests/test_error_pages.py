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
