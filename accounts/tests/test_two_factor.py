"""Two-factor sign-in for staff: setting it up, the code after the password, backup
codes, the clinic-wide requirement and the manager's reset."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SecurityPolicy
from accounts.tests.helpers import app_code, give_two_factor, sign_in

pytestmark = pytest.mark.django_db

VERIFY = reverse("accounts:two_factor_verify")
SETUP = reverse("accounts:two_factor")


@pytest.fixture(autouse=True)
def _no_code_throttling(settings):
    # django-otp slows down retries after a wrong code (1 s, 2 s, 4 s...); a person
    # does not retype that fast, a test does.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def _require_two_factor():
    policy = SecurityPolicy.current()
    policy.require_staff_two_factor = True
    policy.save()


# --- Setting it up ----------------------------------------------------------------------


def test_the_setup_page_shows_a_qr_code_and_the_key_without_any_inline_script(people, as_user):
    page = as_user(people.artist).get(SETUP)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Set up two-factor sign-in" in html
    svg = re.search(r"<svg[^>]*class=\"qr-code\".*?</svg>", html, re.S)
    assert svg and "<path" in svg.group()
    device = TOTPDevice.objects.get(user=people.artist)
    assert not device.confirmed
    # The same secret on a second visit: a code scanned earlier still works.
    assert as_user(people.artist).get(SETUP).content.decode().count(svg.group()) == 1
    assert TOTPDevice.objects.filter(user=people.artist).count() == 1
    # The Content Security Policy allows neither inline script nor style attributes.
    assert "<script>" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]


def test_a_wrong_first_code_keeps_it_off_and_says_why(people, as_user):
    browser = as_user(people.artist)
    browser.get(SETUP)
    response = browser.post(SETUP, {"code": "000000"})
    assert response.status_code == 200
    assert b"That code did not match" in response.content
    assert b'value="000000"' in response.content  # what they typed stays
    assert not TOTPDevice.objects.filter(user=people.artist, confirmed=True).exists()
    assert not StaticDevice.objects.filter(user=people.artist).exists()


def test_the_first_right_code_switches_it_on_and_shows_ten_backup_codes_once(people, as_user):
    browser = as_user(people.artist)
    browser.get(SETUP)
    device = TOTPDevice.objects.get(user=people.artist)
    response = browser.post(SETUP, {"code": app_code(device)})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_backup_codes"))

    page = browser.get(response["Location"])
    html = page.content.decode()
    shown = re.findall(r"<li>([a-z2-7]{4}-[a-z2-7]{4})</li>", html)
    assert len(shown) == 10 and len(set(shown)) == 10
    assert "only time they are shown" in html
    stored = set(
        StaticToken.objects.filter(device__user=people.artist).values_list("token", flat=True)
    )
    assert stored == {code.replace("-", "") for code in shown}
    device.refresh_from_db()
    assert device.confirmed

    # Shown once: coming back does not show them again.
    again = browser.get(reverse("accounts:two_factor_backup_codes"))
    assert again["Location"] == SETUP
    status = browser.get(SETUP).content.decode()
    assert "Two-factor sign-in is on" in status
    assert "<strong>10</strong> unused backup codes" in status
    # The session that set it up counts as verified: pages open.
    assert browser.get(reverse("clients:list")).status_code == 200


def test_new_backup_codes_replace_the_old_ones(people, client):
    give_two_factor(people.artist, backup_codes=("abcd2345",))
    device = TOTPDevice.objects.get(user=people.artist)
    sign_in(client, people.artist.email)
    client.post(VERIFY, {"code": app_code(device)})
    response = client.post(SETUP, {"action": "new_backup_codes"})
    page = client.get(response["Location"]).content.decode()
    assert len(re.findall(r"<li>[a-z2-7]{4}-[a-z2-7]{4}</li>", page)) == 10
    assert not StaticToken.objects.filter(token="abcd2345").exists()


def test_clients_have_no_two_factor_page(people, as_user):
    browser = as_user(people.client_a)
    assert browser.get(SETUP).status_code == 403
    assert not TOTPDevice.objects.exists()


# --- The code after the password ----------------------------------------------------------


def test_staff_without_an_app_sign_in_with_the_password_alone(people, client):
    response = sign_in(client, people.front_desk.email)
    assert response["Location"] == reverse("home")
    assert b"Good to see you, Jordan" in client.get(reverse("home")).content


def test_staff_with_an_app_are_asked_for_the_code_before_any_page_opens(people, client):
    device = give_two_factor(people.front_desk)
    clients_url = reverse("clients:list")
    response = sign_in(client, people.front_desk.email)
    assert response.status_code == 302

    for url in [reverse("home"), clients_url, reverse("admin:index")]:
        blocked = client.get(url)
        assert blocked.status_code == 302, url
        assert blocked["Location"].startswith(VERIFY)
    prompt = client.get(f"{VERIFY}?next={clients_url}")
    assert b"One more step" in prompt.content
    assert b"Ashby" not in prompt.content

    response = client.post(VERIFY, {"code": app_code(device), "next": clients_url})
    assert response["Location"] == clients_url
    assert b"Ashby" in client.get(clients_url).content


def test_a_backup_code_works_once(people, client):
    give_two_factor(people.artist, backup_codes=("abcd2345", "efgh6789"))
    sign_in(client, people.artist.email)
    # Typed the way it was shown, with a dash and capitals.
    response = client.post(VERIFY, {"code": "ABCD-2345"})
    assert response["Location"] == reverse("home")
    assert client.get(reverse("clients:list")).status_code == 200
    assert list(StaticToken.objects.values_list("token", flat=True)) == ["efgh6789"]

    client.post(reverse("accounts:logout"))
    sign_in(client, people.artist.email)
    response = client.post(VERIFY, {"code": "abcd2345"})
    assert response.status_code == 200
    assert b"That code is not right" in response.content
    assert client.get(reverse("clients:list"))["Location"].startswith(VERIFY)


def test_five_wrong_codes_go_back_to_the_password(people, client):
    device = give_two_factor(people.artist)
    sign_in(client, people.artist.email)
    for tries_left in (4, 3, 2, 1):
        response = client.post(VERIFY, {"code": "123456"})
        assert f"{tries_left} tr".encode() in response.content
    response = client.post(VERIFY, {"code": "123456"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:login")
    assert b"wrong codes, so you have been signed out" in response.content
    # The right code is no use now: the password comes first again.
    response = client.post(VERIFY, {"code": app_code(device)})
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get(reverse("clients:list"))["Location"].startswith(reverse("accounts:login"))


def test_an_empty_code_is_explained_and_not_counted(people, client):
    give_two_factor(people.artist)
    sign_in(client, people.artist.email)
    response = client.post(VERIFY, {"code": ""})
    assert b"Type the code to carry on" in response.content
    assert "two_factor_wrong_codes" not in client.session


def test_the_code_page_never_sends_people_to_another_site(people, client):
    device = give_two_factor(people.artist)
    sign_in(client, people.artist.email)
    response = client.post(VERIFY, {"code": app_code(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_people_who_owe_no_code_are_sent_on_from_the_code_page(people, as_user):
    assert as_user(people.artist).get(VERIFY)["Location"] == reverse("home")
    assert as_user(people.client_a).get(VERIFY)["Location"] == reverse("home")


# --- The clinic requires it -----------------------------------------------------------------


def test_when_required_staff_without_an_app_set_it_up_before_anything_else(people, client):
    _require_two_factor()
    sign_in(client, people.front_desk.email)
    for url in [reverse("home"), reverse("clients:list"), VERIFY]:
        blocked = client.get(url)
        assert blocked["Location"].startswith(SETUP), url
    page = client.get(SETUP)
    assert b"The clinic asks all staff to use two-factor sign-in" in page.content

    device = TOTPDevice.objects.get(user=people.front_desk)
    response = client.post(SETUP, {"code": app_code(device), "next": reverse("clients:list")})
    codes_page = client.get(response["Location"])
    assert b"Your backup codes" in codes_page.content
    assert f'href="{reverse("clients:list")}"'.encode() in codes_page.content
    assert b"Ashby" in client.get(reverse("clients:list")).content


def test_clients_are_never_asked_even_when_staff_must(people, client):
    _require_two_factor()
    response = sign_in(client, people.client_a.email)
    assert response["Location"] == reverse("home")
    page = client.get(reverse("home"), follow=True)
    assert page.status_code == 200
    assert not any(VERIFY in url or SETUP in url for url, _ in page.redirect_chain)
    assert "Anna" in page.content.decode()


def test_the_manager_switches_the_requirement_on_in_settings(people, as_user):
    browser = as_user(people.manager)
    listing = browser.get(reverse("admin:accounts_securitypolicy_changelist"))
    change_url = listing["Location"]
    page = browser.get(change_url)
    assert b"Require two-factor sign-in for all staff" in page.content
    browser.post(change_url, {"require_staff_two_factor": "on"})
    assert SecurityPolicy.current().require_staff_two_factor
    assert (
        as_user(people.front_desk)
        .get(reverse("admin:accounts_securitypolicy_changelist"))
        .status_code
        == 302
    )  # not the admin for the front desk


def test_a_manager_without_an_app_who_requires_it_sets_theirs_up_at_once(people, client):
    sign_in(client, people.manager.email)
    change_url = client.get(reverse("admin:accounts_securitypolicy_changelist"))["Location"]
    response = client.post(
        change_url, {"require_staff_two_factor": "on", "allow_trusted_browsers": "on"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next={change_url}"
    assert SecurityPolicy.current().require_staff_two_factor
    page = client.get(response["Location"])
    assert b"The clinic asks all staff to use two-factor sign-in" in page.content
    assert b"Set up yours now" in page.content
    # Not at the next sign-in: nothing else opens until it is done, now.
    for url in [reverse("home"), reverse("clients:list"), change_url]:
        assert client.get(url)["Location"].startswith(SETUP), url

    device = TOTPDevice.objects.get(user=people.manager)
    response = client.post(SETUP, {"code": app_code(device), "next": change_url})
    codes_page = client.get(response["Location"])
    assert f'href="{change_url}"'.encode() in codes_page.content
    assert client.get(change_url).status_code == 200


def test_a_manager_with_an_app_stays_on_the_settings_after_requiring_it(people, client):
    device = give_two_factor(people.manager)
    sign_in(client, people.manager.email)
    client.post(VERIFY, {"code": app_code(device)})
    change_url = client.get(reverse("admin:accounts_securitypolicy_changelist"))["Location"]
    response = client.post(change_url, {"require_staff_two_factor": "on"})
    assert not response["Location"].startswith(SETUP)
    assert client.get(reverse("clients:list")).status_code == 200


# --- The manager's reset --------------------------------------------------------------------


def test_the_manager_resets_a_lost_phone_and_the_person_is_signed_out(people, client, as_user):
    give_two_factor(people.artist)
    device = TOTPDevice.objects.get(user=people.artist)
    sign_in(client, people.artist.email)
    client.post(VERIFY, {"code": app_code(device)})
    assert client.get(reverse("clients:list")).status_code == 200

    from django.test import Client

    manager = Client()
    manager.force_login(people.manager)
    changelist = reverse("admin:accounts_user_changelist")
    listing = manager.get(changelist)
    assert b"two-factor sign-in" in listing.content
    response = manager.post(
        changelist,
        {"action": "reset_two_factor", "_selected_action": [people.artist.pk]},
        follow=True,
    )
    assert b"Two-factor sign-in reset for 1" in response.content
    assert not TOTPDevice.objects.filter(user=people.artist).exists()
    assert not StaticDevice.objects.filter(user=people.artist).exists()
    # Signed out where they were signed in...
    assert client.get(reverse("clients:list"))["Location"].startswith(reverse("accounts:login"))
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(people.artist.pk) for s in Session.objects.all()
    )
    # ...and the next sign-in asks for no code (the clinic does not require it).
    assert sign_in(client, people.artist.email)["Location"] == reverse("home")
    assert client.get(reverse("clients:list")).status_code == 200


# --- Keeping the backup codes: download and print -----------------------------------------

DOWNLOAD = reverse("accounts:two_factor_backup_codes_download")


def test_the_backup_codes_download_is_a_text_file_of_ones_own_unused_codes(people, client):
    give_two_factor(people.artist, backup_codes=("abcd2345", "efgh3456", "mnop2345"))
    give_two_factor(people.front_desk, backup_codes=("wxyz4567",))
    sign_in(client, people.artist.email)
    client.post(VERIFY, {"code": "efgh-3456"})  # one used up signing in
    assert b"Download your unused backup codes" in client.get(SETUP).content

    response = client.get(DOWNLOAD)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="backup-codes.txt"'
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode()
    assert "artist@clinic.test" in text
    assert re.findall(r"^[a-z2-7]{4}-[a-z2-7]{4}$", text, re.M) == ["abcd-2345", "mnop-2345"]
    assert "wxyz" not in text  # never anyone else's


def test_the_download_waits_for_the_code_step_and_needs_two_factor_on(people, client, as_user):
    give_two_factor(people.artist)
    sign_in(client, people.artist.email)
    # Password only: no codes until the second step is done.
    blocked = client.get(DOWNLOAD)
    assert blocked.status_code == 302 and blocked["Location"].startswith(VERIFY)
    # Without two-factor there is nothing to download: set it up first.
    assert as_user(people.front_desk).get(DOWNLOAD)["Location"] == SETUP
    assert as_user(people.client_a).get(DOWNLOAD).status_code == 403


def test_the_new_codes_page_offers_download_and_print_without_inline_script(people, as_user):
    browser = as_user(people.artist)
    browser.get(SETUP)
    device = TOTPDevice.objects.get(user=people.artist)
    response = browser.post(SETUP, {"code": app_code(device)})
    html = browser.get(response["Location"]).content.decode()
    assert f'href="{DOWNLOAD}"' in html
    assert re.search(r"<button[^>]*data-print[^>]*>Print</button>", html)
    assert re.search(r'<script src="[^"]*/js/print\.[0-9a-f.]*js"', html) or "js/print.js" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    # The downloaded file holds the same ten codes the page shows.
    shown = re.findall(r"<li>([a-z2-7]{4}-[a-z2-7]{4})</li>", html)
    text = browser.get(DOWNLOAD).content.decode()
    assert re.findall(r"^[a-z2-7]{4}-[a-z2-7]{4}$", text, re.M) == shown


# --- API tokens follow the requirement ---------------------------------------------------------


def test_no_api_token_is_made_for_staff_who_owe_two_factor(people, client):
    from rest_framework.authtoken.models import Token

    from accounts.models import User

    owner = User.objects.create_superuser(email="owner@clinic.test", password="x-long-passphrase-1")
    device = give_two_factor(owner)
    sign_in(client, owner.email, password="x-long-passphrase-1")
    client.post(VERIFY, {"code": app_code(device)})
    _require_two_factor()
    add_url = reverse("admin:authtoken_tokenproxy_add")

    refused = client.post(add_url, {"user": people.artist.pk})
    assert refused.status_code == 200
    assert b"this person has not set it up: a token would be refused" in refused.content
    assert not Token.objects.filter(user=people.artist).exists()

    give_two_factor(people.artist)
    assert client.post(add_url, {"user": people.artist.pk}).status_code == 302
    assert Token.objects.filter(user=people.artist).exists()
