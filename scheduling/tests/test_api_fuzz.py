"""Whatever arrives, the API answers with a 4xx or a success, never a server error."""

import json
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.clock import YEAR

from .api_fixtures import iso, make_clinic, use_throttle_rates

pytestmark = pytest.mark.django_db
URL = "/api/v1/bookings/"
FUZZ = settings(
    max_examples=100,
    deadline=None,
    database=None,  # nothing written into the working tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=60),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=12,
)
# Values that look nearly right find more than random noise does.
near_times = st.sampled_from(
    [
        f"{YEAR}-03-01T09:00:00+00:00",
        f"{YEAR}-03-01T09:00:00",
        f"{YEAR}-03-01",
        f"{YEAR}-03-01T09:00:00Z",
        f"{YEAR}-13-01T09:00:00+00:00",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-12:00",
        f"{YEAR}-03-01T09:00:00+99:00",
        "",
    ]
)
near_ids = st.sampled_from([0, -1, 1, 2, 3, 2**31, 2**63, 2**64, "1", "x", 1.0, True, None])


@st.composite
def booking_bodies(draw, start):
    client = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "first_name": json_values,
                "last_name": json_values,
                "email": st.one_of(st.emails(), json_values),
                "phone": st.one_of(st.sampled_from(["07911 123456", "+44", "0"]), json_values),
                "extra": json_values,
            },
        )
    )
    return draw(
        st.fixed_dictionaries(
            {},
            optional={
                "type": st.one_of(
                    st.sampled_from(["consultation", "treatment-session", "CONSULTATION"]),
                    json_values,
                ),
                "start": st.one_of(st.just(start), near_times, json_values),
                "artist": st.one_of(near_ids, json_values),
                "client": st.one_of(st.just(client), json_values),
                "note": json_values,
                "unexpected": json_values,
            },
        )
    )


@pytest.fixture
def clinic(people, settings):
    use_throttle_rates(settings)
    return make_clinic(people)


def test_random_json_bodies_never_cause_a_server_error(client, clinic):
    start = iso(clinic.day, "10:00")

    @FUZZ
    @given(body=st.one_of(booking_bodies(start), json_values))
    def post_it(body):
        response = client.post(URL, json.dumps(body), content_type="application/json")
        assert response.status_code in (201, 400, 409), (body, response.content)
        assert isinstance(response.json(), dict)

    post_it()


def test_random_bytes_never_cause_a_server_error(client, clinic):
    @FUZZ
    @given(raw=st.binary(max_size=200), content_type=st.sampled_from(["application/json", ""]))
    def post_it(raw, content_type):
        response = client.post(URL, raw, content_type=content_type)
        assert response.status_code in (400, 415), (raw, response.content)

    post_it()


query_text = st.text(alphabet=string.printable + "é€\x00", max_size=30)


def test_random_query_strings_never_cause_a_server_error(client, as_user, clinic):
    staff_client = as_user(clinic.people.front_desk)
    anonymous = type(client)()  # a second browser, never signed in

    @FUZZ
    @given(
        params=st.fixed_dictionaries(
            {},
            optional={
                "type": st.one_of(
                    st.sampled_from(["consultation", "treatment-session", "video-consultation"]),
                    query_text,
                ),
                "start": st.one_of(
                    st.dates().map(lambda day: day.isoformat()),
                    st.just(clinic.day.isoformat()),
                    query_text,
                ),
                "days": st.one_of(st.integers(-5, 100).map(str), query_text),
                "artist": st.one_of(near_ids.map(str), query_text),
                "end": query_text,
            },
        ),
        staff=st.booleans(),
    )
    def get_it(params, staff):
        caller = staff_client if staff else anonymous
        response = caller.get("/api/v1/availability/", params)
        assert response.status_code in (200, 400), (params, response.content)
        diary = staff_client.get("/api/v1/appointments/", params)
        assert diary.status_code in (200, 400), (params, diary.content)

    get_it()
