"""How long a sign-in lasts, and what ends it: idle time, age, signing out, a new
password, an account switched off."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.services import user_deactivate
from accounts.sessions import LAST_SEEN_KEY, SIGNED_IN_AT_KEY
from accounts.tests.helpers import sign_in
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
MINUTE = 60
HOUR = 60 * MINUTE


def _age_session(client, *, idle=0, signed_in=0):
    """Move the session's clocks back, as if time had passed."""
    session = client.session
    session[LAST_SEEN_KEY] -= idle
    session[SIGNED_IN_AT_KEY] -= signed_in
    session.save()


def _is_signed_out(client) -> bool:
    response = client.get(reverse("home"))
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_staff_are_signed_out_after_30_minutes_idle_with_a_message(people, client):
    sign_in(client, people.front_desk.email)
    _age_session(client, idle=31 * MINUTE)
    clients_url = reverse("clients:list")
    response = client.get(clients_url)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={clients_url}"
    page = client.get(response["Location"])
    assert b"You were signed out after 30 minutes without activity" in page.content
    assert _is_signed_out(client)


def test_staff_who_keep_working_stay_signed_in(people, client):
    sign_in(client, people.front_desk.email)
    _age_session(client, idle=29 * MINUTE)
    assert b"Ashby" in client.get(reverse("clients:list")).content
    # That visit counted as activity: 29 more idle minutes are fine again.
    _age_session(client, idle=29 * MINUTE)
    assert client.get(reverse("clients:list")).status_code == 200


def test_staff_sign_in_again_after_12_hours_however_active(people, client):
    sign_in(client, people.artist.email)
    _age_session(client, signed_in=12 * HOUR + MINUTE)
    response = client.get(reverse("home"), follow=True)
    assert b"signed in more than 12 hours ago" in response.content
    assert _is_signed_out(client)


def test_clients_stay_signed_in_through_a_pause_but_not_past_2_hours_idle(people, client):
    sign_in(client, people.client_a.email)
    _age_session(client, idle=90 * MINUTE)
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    assert not response.redirect_chain or LOGIN not in response.redirect_chain[-1][0]
    assert "Anna" in response.content.decode()
    _age_session(client, idle=2 * HOUR + MINUTE)
    response = client.get(reverse("home"), follow=True)
    assert b"You were signed out after 2 hours without activity" in response.content
    assert _is_signed_out(client)


def test_activity_is_saved_at_most_once_a_minute(people, client):
    sign_in(client, people.front_desk.email)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
        client.get(reverse("clients:list"))
    assert not [q for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    _age_session(client, idle=2 * MINUTE)
    before = client.session[LAST_SEEN_KEY]
    client.get(reverse("home"))
    assert client.session[LAST_SEEN_KEY] >= before + 2 * MINUTE


def test_signing_out_ends_the_session_for_good(people, client):
    sign_in(client, people.front_desk.email)
    old_key = client.cookies["sessionid"].value
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=old_key).exists()
    # Someone who kept the old cookie gets nothing with it.
    thief = Client()
    thief.cookies["sessionid"] = old_key
    assert _is_signed_out(thief)


def test_a_new_password_signs_out_the_other_sessions_but_not_this_one(people):
    laptop, phone = Client(), Client()
    sign_in(laptop, people.front_desk.email)
    sign_in(phone, people.front_desk.email)
    new = "another-long-passphrase"
    laptop.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert laptop.get(reverse("clients:list")).status_code == 200
    assert _is_signed_out(phone)


def test_switching_an_account_off_signs_it_out_everywhere(people):
    laptop, phone, other = Client(), Client(), Client()
    sign_in(laptop, people.front_desk.email)
    sign_in(phone, people.front_desk.email)
    sign_in(other, people.artist.email)
    user_deactivate(user=people.front_desk, by=people.manager)
    people.front_desk.refresh_from_db()
    assert not people.front_desk.is_active
    sessions = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert str(people.front_desk.pk) not in sessions
    assert _is_signed_out(laptop) and _is_signed_out(phone)
    assert other.get(reverse("clients:list")).status_code == 200
    # And the password no longer opens it.
    response = sign_in(laptop, people.front_desk.email)
    assert response.status_code == 200
    assert b"do not match an account" in response.content or b"switched off" in response.content
    assert _is_signed_out(laptop)


def test_an_inactive_account_is_refused_even_with_an_old_session(people, client):
    sign_in(client, people.front_desk.email)
    # Switched off without the service (e.g. straight in the database).
    type(people.front_desk).objects.filter(pk=people.front_desk.pk).update(is_active=False)
    assert _is_signed_out(client)


def test_the_manager_switching_someone_off_in_settings_signs_them_out(people):
    desk = Client()
    sign_in(desk, people.front_desk.email)
    manager = Client()
    manager.force_login(people.manager)
    url = reverse("admin:accounts_user_change", args=[people.front_desk.pk])
    form = manager.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        {
            "email": people.front_desk.email,
            "role": people.front_desk.role,
            "first_name": "Jordan",
            "last_name": "Price",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
        }
    )
    data.pop("is_active", None)  # unticked
    data.pop("groups", None)
    data.pop("user_permissions", None)
    for prefix in ("hours", "time_off"):
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    response = manager.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    people.front_desk.refresh_from_db()
    assert not people.front_desk.is_active
    assert _is_signed_out(desk)


def test_the_sign_in_rules_cost_no_queries_on_an_ordinary_page(people, client):
    sign_in(client, people.front_desk.email)
    client.get(reverse("clients:list"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("clients:list")).status_code == 200
    sql = " ".join(q["sql"] for q in queries).lower()
    for table in ("otp_", "axes_", "accounts_securitypolicy"):
        assert table not in sql
    session_sql = [q["sql"].lower() for q in queries if "django_session" in q["sql"]]
    assert not [q for q in session_sql if q.startswith("update")]


def test_a_session_past_its_expiry_date_is_not_accepted(people, client):
    sign_in(client, people.front_desk.email)
    key = client.cookies["sessionid"].value
    assert not _is_signed_out(client)
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    assert _is_signed_out(client)
    # Another person's session is read for them, not for this browser.
    other = Client()
    sign_in(other, people.manager.email)
    assert other.get(reverse("home")).context["user"] == people.manager
