""" "Trust this browser for 30 days" at the code step: the next sign-in on that browser
needs only the password, until the 30 days are over, the password changes, two-factor
is reset, or the manager switches trusting browsers off."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import trusted_browsers
from accounts.models import SecurityPolicy
from accounts.tests.helpers import app_code, give_two_factor, sign_in
from accounts.two_factor import two_factor_reset

pytestmark = pytest.mark.django_db

VERIFY = reverse("accounts:two_factor_verify")
CLIENTS = reverse("clients:list")
TRUST_LABEL = b"Trust this browser for 30 days"


@pytest.fixture(autouse=True)
def _no_code_throttling(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def _sign_in_with_code(client, user, *, trust: bool):
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    sign_in(client, user.email)
    data = {"code": app_code(device)}
    if trust:
        data["trust_browser"] = "on"
    response = client.post(VERIFY, data)
    assert response["Location"] == reverse("home")
    return response


def _sign_out_and_in_again(client, user):
    client.post(reverse("accounts:logout"))
    return sign_in(client, user.email)


def _code_asked(client) -> bool:
    response = client.get(CLIENTS)
    if response.status_code == 200:
        return False
    assert response["Location"].startswith(VERIFY)
    return True


def test_a_trusted_browser_signs_in_again_with_the_password_alone(people, client):
    give_two_factor(people.artist)
    sign_in(client, people.artist.email)
    assert TRUST_LABEL in client.get(VERIFY).content
    response = _sign_in_with_code(client, people.artist, trust=True)
    cookie = response.cookies[trusted_browsers.COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 30 * 24 * 60 * 60
    assert not cookie["secure"]  # development runs over plain http

    # Signed out (by hand, or after 30 idle minutes): the password is enough now.
    response = _sign_out_and_in_again(client, people.artist)
    assert response["Location"] == reverse("home")
    assert not _code_asked(client)
    assert b"Ashby" in client.get(CLIENTS).content


def test_without_the_tick_the_code_is_asked_again(people, client):
    give_two_factor(people.artist)
    response = _sign_in_with_code(client, people.artist, trust=False)
    assert trusted_browsers.COOKIE_NAME not in response.cookies
    _sign_out_and_in_again(client, people.artist)
    assert _code_asked(client)


def test_the_trust_cookie_is_secure_in_production(people, client, settings):
    settings.SESSION_COOKIE_SECURE = True
    give_two_factor(people.artist)
    response = _sign_in_with_code(client, people.artist, trust=True)
    assert response.cookies[trusted_browsers.COOKIE_NAME]["secure"] is True


def test_trust_lasts_30_days(people, client, monkeypatch):
    give_two_factor(people.artist)
    _sign_in_with_code(client, people.artist, trust=True)
    trusted_at = timezone.now()

    monkeypatch.setattr(timezone, "now", lambda: trusted_at + dt.timedelta(days=29, hours=23))
    _sign_out_and_in_again(client, people.artist)
    assert not _code_asked(client)

    monkeypatch.setattr(timezone, "now", lambda: trusted_at + dt.timedelta(days=30, minutes=1))
    _sign_out_and_in_again(client, people.artist)
    assert _code_asked(client)


def test_a_new_password_ends_the_trust(people, client):
    give_two_factor(people.artist)
    _sign_in_with_code(client, people.artist, trust=True)
    people.artist.set_password("a whole new passphrase 2027")
    people.artist.save()
    client.post(reverse("accounts:logout"))
    sign_in(client, people.artist.email, password="a whole new passphrase 2027")
    assert _code_asked(client)


def test_a_two_factor_reset_ends_the_trust(people, client):
    give_two_factor(people.artist)
    _sign_in_with_code(client, people.artist, trust=True)
    two_factor_reset(user=people.artist, by=people.manager)
    give_two_factor(people.artist)  # set up again on a new phone
    sign_in(client, people.artist.email)
    assert _code_asked(client)


def test_trust_belongs_to_the_person_who_ticked_it(people, client):
    give_two_factor(people.artist)
    give_two_factor(people.front_desk)
    _sign_in_with_code(client, people.artist, trust=True)
    client.post(reverse("accounts:logout"))
    sign_in(client, people.front_desk.email)
    assert _code_asked(client)


def test_a_forged_or_altered_cookie_is_not_trusted(people, client):
    give_two_factor(people.artist)
    _sign_in_with_code(client, people.artist, trust=True)
    value = client.cookies[trusted_browsers.COOKIE_NAME].value
    altered = value[:-2] + ("AA" if value[-2:] != "AA" else "BB")
    client.cookies[trusted_browsers.COOKIE_NAME] = altered
    _sign_out_and_in_again(client, people.artist)
    assert _code_asked(client)


def test_the_manager_can_switch_trusted_browsers_off(people, client):
    give_two_factor(people.artist)
    _sign_in_with_code(client, people.artist, trust=True)

    from django.test import Client

    manager = Client()
    manager.force_login(people.manager)
    change_url = manager.get(reverse("admin:accounts_securitypolicy_changelist"))["Location"]
    page = manager.get(change_url)
    assert b"Let staff trust a browser for 30 days" in page.content
    manager.post(change_url, {})  # both boxes unticked
    assert not SecurityPolicy.current().allow_trusted_browsers

    # The browser trusted before is asked again, and the choice is not offered.
    _sign_out_and_in_again(client, people.artist)
    assert _code_asked(client)
    assert TRUST_LABEL not in client.get(VERIFY).content
    response = client.post(
        VERIFY,
        {"code": app_code(TOTPDevice.objects.get(user=people.artist)), "trust_browser": "on"},
    )
    assert trusted_browsers.COOKIE_NAME not in response.cookies
