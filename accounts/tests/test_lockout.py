"""Sign-in lockout: 5 failures for one email from one address pause it for 15 minutes."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.tests.helpers import app_code, give_two_factor, sign_in
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOCKED = b"Too many attempts"


def _fail(client, email, times, **extra):
    for _ in range(times):
        response = sign_in(client, email, "not-the-password", **extra)
        assert LOCKED not in response.content
        assert b"do not match an account" in response.content


def test_five_wrong_passwords_lock_the_account_even_with_the_right_one(people, client):
    _fail(client, people.front_desk.email, 4)
    response = sign_in(client, people.front_desk.email, "not-the-password")
    assert response.status_code == 429
    assert LOCKED in response.content
    assert b"Try again in 15 minutes, or reset your password" in response.content
    assert reverse("accounts:password_reset").encode() in response.content

    response = sign_in(client, people.front_desk.email, PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.content
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("clients:list"))["Location"].startswith(reverse("accounts:login"))


def test_an_unknown_email_gets_exactly_the_same_page(people, client):
    _fail(client, "nobody@clinic.test", 5 - 1)
    unknown = sign_in(client, "nobody@clinic.test", "x")
    _fail(client, people.artist.email, 4)
    known = sign_in(client, people.artist.email, "x")
    assert unknown.status_code == known.status_code == 429

    def body(response):
        return response.content.decode().split('<main id="main"', 1)[1]

    assert body(unknown) == body(known)
    assert "nobody@clinic.test" not in body(unknown)


def test_clients_are_locked_out_too(people, client):
    _fail(client, people.client_a.email, 5 - 1)
    assert sign_in(client, people.client_a.email, "x").status_code == 429
    assert sign_in(client, people.client_a.email).status_code == 429


def test_capitals_do_not_give_extra_tries(people, client):
    for email in ["DESK@clinic.test", "Desk@Clinic.Test", "desk@CLINIC.test", "desk@clinic.TEST"]:
        sign_in(client, email, "x")
    assert sign_in(client, "desk@clinic.test", "x").status_code == 429


def test_the_lock_is_for_that_email_from_that_address_only(people, client):
    _fail(client, people.front_desk.email, 5 - 1, REMOTE_ADDR="203.0.113.7")
    assert (
        sign_in(client, people.front_desk.email, "x", REMOTE_ADDR="203.0.113.7").status_code == 429
    )
    # The same person from the clinic's own connection still gets in.
    response = sign_in(client, people.front_desk.email, REMOTE_ADDR="198.51.100.2")
    assert response["Location"] == reverse("home")
    # And another account from the locked address is not affected.
    client.post(reverse("accounts:logout"), REMOTE_ADDR="198.51.100.2")
    response = sign_in(client, people.artist.email, REMOTE_ADDR="203.0.113.7")
    assert response["Location"] == reverse("home")


def test_the_lock_lifts_after_15_minutes(people, client):
    _fail(client, people.front_desk.email, 5 - 1)
    assert sign_in(client, people.front_desk.email, "x").status_code == 429
    sixteen_minutes_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
    AccessAttempt.objects.update(attempt_time=sixteen_minutes_ago)
    response = sign_in(client, people.front_desk.email)
    assert response["Location"] == reverse("home")
    assert b"Good to see you, Jordan" in client.get(reverse("home")).content


def test_signing_in_fully_clears_the_earlier_failures(people, client):
    _fail(client, people.front_desk.email, 3)
    sign_in(client, people.front_desk.email)
    assert not AccessAttempt.objects.exists()
    client.post(reverse("accounts:logout"))
    _fail(client, people.front_desk.email, 4)  # a fresh count of five, not two


def test_the_password_alone_does_not_clear_failures_for_staff_with_an_app(people, client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = give_two_factor(people.artist)
    _fail(client, people.artist.email, 2)
    sign_in(client, people.artist.email)
    assert AccessAttempt.objects.get().failures_since_start == 2
    client.post(reverse("accounts:two_factor_verify"), {"code": app_code(device)})
    assert not AccessAttempt.objects.exists()


def test_five_wrong_codes_count_as_a_failed_sign_in(people, client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    give_two_factor(people.artist)
    for round_number in range(1, 5 + 1):
        sign_in(client, people.artist.email)
        for _ in range(5):
            response = client.post(reverse("accounts:two_factor_verify"), {"code": "000000"})
        attempt = AccessAttempt.objects.get()
        assert attempt.failures_since_start == round_number
        # Nothing typed is kept in the record of the attempt.
        assert "000000" not in attempt.post_data
    assert response.status_code == 429
    assert LOCKED in response.content
    # The fifth round locked the password step as well.
    assert sign_in(client, people.artist.email).status_code == 429


def test_a_locked_out_person_cannot_use_the_code_step_either(people, client, settings):
    device = give_two_factor(people.artist)
    sign_in(client, people.artist.email)
    # Meanwhile someone else fails five times with this email from this address.
    other = client.__class__()
    _fail(other, people.artist.email, 5 - 1)
    assert sign_in(other, people.artist.email, "x").status_code == 429
    response = client.post(reverse("accounts:two_factor_verify"), {"code": app_code(device)})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_signing_in_from_tests_and_scripts_still_works(people, client):
    # Without a request there is no address to count against: the password decides.
    assert client.login(username=people.front_desk.email, password=PASSWORD)
    assert not client.login(username=people.front_desk.email, password="x")
    client.force_login(people.artist)
    assert client.get(reverse("clients:list")).status_code == 200


def test_password_rules_are_on():
    names = [v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]
    for weak in ["short1", "password123", "12345678901234"]:
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("a-long-test-passphrase")


def test_a_common_password_is_refused_when_changing_it(people, client):
    client.force_login(people.front_desk)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "password123", "new_password2": "password123"},
    )
    assert b"This password is too common" in response.content
    people.front_desk.refresh_from_db()
    assert people.front_desk.check_password(PASSWORD)


def test_junk_in_a_forwarded_address_is_counted_against_the_connection(people, client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    for junk in ["not-an-address", "203.0.113.1\nforged", "999.1.1.1"]:
        response = sign_in(client, people.front_desk.email, "x", HTTP_X_FORWARDED_FOR=junk)
        assert response.status_code == 200
        assert b"do not match an account" in response.content
    assert AccessAttempt.objects.get().ip_address == "127.0.0.1"
    # A real forwarded address is counted on its own.
    sign_in(client, people.front_desk.email, "x", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert AccessAttempt.objects.filter(ip_address="198.51.100.4").exists()
