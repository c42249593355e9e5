"""The JSON API under random input: always a JSON answer below 500, nothing saved on a refusal.

Bodies and query parameters get random unicode (NUL, right-to-left marks, emoji,
newlines), 10 000 character strings, wrong types (numbers for strings, lists for
scalars, objects anywhere) and missing fields; raw bodies that are not JSON at all.
"""

import json

from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import json_value, nasty_text

FUZZ = settings(
    max_examples=30,
    deadline=None,
    database=None,  # nothing written into the working tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _counts():
    from clients.models import Client
    from scheduling.models import Appointment

    return Appointment.objects.count(), Client.objects.count()


def _maybe(valid, fuzz=json_value):
    """The valid value, a fuzzed one, or (via fixed_dictionaries' optional) none."""
    return st.one_of(st.just(valid), fuzz, nasty_text)


@st.composite
def booking_bodies(draw, clinic):
    person = draw(
        st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "first_name": _maybe("Lena"),
                    "last_name": _maybe("Fischer"),
                    "email": _maybe("lena@example.com"),
                    "phone": _maybe("07911 222333"),
                    "nickname": json_value,
                },
            ),
            json_value,
        )
    )
    start = clinic.free_start.replace("Z", "+00:00")
    return draw(
        st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "type": _maybe("consultation"),
                    "start": _maybe(start),
                    "artist": _maybe(clinic.people.artist.pk),
                    "client": st.just(person),
                    "note": _maybe(""),
                    "unexpected": json_value,
                },
            ),
            json_value,
        )
    )


def _check_refusal(response, before):
    assert response.status_code < 500
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    if response.status_code != 201:
        assert _counts() == before, "a refused booking saved something"


@FUZZ
@given(data=st.data())
def test_bookings_json_bodies(clinic, client, data):
    cache.clear()  # the per-address booking limit is not under test here
    body = data.draw(booking_bodies(clinic))
    signed_in = data.draw(st.booleans())
    client.logout()
    if signed_in:
        client.force_login(clinic.people.front_desk)
    before = _counts()
    response = client.post(
        reverse("api:bookings"), json.dumps(body), content_type="application/json"
    )
    _check_refusal(response, before)


raw_bodies = st.one_of(
    st.binary(max_size=300),
    nasty_text.map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.sampled_from(
        [b"", b"{", b"null", b"[]", b'{"type": "consultation"', b'{"a": 1e999}', b"\x00\x00"]
    ),
)


@FUZZ
@given(
    body=raw_bodies,
    content_type=st.sampled_from(
        ["application/json", "text/plain", "application/x-www-form-urlencoded"]
    ),
)
def test_bookings_raw_bodies(clinic, client, body, content_type):
    cache.clear()
    before = _counts()
    response = client.post(reverse("api:bookings"), body, content_type=content_type)
    _check_refusal(response, before)


def _params(draw, valid: dict) -> dict:
    params = {}
    for name, value in valid.items():
        choice = draw(st.sampled_from(["valid", "fuzz", "fuzz", "missing", "list"]))
        if choice == "valid":
            params[name] = value
        elif choice == "fuzz":
            params[name] = draw(st.one_of(nasty_text, st.integers().map(str)))
        elif choice == "list":
            params[name] = [value, draw(nasty_text)]
    if draw(st.booleans()):
        params[draw(st.text(min_size=1, max_size=10))] = draw(nasty_text)
    return params


def _no_nul_in_names(params: dict) -> dict:
    # A NUL in a query string reaches the view as text; the test client cannot encode one
    # in a parameter name on every Python, so names stay printable.
    return {name.replace("\x00", ""): value for name, value in params.items() if name}


@FUZZ
@given(data=st.data())
def test_availability_query_params(clinic, client, data):
    cache.clear()
    valid = {
        "type": "consultation",
        "start": f"{clinic.today:%Y-%m-%d}",
        "days": "3",
        "artist": str(clinic.people.artist.pk),
    }
    params = _no_nul_in_names(_params(data.draw, valid))
    response = client.get(reverse("api:availability"), params)
    assert response.status_code in {200, 400, 404, 429}, response.status_code
    assert response["Content-Type"].startswith("application/json")
    if response.status_code == 200:
        assert isinstance(response.json()["slots"], list)


@FUZZ
@given(data=st.data())
def test_appointments_query_params(clinic, client, data):
    cache.clear()
    client.force_login(clinic.people.front_desk)
    valid = {
        "start": f"{clinic.day:%Y-%m-%d}",
        "end": f"{clinic.day:%Y-%m-%d}",
        "artist": str(clinic.people.artist.pk),
    }
    params = _no_nul_in_names(_params(data.draw, valid))
    response = client.get(reverse("api:appointments"), params)
    assert response.status_code in {200, 400, 404}, response.status_code
    assert response["Content-Type"].startswith("application/json")


def test_a_valid_booking_is_accepted(clinic, client):
    """The valid values the fuzzers fall back on really book."""
    cache.clear()
    body = {
        "type": "consultation",
        "start": clinic.free_start.replace("Z", "+00:00"),
        "client": {"first_name": "Lena", "last_name": "Fischer", "email": "lena@example.com"},
    }
    response = client.post(
        reverse("api:bookings"), json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["manage_url"].startswith("http://testserver/book/manage/")
