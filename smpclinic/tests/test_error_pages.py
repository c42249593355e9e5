"""With DEBUG off, a server error shows the plain error page and nothing of the cause."""

import pytest
from django.test.utils import override_settings
from django.urls import include, path

pytestmark = pytest.mark.django_db


def _broken_view(request):
    raise RuntimeError("client 42 secret-detail exploded")


urlpatterns = [path("broken/", _broken_view), path("", include("smpclinic.urls"))]


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
