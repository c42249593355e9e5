"""/api/schema/ is valid OpenAPI 3; /api/docs/ lists the API without loading anything from a CDN."""

import json
import re

import pytest
import yaml
from drf_spectacular.validation import validate_schema

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
