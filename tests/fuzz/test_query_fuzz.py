"""Search boxes and private links under random text: never a server error.

A NUL in a query string or an address used to reach PostgreSQL (client search, the
artist's calendar feed) and fail there; it is now a 400 before any view runs.
"""

from urllib.parse import quote

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import nasty_text

FUZZ = settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SEARCH_PAGES = ["clients:list", "scheduling:client_picker", "reminders:list", "consultations:list"]


@FUZZ
@given(text=nasty_text, page=st.sampled_from(SEARCH_PAGES))
def test_search_boxes_take_any_text(clinic, client, text, page):
    client.force_login(clinic.people.front_desk)
    response = client.get(reverse(page), {"q": text, "page": text})
    if "\x00" in text:
        assert response.status_code == 400
    else:
        assert response.status_code == 200


@FUZZ
@given(token=nasty_text.filter(lambda text: text.strip("/") != ""))
def test_private_links_take_any_token(clinic, client, token):
    for prefix in ["/check-in/", "/book/manage/", "/reminders/confirm/", "/consultation-forms/"]:
        response = client.get(f"{prefix}{quote(token, safe='')}/")
        assert response.status_code in {400, 404}, (prefix, response.status_code)
    response = client.get(f"/ics/feeds/{quote(token, safe='')}.ics")
    assert response.status_code in {400, 404}


@pytest.mark.parametrize(
    "address",
    ["/clients/?q=a%00b", "/diary/book/clients/?q=%00", "/ics/feeds/%00.ics", "/book/%00/"],
)
def test_a_nul_in_the_address_is_a_bad_request(clinic, client, address):
    client.force_login(clinic.people.front_desk)
    response = client.get(address)
    assert response.status_code == 400
    assert b"not allowed" in response.content


def test_the_api_says_so_in_json(clinic, client):
    response = client.get(reverse("api:availability"), {"type": "consultation\x00"})
    assert response.status_code == 400
    assert response.json() == {"detail": "This address holds a character that is not allowed."}


def test_the_same_search_without_the_nul_finds_the_client(clinic, client):
    client.force_login(clinic.people.front_desk)
    response = client.get(reverse("clients:list"), {"q": "ashby"})
    assert response.status_code == 200
    assert b"Anna" in response.content
