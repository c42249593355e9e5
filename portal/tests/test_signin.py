import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.services import user_create
from clients.models import Client
from clients.services import client_create
from portal.models import LoginLink
from portal.signin import token_hash

SIGNIN = "/portal/sign-in/"


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    """Ask for a link; the email goes once the request's transaction commits."""

    def post(client, email):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(SIGNIN, {"email": email})

    return post


def link_in(message) -> str:
    return re.search(r"https?://\S+/portal/sign-in/[^/\s]+/", message.body).group(0)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


@pytest.fixture
def new_client(db):
    """A client on file with no sign-in yet."""
    return client_create(
        first_name="Cara", last_name="Doyle", email="Cara@Example.test", phone="+447911123009"
    )


def test_it_emails_a_one_time_link_built_from_the_site_address(ask, client, people, settings):
    settings.SITE_URL = "https://clinic.example"
    response = ask(client, "ANNA@clinic.test ")
    assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [["anna@clinic.test"]]
    message = mail.outbox[0]
    url = link_in(message)
    assert url.startswith("https://clinic.example/portal/sign-in/")
    html = message.alternatives[0][0]
    assert url in html and "15 minutes" in message.body
    token = url.rstrip("/").rsplit("/", 1)[1]
    link = LoginLink.objects.get()
    assert link.token_sha256 == token_hash(token) and token not in link.token_sha256
    assert link.expires_at - link.created_at == dt.timedelta(minutes=15)


def test_known_and_unknown_addresses_get_the_same_answer(ask, client, people):
    known = ask(client, "anna@clinic.test")
    unknown = ask(client, "nobody@clinic.test")
    assert known.status_code == unknown.status_code == 200
    assert [t.name for t in known.templates][0] == [t.name for t in unknown.templates][0]
    assert known.templates[0].name == "portal/signin_sent.html"
    body_known = known.content.decode().replace("anna@clinic.test", "EMAIL")
    body_unknown = unknown.content.decode().replace("nobody@clinic.test", "EMAIL")
    # The CSRF token in the page footer differs per response; nothing else may.
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", body_known) == strip.sub("", body_unknown)
    assert "If <strong>EMAIL</strong> is on file, a link is on its way" in body_known
    assert len(mail.outbox) == 1


def test_staff_addresses_never_get_a_link(ask, client, people):
    # A client record that carries a member of staff's address, without a sign-in...
    client_create(first_name="Sam", last_name="Okafor", email="artist@clinic.test")
    # ...and one whose sign-in is a member of staff's.
    desk = client_create(first_name="Jo", last_name="Price", email="jo@clinic.test")
    desk.user = user_create(email="jo@clinic.test", role=Role.FRONT_DESK)
    desk.save()
    for email in ("artist@clinic.test", "jo@clinic.test", "manager@clinic.test"):
        response = ask(client, email)
        assert response.status_code == 200
        assert f"If <strong>{email}</strong> is on file" in response.content.decode()
    assert mail.outbox == [] and not LoginLink.objects.exists()


def test_a_bad_address_is_told_next_to_the_field(client, people):
    response = client.post(SIGNIN, {"email": "not-an-address"})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert 'value="not-an-address"' in response.content.decode()
    assert mail.outbox == []


def test_opening_the_link_asks_to_confirm_and_the_button_signs_in(ask, client, people):
    ask(client, "anna@clinic.test")
    path = path_of(link_in(mail.outbox[0]))
    page = client.get(path)
    assert page.status_code == 200 and "Sign me in" in page.content.decode()
    assert LoginLink.objects.get().used_at is None  # a mail scanner opening it uses nothing
    response = client.post(path)
    assert response.status_code == 302 and response.url == reverse("portal:home")
    home = client.get(reverse("portal:home"))
    assert home.status_code == 200 and "Hello Anna" in home.content.decode()
    assert client.session.get_expiry_age() == 2 * 60 * 60
    link = LoginLink.objects.get()
    assert link.used_at is not None and link.user == people.client_a


def test_a_link_works_once(ask, client, people):
    ask(client, "anna@clinic.test")
    path = path_of(link_in(mail.outbox[0]))
    client.post(path)
    client.logout()
    again = client.post(path)
    assert again.status_code == 410
    body = again.content.decode()
    assert "already been used" in body and "Send me a new link" in body
    assert client.get(reverse("portal:home")).status_code == 302  # not signed in


def test_a_link_expires_after_15_minutes(ask, client, people):
    ask(client, "anna@clinic.test")
    path = path_of(link_in(mail.outbox[0]))
    LoginLink.objects.update(created_at=timezone.now() - dt.timedelta(minutes=16))
    LoginLink.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 410
        assert "expired" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_made_up_link_gets_the_friendly_page(client, people):
    response = client.post("/portal/sign-in/made-up-token/")
    assert response.status_code == 410
    assert "Send me a new link" in response.content.decode()


def test_a_client_without_a_sign_in_gets_one_on_first_use(ask, client, new_client):
    ask(client, "cara@example.test")
    assert mail.outbox[0].to == [new_client.email]
    from accounts.models import User

    assert not User.objects.filter(email__iexact="cara@example.test").exists()
    client.post(path_of(link_in(mail.outbox[0])))
    new_client.refresh_from_db()
    user = new_client.user
    assert user.role == Role.CLIENT and user.email == "cara@example.test"
    assert not user.has_usable_password()
    assert client.get(reverse("portal:home")).status_code == 200


def test_using_a_link_spends_the_other_open_links(ask, client, people):
    ask(client, "anna@clinic.test")
    ask(client, "anna@clinic.test")
    first, second = (path_of(link_in(m)) for m in mail.outbox)
    client.post(second)
    client.logout()
    assert client.post(first).status_code == 410


def test_asking_too_often_for_one_address_is_refused_with_a_clear_message(ask, client, people):
    for _ in range(3):
        assert ask(client, "anna@clinic.test").status_code == 200
    response = ask(client, "Anna@clinic.test")
    assert response.status_code == 429
    assert "Too many sign-in links were asked for" in response.content.decode()
    assert len(mail.outbox) == 3
    # Unknown addresses are limited the same way, so the limit tells nothing either.
    for _ in range(3):
        ask(client, "nobody@clinic.test")


def test_asking_too_often_from_one_address_is_refused(ask, client, people):
    for n in range(5):
        assert ask(client, f"someone{n}@clinic.test").status_code == 200
    response = ask(client, "anna@clinic.test")
    assert response.status_code == 429
    assert mail.outbox == []


def test_staff_opening_the_portal_go_home_and_strangers_to_sign_in(client, people, as_user):
    assert client.get("/portal/").url.startswith(reverse("portal:signin"))
    for person in (people.manager, people.artist, people.front_desk):
        response = as_user(person).get("/portal/")
        assert response.status_code == 302 and response.url == reverse("home")


def test_a_signed_in_client_without_a_record_is_refused(client, db):
    user = user_create(email="lost@clinic.test", role=Role.CLIENT)
    client.force_login(user)
    assert client.get("/portal/").status_code == 403
    assert not Client.objects.filter(user=user).exists()


def test_the_sign_in_page_only_answers_get_and_post(client, db):
    assert client.put(SIGNIN).status_code == 405
