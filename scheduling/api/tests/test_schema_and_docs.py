"""/api/schema/ is valid OpenAPI 3; /api/docs/ lists the API without loading anything from a CDN."""

import json
import re

import pytest
import yaml
from django.test import Client as Browser
from drf_spectacular.validation import validate_schema

from clients.models import Client
from scheduling.models import Appointment
from scheduling.tests.api_fixtures import use_throttle_rates

pytestmark = pytest.mark.django_db


def test_the_schema_is_valid_openapi_3_with_every_endpoint(client):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)  # raises on anything OpenAPI 3.0 does not allow
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "SMP Clinic API"
    assert set(schema["paths"]) == {
        "/api/v1/availability/",
        "/api/v1/bookings/",
        "/api/v1/appointments/",
    }
    availability = schema["paths"]["/api/v1/availability/"]["get"]
    assert {p["name"] for p in availability["parameters"]} == {"type", "start", "days", "artist"}
    booking = schema["paths"]["/api/v1/bookings/"]["post"]
    assert {"201", "400", "409", "429"} <= set(booking["responses"])
    request_body = booking["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    booking_request = schema["components"]["schemas"][request_body.rsplit("/", 1)[-1]]
    assert set(booking_request["required"]) == {"type", "start", "client"}
    diary = schema["paths"]["/api/v1/appointments/"]["get"]
    assert {"tokenAuth": []} in diary["security"]
    assert {} not in diary["security"]  # no anonymous access


def test_the_schema_is_also_served_as_json(client):
    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    assert json.loads(response.content)["openapi"].startswith("3.")


def test_the_docs_page_links_the_schema_and_endpoints_from_local_files_only(client):
    response = client.get("/api/docs/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>SMP Clinic API</h1>" in page
    assert "Free times and bookings for the public" in page
    for path in ("/api/schema/", "/api/v1/availability/", "/api/v1/bookings/"):
        assert f"http://testserver{path}" in page
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert sources
    assert all(source.startswith("/static/") for source in sources), sources


def test_the_docs_index_answers_json_to_programs(client):
    response = client.get("/api/docs/", HTTP_ACCEPT="application/json")

    assert response.json() == {
        "schema": "http://testserver/api/schema/",
        "endpoints": {
            "availability": "http://testserver/api/v1/availability/",
            "bookings": "http://testserver/api/v1/bookings/",
            "appointments": "http://testserver/api/v1/appointments/",
        },
    }


# --- answers DRF gives before a view runs: 415 and 429 -----------------------------------


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def error_body_of(schema, response) -> set[str]:
    ref = response["content"]["application/json"]["schema"]["$ref"]
    return set(schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"])


def test_every_endpoint_documents_the_rate_limit_answer_and_when_to_retry(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)

    for path, method, operation in operations(schema):
        throttled = operation["responses"].get("429")
        assert throttled, f"{method.upper()} {path} does not list 429"
        assert "Retry-After" in throttled["headers"]
        assert error_body_of(schema, throttled) == {"detail"}


def test_the_booking_endpoint_documents_that_it_takes_json_only(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)

    booking = schema["paths"]["/api/v1/bookings/"]["post"]
    assert set(booking["requestBody"]["content"]) == {"application/json"}
    assert "application/json" in booking["responses"]["415"]["description"]
    assert error_body_of(schema, booking["responses"]["415"]) == {"detail"}
    # Reading endpoints take no body, so they never answer 415.
    for path in ("/api/v1/availability/", "/api/v1/appointments/"):
        assert "415" not in schema["paths"][path]["get"]["responses"]


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("application/x-www-form-urlencoded", "type=consultation&artist=3"),
        ("multipart/form-data; boundary=xyz", '--xyz\r\nContent-Disposition: form-data; name="a"'),
        ("text/plain", '{"type": "consultation"}'),
        ("application/xml", "<booking><type>consultation</type></booking>"),
    ],
)
def test_the_booking_endpoint_answers_415_to_a_body_that_is_not_json(
    client, people, settings, content_type, body
):
    use_throttle_rates(settings)
    before = Appointment.objects.count(), Client.objects.count()

    response = client.post("/api/v1/bookings/", body, content_type=content_type)

    assert response.status_code == 415
    assert response.json() == {"detail": f'Unsupported media type "{content_type}" in request.'}
    assert (Appointment.objects.count(), Client.objects.count()) == before


def test_every_documented_429_is_answered_with_when_to_retry(client, as_user, people, settings):
    use_throttle_rates(settings, anon="1/hour", bookings="1/hour", user="1/hour")
    schema = yaml.safe_load(client.get("/api/schema/").content)
    anyone = Browser()
    staff = as_user(people.front_desk)
    callers = {
        # Anyone: limited per address (each from its own, so each has its allowance).
        "/api/v1/availability/": lambda: anyone.get(
            "/api/v1/availability/", REMOTE_ADDR="192.0.2.1"
        ),
        "/api/v1/bookings/": lambda: anyone.post(
            "/api/v1/bookings/", "{}", content_type="application/json", REMOTE_ADDR="192.0.2.2"
        ),
        # Staff only: limited per person.
        "/api/v1/appointments/": lambda: staff.get("/api/v1/appointments/"),
    }
    assert set(callers) == {path for path, _, _ in operations(schema)}

    for path, call in callers.items():
        assert call().status_code == 400  # counted, though refused
        refused = call()
        assert refused.status_code == 429, path
        assert refused.json()["detail"].startswith("Request was throttled.")
        assert int(refused["Retry-After"]) > 0
