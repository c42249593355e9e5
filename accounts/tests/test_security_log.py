"""The security log: sign-ins, failures, lockouts and refused pages, one line each,
with who, from where and when, and never a secret."""

import io
import logging
import re

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.security_log import EscapeControlCharacters, escape_controls
from accounts.tests.helpers import app_code, give_two_factor, sign_in
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

ISO_UTC = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00"


@pytest.fixture
def security_lines():
    """What the security logger writes, through the same filters as the real handler."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(EscapeControlCharacters())
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    logger = logging.getLogger("security")
    logger.addHandler(handler)
    try:
        yield lambda: stream.getvalue().splitlines()
    finally:
        logger.removeHandler(handler)


def _events(lines, event):
    return [line for line in lines() if f"event={event} " in line]


def test_a_sign_in_says_who_from_where_and_when(people, client, security_lines):
    sign_in(client, people.front_desk.email, REMOTE_ADDR="198.51.100.9")
    (line,) = _events(security_lines, "sign_in")
    assert f"user_id={people.front_desk.pk} email=desk@clinic.test" in line
    assert "ip=198.51.100.9" in line
    assert re.search(f"at={ISO_UTC}", line)
    assert "role=front_desk" in line
    assert PASSWORD not in "\n".join(security_lines())
    assert client.session.session_key not in "\n".join(security_lines())


def test_a_failure_names_the_email_typed_but_never_the_password(people, client, security_lines):
    sign_in(client, "desk@clinic.test", "my-secret-guess", REMOTE_ADDR="203.0.113.5")
    (line,) = _events(security_lines, "sign_in_failed")
    assert "typed=desk@clinic.test" in line and "ip=203.0.113.5" in line
    assert "step=password" in line
    assert "my-secret-guess" not in "\n".join(security_lines())


def test_a_long_typed_email_is_cut_to_100_characters(people, client, security_lines):
    long_email = "a" * 150 + "@clinic.test"
    sign_in(client, long_email, "x")
    (line,) = _events(security_lines, "sign_in_failed")
    assert "typed=" + "a" * 100 + " " in line
    assert "a" * 101 not in line


def test_a_lockout_is_logged(people, client, security_lines):
    for _ in range(5):
        sign_in(client, people.artist.email, "x")
    (line,) = _events(security_lines, "locked_out")
    assert "typed=artist@clinic.test" in line and "ip=127.0.0.1" in line


def test_a_refused_page_is_logged_with_who_and_where(people, as_user, security_lines):
    as_user(people.client_a).get(reverse("clients:list"))
    (line,) = _events(security_lines, "access_refused")
    assert f"user_id={people.client_a.pk}" in line
    assert "role=client" in line and f"path={reverse('clients:list')}" in line


def test_the_two_factor_step_is_logged_without_the_codes(people, client, security_lines, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = give_two_factor(people.artist, backup_codes=("abcd2345",))
    sign_in(client, people.artist.email)
    client.post(reverse("accounts:two_factor_verify"), {"code": "999999"})
    code = app_code(device)
    client.post(reverse("accounts:two_factor_verify"), {"code": code})
    assert _events(security_lines, "two_factor_failed")
    assert _events(security_lines, "two_factor_passed")
    text = "\n".join(security_lines())
    assert "999999" not in text and code not in text and "abcd2345" not in text


def test_a_forwarded_newline_cannot_forge_a_log_line(people, client, security_lines, settings):
    # Behind one proxy the address comes from a header the caller can partly write.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    forged = "203.0.113.1\n2026-01-01 INFO security event=sign_in user_id=1"
    sign_in(client, people.front_desk.email, "x", HTTP_X_FORWARDED_FOR=forged)
    lines = security_lines()
    assert len(lines) == 1
    assert "event=sign_in_failed" in lines[0]
    # Not an address: the header is not believed, the peer's own address is logged.
    assert "2026-01-01 INFO" not in lines[0]
    assert "ip=127.0.0.1" in lines[0]


def test_a_typed_newline_is_written_escaped(security_lines):
    from accounts.security_log import record

    record("sign_in_failed", typed_username="x@clinic.test\nsecurity event=sign_in user_id=1")
    lines = security_lines()
    assert len(lines) == 1
    assert 'typed="x@clinic.test\\nsecurity event=sign_in user_id=1"' in lines[0]


def test_control_characters_are_escaped_in_message_and_arguments():
    record = logging.LogRecord(
        "security", logging.INFO, __file__, 1, "path=%s user=%s", ("/a\nb", "x\x1b[31m\u2028"), None
    )
    EscapeControlCharacters().filter(record)
    assert record.getMessage() == "path=/a\\nb user=x\\x1b[31m\\u2028"
    assert escape_controls("tab\there") == "tab\\there"


def test_every_log_handler_escapes_control_characters():
    handlers = settings.LOGGING["handlers"]
    assert handlers
    for name, handler in handlers.items():
        assert "escape_controls" in handler.get("filters", []), name
    root_handlers = logging.getLogger().handlers
    configured = [
        h for h in root_handlers if any(isinstance(f, EscapeControlCharacters) for f in h.filters)
    ]
    assert configured
