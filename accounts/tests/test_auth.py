"""Signing in and out, changing and resetting a password."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_signs_in_with_email_in_any_case(client, people):
    response = client.post(
        reverse("accounts:login"), {"username": "DESK@Clinic.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert b"Good to see you, Jordan" in home.content


def test_it_follows_next_after_signing_in(client, people):
    url = reverse("clients:list")
    response = client.post(
        f"{reverse('accounts:login')}?next={url}",
        {"username": "desk@clinic.test", "password": PASSWORD, "next": url},
    )
    assert response["Location"] == url


def test_it_explains_a_wrong_password_and_keeps_the_email(client, people):
    response = client.post(
        reverse("accounts:login"), {"username": "desk@clinic.test", "password": "wrong"}
    )
    assert response.status_code == 200
    assert b"do not match an account" in response.content
    assert b'value="desk@clinic.test"' in response.content
    assert "_auth_user_id" not in client.session


def test_it_refuses_a_switched_off_account(client, people):
    people.front_desk.is_active = False
    people.front_desk.save()
    response = client.post(
        reverse("accounts:login"), {"username": "desk@clinic.test", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_it_signs_out_only_on_post(people, as_user):
    browser = as_user(people.front_desk)
    assert browser.get(reverse("accounts:logout")).status_code == 405
    response = browser.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("accounts:login")
    assert browser.get(reverse("home")).status_code == 302


def test_it_changes_a_password(client, people):
    client.login(username="desk@clinic.test", password=PASSWORD)
    new = "a-different-long-passphrase"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response["Location"] == reverse("accounts:password_change_done")
    people.front_desk.refresh_from_db()
    assert people.front_desk.check_password(new)


def test_it_refuses_a_weak_new_password(client, people):
    client.login(username="desk@clinic.test", password=PASSWORD)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert b"too short" in response.content
    people.front_desk.refresh_from_db()
    assert people.front_desk.check_password(PASSWORD)


def test_it_resets_a_forgotten_password_by_email(client, people):
    response = client.post(reverse("accounts:password_reset"), {"email": "desk@clinic.test"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["desk@clinic.test"]
    assert "SMP Clinic" in message.subject
    link = re.search(r"https?://testserver(\S+)", message.body).group(1)

    # The link redirects once to a URL without the token, then takes the new password.
    response = client.get(link, follow=True)
    assert b"Choose a new password" in response.content
    new = "a-fresh-long-passphrase"
    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert response["Location"] == reverse("accounts:password_reset_complete")
    people.front_desk.refresh_from_db()
    assert people.front_desk.check_password(new)

    # Used once, the link no longer works.
    response = client.get(link, follow=True)
    assert b"This link no longer works" in response.content


def test_it_answers_the_same_for_an_unknown_email_and_sends_nothing(client, people):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@clinic.test"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_the_user_model_logs_in_by_email():
    User = get_user_model()
    assert User.USERNAME_FIELD == "email"


def test_a_reset_email_the_provider_refuses_answers_the_same_and_is_logged(
    client, people, postmark, caplog
):
    # Postmark has marked the address inactive (it bounced before): it refuses the message.
    postmark.inactive.add("desk@clinic.test")
    with caplog.at_level("ERROR", logger="django.contrib.auth"):
        response = client.post(reverse("accounts:password_reset"), {"email": "desk@clinic.test"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert postmark.sent == []
    # Django's reset form logs the failure and answers as for an unknown address.
    assert "Failed to send password reset email" in caplog.text
    assert "AnymailRecipientsRefused" in caplog.text
