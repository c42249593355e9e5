"""What a browser gets from the production settings: HSTS for a year, no framing, a
strict referrer policy, no content sniffing, and cookies that stay on this host over
HTTPS only."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test.utils import override_settings
from django.urls import reverse

from conftest import PASSWORD

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
YEAR = 60 * 60 * 24 * 365

# The settings that shape response headers and cookies, as production sets them.
SECURITY_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE",
    "DEBUG",
]


@pytest.fixture(scope="module")
def production_settings():
    """The real production values, read from a process started as a server would be."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ENV"}}
    env.update(
        DJANGO_ENV="production",
        ALLOWED_HOSTS="clinic.example.com",
        SECRET_KEY="headers-test-Vb7rQ2xK9mZp4LwT8sYd3NcF6hJ1gA5eU0iOq7RtXz",
        FIELD_ENCRYPTION_KEYS="6a1f0c9e4b7d2a8f3e6c1b9d4a7f2e8c5b0d3a6f9e2c7b4d1a8f5e0c3b6d9a2f",
        DJANGO_SETTINGS_MODULE="smpclinic.settings",
    )
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {SECURITY_SETTINGS!r}}}))"
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own settings
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_turns_the_protections_on(production_settings):
    assert production_settings["DEBUG"] is False
    assert production_settings["SECURE_SSL_REDIRECT"] is True
    assert production_settings["SECURE_HSTS_SECONDS"] >= YEAR
    assert production_settings["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert production_settings["CSRF_COOKIE_NAME"].startswith("__Host-")


def test_a_production_response_carries_the_security_headers_and_safe_cookies(
    production_settings, people, client
):
    with override_settings(**production_settings, ALLOWED_HOSTS=["clinic.example.com"]):
        extra = {"secure": True, "HTTP_HOST": "clinic.example.com"}
        page = client.get(reverse("accounts:login"), **extra)
        assert page.status_code == 200
        assert b"Sign in" in page.content
        assert page["Strict-Transport-Security"] == (f"max-age={YEAR}; includeSubDomains; preload")
        assert page["X-Frame-Options"] == "DENY"
        assert page["Referrer-Policy"] == "same-origin"
        assert page["X-Content-Type-Options"] == "nosniff"

        csrf = page.cookies["__Host-csrftoken"]
        assert csrf["secure"] and csrf["path"] == "/" and not csrf["domain"]
        assert csrf["samesite"] == "Lax"

        signed_in = client.post(
            reverse("accounts:login"),
            {
                "username": people.front_desk.email,
                "password": PASSWORD,
                "csrfmiddlewaretoken": csrf.value,
            },
            **extra,
        )
        assert signed_in.status_code == 302
        session = signed_in.cookies["__Host-sessionid"]
        assert session["secure"] and session["httponly"]
        assert session["samesite"] == "Lax"
        assert session["path"] == "/" and not session["domain"]
        assert "sessionid" not in signed_in.cookies  # only the prefixed name

        # Plain HTTP is sent to HTTPS.
        insecure = client.get(reverse("accounts:login"), HTTP_HOST="clinic.example.com")
        assert insecure.status_code == 301
        assert insecure["Location"].startswith("https://clinic.example.com/")
        # Except the health probes, which come over plain HTTP from inside the network.
        for probe in ("/livez", "/readyz"):
            answer = client.get(probe, HTTP_HOST="clinic.example.com")
            assert answer.status_code == 200, probe
