"""Settings → Team: the list, inviting someone by email and their welcome link, roles,
deactivating and reactivating, and the rule that the clinic keeps one manager."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.invitations import invitation_tokens
from accounts.models import MemberStatus, Role, SecurityPolicy, User
from accounts.services import team_member_deactivate, team_member_invite, user_create
from accounts.tests.helpers import give_two_factor, sign_in
from conftest import PASSWORD
from tests.redis_server import free_port

pytestmark = pytest.mark.django_db

TEAM = reverse("team:list")
INVITE = reverse("team:invite")
NEW_PASSWORD = "violet-harbour-lantern-42"


@pytest.fixture(autouse=True)
def _own_cache(settings):
    # The "ask for a new invitation" limit counts in a cache of this test's own.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "team"}
    }
    cache.clear()
    yield
    cache.clear()


def invite(browser, **overrides):
    data = {
        "first_name": "Priya",
        "last_name": "Shah",
        "email": "priya@clinic.test",
        "role": "artist",
        **overrides,
    }
    return browser.post(INVITE, data)


def link_in(message) -> str:
    """The invitation's link, as the path the browser opens."""
    found = re.search(r"https?://\S+/accounts/welcome/\S+/", message.body)
    assert found, message.body
    return found.group()


def path_of(link: str) -> str:
    return urlsplit(link).path


def choose_password(browser, link: str, password: str = NEW_PASSWORD):
    """Open the link (Django moves the token into the session) and choose a password."""
    opened = browser.get(path_of(link))
    assert opened.status_code == 302, "a working link hides its token behind a redirect"
    form_url = opened["Location"]
    return browser.get(form_url), browser.post(
        form_url, {"new_password1": password, "new_password2": password}
    )


def session_count_of(user) -> int:
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session

    return sum(
        1
        for s in Session.objects.filter(expire_date__gt=timezone.now())
        if s.get_decoded().get(SESSION_KEY) == str(user.pk)
    )


# --- The list -----------------------------------------------------------------------------


def test_the_list_shows_each_member_with_role_status_two_factor_and_last_sign_in(
    people, as_user, settings
):
    settings.SITE_URL = "https://clinic.example.com"
    give_two_factor(people.artist)
    last_seen = timezone.now() - dt.timedelta(days=40)
    User.objects.filter(pk=people.front_desk.pk).update(last_login=last_seen)
    team_member_invite(
        email="new@clinic.test", role=Role.ARTIST, first_name="Nia", by=people.manager
    )
    gone = user_create(email="gone@clinic.test", role=Role.FRONT_DESK, first_name="Gus")
    team_member_deactivate(user=gone, by=people.manager)

    page = as_user(people.manager).get(TEAM)
    html = page.content.decode()
    assert page.status_code == 200

    def row(user):
        return re.search(rf'data-testid="member-{user.pk}">(.*?)</tr>', html, re.S).group(1)

    artist = row(people.artist)
    assert "Sam Okafor" in artist and "artist@clinic.test" in artist
    assert "SMP artist" in artist and "Active" in artist and ">On<" in artist
    assert reverse("team:member", args=[people.artist.pk]) in artist
    assert "Never" in artist
    desk = row(people.front_desk)
    shown = dateformat.format(timezone.localtime(last_seen), "j M Y, H:i")
    assert "Front desk" in desk and "Not set up" in desk and shown in desk
    assert "Invited" in row(User.objects.get(email="new@clinic.test"))
    assert "Deactivated" in row(gone)
    # Clients are not part of the team.
    assert "anna@clinic.test" not in html
    # Those who work here first, then who is joining, then who has left.
    assert html.index("Sam Okafor") < html.index("Nia") < html.index("Gus")


def test_the_list_takes_the_same_queries_for_5_or_25_members(
    people, as_user, django_assert_max_num_queries
):
    from scheduling.staff_hours import time_off_add

    browser = as_user(people.manager)

    def add(count):
        start = User.objects.count()
        for n in range(count):
            member = user_create(
                email=f"member{start + n}@clinic.test",
                role=[Role.ARTIST, Role.FRONT_DESK][n % 2],
                first_name=f"Member {start + n}",
            )
            give_two_factor(member, backup_codes=())
            ahead = timezone.now() + dt.timedelta(days=10 + n)
            time_off_add(
                member=member,
                starts_at=ahead,
                ends_at=ahead + dt.timedelta(days=1),
                kind="holiday",
                by=member,
            )

    add(2)
    with django_assert_max_num_queries(10) as small:
        assert browser.get(TEAM).status_code == 200
    add(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = browser.get(TEAM)
    html = response.content.decode()
    assert html.count('data-testid="member-') == 25
    assert html.count(">Approve</button>") == 22


@pytest.mark.parametrize("who", ["artist", "front_desk", "client_a"])
def test_only_the_manager_opens_the_team_pages(people, as_user, who):
    browser = as_user(getattr(people, who))
    assert browser.get(TEAM).status_code == 403
    assert browser.get(INVITE).status_code == 403
    assert browser.get(reverse("team:member", args=[people.artist.pk])).status_code == 403
    response = invite(browser)
    assert response.status_code == 403
    assert not User.objects.filter(email="priya@clinic.test").exists()
    assert mail.outbox == []


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(TEAM)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('accounts:login')}?next=")


def test_a_client_is_not_a_member_of_staff(people, as_user):
    browser = as_user(people.manager)
    assert browser.get(reverse("team:member", args=[people.client_a.pk])).status_code == 404
    assert browser.get(reverse("team:member", args=[987654])).status_code == 404
    response = browser.post(reverse("team:deactivate", args=[people.client_a.pk]))
    assert response.status_code == 404
    people.client_a.refresh_from_db()
    assert people.client_a.is_active


# --- Inviting someone -----------------------------------------------------------------------


def test_an_invited_artist_chooses_a_password_from_the_email_and_can_sign_in(
    people, as_user, settings
):
    settings.SITE_URL = "https://clinic.example.com"
    settings.CLINIC_NAME = "Crown SMP"
    response = invite(as_user(people.manager))

    priya = User.objects.get(email="priya@clinic.test")
    assert response.status_code == 302
    assert response["Location"] == reverse("team:member", args=[priya.pk])
    assert priya.member_status == MemberStatus.INVITED
    assert not priya.is_active and not priya.has_usable_password()
    assert priya.role == Role.ARTIST
    assert list(priya.groups.values_list("name", flat=True)) == ["SMP artist"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["priya@clinic.test"]
    assert "Crown SMP" in message.subject
    assert "Morgan Hale has invited you to join the team at Crown SMP as SMP artist" in message.body
    assert "3 hours" in message.body
    link = link_in(message)
    assert link.startswith("https://clinic.example.com/accounts/welcome/")
    # Before the password is chosen, nobody can sign in as Priya.
    assert sign_in(Client(), "priya@clinic.test", NEW_PASSWORD).status_code == 200

    browser = Client()
    form, saved = choose_password(browser, link)
    assert "Welcome to Crown SMP — choose your password" in form.content.decode()
    assert "priya@clinic.test" in form.content.decode()
    assert saved.status_code == 302 and saved["Location"] == reverse("home")
    priya.refresh_from_db()
    assert priya.member_status == MemberStatus.ACTIVE
    assert priya.invited_at is None
    assert priya.check_password(NEW_PASSWORD)
    # Signed in straight away: the artist's own home.
    assert browser.get(reverse("home")).status_code == 200
    assert "_auth_user_id" in browser.session

    # And from now on with the password, like everyone else.
    again = Client()
    assert sign_in(again, "priya@clinic.test", NEW_PASSWORD).status_code == 302
    assert again.get(reverse("home")).status_code == 200


def test_the_password_rules_apply_and_a_refused_password_changes_nothing(people, as_user):
    invite(as_user(people.manager))
    form, refused = choose_password(Client(), link_in(mail.outbox[0]), password="12345678")
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "This password is too short" in page
    assert "This password is entirely numeric" in page
    priya = User.objects.get(email="priya@clinic.test")
    assert priya.member_status == MemberStatus.INVITED
    assert not priya.has_usable_password()


def test_when_the_clinic_requires_two_factor_the_new_member_sets_it_up_first(people, as_user):
    invite(as_user(people.manager), role="front_desk")
    policy = SecurityPolicy.current()
    policy.require_staff_two_factor = True
    policy.save()

    browser = Client()
    _, saved = choose_password(browser, link_in(mail.outbox[0]))
    assert saved.status_code == 302
    # Every page leads to setting up the authenticator app, as after any sign-in.
    home = browser.get(reverse("home"))
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("accounts:two_factor"))
    setup = browser.get(home["Location"])
    assert "Set up two-factor sign-in" in setup.content.decode()
    assert browser.get(reverse("clients:list")).status_code == 302


def test_a_used_link_says_so_and_changes_nothing(people, as_user):
    invite(as_user(people.manager))
    link = link_in(mail.outbox[0])
    choose_password(Client(), link)

    browser = Client()
    page = browser.get(path_of(link))
    assert page.status_code == 200
    html = page.content.decode()
    assert "This invitation link no longer works" in html
    assert reverse("accounts:login") in html
    assert "Ask for a new invitation" in html
    response = browser.post(
        path_of(link), {"new_password1": "another-pass-9876", "new_password2": "another-pass-9876"}
    )
    assert "This invitation link no longer works" in response.content.decode()
    assert User.objects.get(email="priya@clinic.test").check_password(NEW_PASSWORD)


def test_an_expired_link_says_so_and_changes_nothing(people, settings):
    sent = timezone.now() - dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    team_member_invite(
        email="priya@clinic.test", role=Role.ARTIST, first_name="Priya", by=people.manager, now=sent
    )
    link = path_of(link_in(mail.outbox[0]))
    browser = Client()
    page = browser.get(link)
    assert page.status_code == 200
    assert "This invitation link no longer works" in page.content.decode()
    browser.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    priya = User.objects.get(email="priya@clinic.test")
    assert priya.member_status == MemberStatus.INVITED and not priya.has_usable_password()


def test_a_link_sent_within_the_lifetime_still_works(people, settings):
    sent = timezone.now() - dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT - 120)
    team_member_invite(
        email="priya@clinic.test", role=Role.ARTIST, first_name="Priya", by=people.manager, now=sent
    )
    _, saved = choose_password(Client(), link_in(mail.outbox[0]))
    assert saved.status_code == 302
    assert User.objects.get(email="priya@clinic.test").is_active


def test_forged_links_open_for_nobody(people, as_user):
    invite(as_user(people.manager))
    priya = User.objects.get(email="priya@clinic.test")
    link = path_of(link_in(mail.outbox[0]))
    uid, token = link.rstrip("/").split("/")[-2:]
    forged = [
        # The token with one character changed.
        reverse("accounts:welcome", args=[uid, token[:-1] + ("a" if token[-1] != "a" else "b")]),
        # Priya's token on someone else's account.
        reverse("accounts:welcome", args=[urlsafe_base64_encode(b"%d" % people.artist.pk), token]),
        # A password-reset token of Priya's: a different kind of link.
        reverse("accounts:welcome", args=[uid, default_token_generator.make_token(priya)]),
        reverse("accounts:welcome", args=["not-base64!", token]),
    ]
    for address in forged:
        browser = Client()
        page = browser.get(address)
        assert page.status_code == 200, address
        assert "This invitation link no longer works" in page.content.decode()
        browser.post(address, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    priya.refresh_from_db()
    assert priya.member_status == MemberStatus.INVITED and not priya.has_usable_password()
    people.artist.refresh_from_db()
    assert people.artist.check_password(PASSWORD)


def test_someone_who_has_joined_cannot_use_an_invitation_link_again(people):
    # A deactivated member with a well-made invitation token must not get back in by it.
    team_member_deactivate(user=people.artist, by=people.manager)
    uid = urlsafe_base64_encode(force_bytes(people.artist.pk))
    address = reverse("accounts:welcome", args=[uid, invitation_tokens.make_token(people.artist)])
    browser = Client()
    assert "This invitation link no longer works" in browser.get(address).content.decode()
    people.artist.refresh_from_db()
    assert not people.artist.is_active and people.artist.check_password(PASSWORD)


def test_a_duplicate_email_is_refused_next_to_the_field_and_nothing_is_created(people, as_user):
    before = User.objects.count()
    response = invite(as_user(people.manager), email="Artist@Clinic.test")
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["email"] == ["Someone with this email already has an account here."]
    assert "Nobody was invited" in response.content.decode()
    assert 'value="Priya"' in response.content.decode()  # what was typed stays
    assert User.objects.count() == before
    assert mail.outbox == []


def test_bad_input_is_refused_field_by_field(people, as_user):
    browser = as_user(people.manager)
    response = invite(browser, email="not an email", role="client", first_name="")
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"email", "role", "first_name"}
    assert not User.objects.filter(first_name="Priya").exists()
    assert mail.outbox == []


def test_an_invitation_whose_email_fails_is_kept_to_send_again(people, as_user, settings):
    # A mail server that cannot be reached: nothing listens on this port.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_TIMEOUT = 2
    browser = as_user(people.manager)
    response = invite(browser)
    priya = User.objects.get(email="priya@clinic.test")
    assert response.status_code == 302
    page = browser.get(response["Location"]).content.decode()
    assert "the email could not be sent" in page
    assert "Send the invitation again" in page
    assert priya.member_status == MemberStatus.INVITED

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    browser.post(reverse("team:invitation_resend", args=[priya.pk]))
    assert len(mail.outbox) == 1
    _, saved = choose_password(Client(), link_in(mail.outbox[0]))
    assert saved.status_code == 302


def test_sending_again_replaces_the_earlier_link(people, as_user):
    browser = as_user(people.manager)
    invite(browser)
    priya = User.objects.get(email="priya@clinic.test")
    first = link_in(mail.outbox[0])
    response = browser.post(reverse("team:invitation_resend", args=[priya.pk]), follow=True)
    assert "A new invitation has gone to priya@clinic.test" in response.content.decode()
    assert len(mail.outbox) == 2
    second = link_in(mail.outbox[1])
    assert first != second
    assert "no longer works" in Client().get(path_of(first)).content.decode()
    _, saved = choose_password(Client(), second)
    assert saved.status_code == 302


def test_cancelling_an_invitation_removes_it_and_the_link_stops_working(people, as_user):
    browser = as_user(people.manager)
    invite(browser)
    priya = User.objects.get(email="priya@clinic.test")
    link = path_of(link_in(mail.outbox[0]))
    response = browser.post(reverse("team:invitation_cancel", args=[priya.pk]))
    assert response.status_code == 302 and response["Location"] == TEAM
    assert not User.objects.filter(email="priya@clinic.test").exists()
    assert "no longer works" in Client().get(link).content.decode()
    # The email can be invited again.
    assert invite(browser).status_code == 302


def test_only_a_waiting_invitation_can_be_sent_again_or_cancelled(people, as_user):
    browser = as_user(people.manager)
    for name in ("team:invitation_resend", "team:invitation_cancel"):
        response = browser.post(reverse(name, args=[people.artist.pk]), follow=True)
        assert "Nothing was changed" in response.content.decode()
    assert User.objects.filter(pk=people.artist.pk, is_active=True).exists()
    assert mail.outbox == []


def test_someone_whose_link_has_run_out_can_ask_the_managers_for_a_new_one(people, settings):
    sent = timezone.now() - dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    priya = team_member_invite(
        email="priya@clinic.test", role=Role.ARTIST, first_name="Priya", by=people.manager, now=sent
    )
    second_manager = user_create(email="owner@clinic.test", role=Role.MANAGER, first_name="Olu")
    uid = path_of(link_in(mail.outbox[0])).rstrip("/").split("/")[-2]
    mail.outbox.clear()

    answer = Client().post(reverse("accounts:welcome_ask", args=[uid]))
    assert answer.status_code == 200
    assert "has been asked to send a new one" in answer.content.decode()
    assert len(mail.outbox) == 1
    asked = mail.outbox[0]
    assert sorted(asked.to) == sorted([people.manager.email, second_manager.email])
    assert "Priya" in asked.subject
    assert reverse("team:member", args=[priya.pk]) in asked.body
    # Nothing about the account changed, and asking again and again is limited.
    for _ in range(5):
        Client().post(reverse("accounts:welcome_ask", args=[uid]))
    assert len(mail.outbox) == 3
    # For an account that is not waiting for an invitation, the same answer and no email.
    mail.outbox.clear()
    other = urlsafe_base64_encode(force_bytes(people.artist.pk))
    same = Client().post(reverse("accounts:welcome_ask", args=[other]))
    assert same.content == answer.content
    assert mail.outbox == []


# --- Roles, deactivating, reactivating --------------------------------------------------------


def test_the_manager_changes_someones_role(people, as_user):
    browser = as_user(people.manager)
    response = browser.post(
        reverse("team:role", args=[people.artist.pk]), {"role": "front_desk"}, follow=True
    )
    assert "Sam Okafor is now Front desk" in response.content.decode()
    people.artist.refresh_from_db()
    assert people.artist.role == Role.FRONT_DESK and not people.artist.is_staff
    assert list(people.artist.groups.values_list("name", flat=True)) == ["Front desk"]
    # Manager gives admin access with the role.
    browser.post(reverse("team:role", args=[people.artist.pk]), {"role": "manager"})
    people.artist.refresh_from_db()
    assert people.artist.role == Role.MANAGER and people.artist.is_staff


def test_a_client_role_is_not_on_offer(people, as_user):
    response = as_user(people.manager).post(
        reverse("team:role", args=[people.artist.pk]), {"role": "client"}
    )
    assert response.status_code == 400
    assert "role" in response.context["role_form"].errors
    people.artist.refresh_from_db()
    assert people.artist.role == Role.ARTIST


def test_the_only_manager_cannot_stop_being_one(people, as_user):
    browser = as_user(people.manager)
    response = browser.post(reverse("team:role", args=[people.manager.pk]), {"role": "artist"})
    assert response.status_code == 400
    assert response.context["role_form"].errors["role"] == [
        "Morgan Hale is the clinic's only active manager. Make someone else a manager first."
    ]
    people.manager.refresh_from_db()
    assert people.manager.role == Role.MANAGER
    # With a second manager, the first may step down.
    browser.post(reverse("team:role", args=[people.front_desk.pk]), {"role": "manager"})
    response = browser.post(reverse("team:role", args=[people.manager.pk]), {"role": "artist"})
    assert response.status_code == 302
    people.manager.refresh_from_db()
    assert people.manager.role == Role.ARTIST


def test_the_last_active_manager_cannot_be_deactivated(people):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="only active manager"):
        team_member_deactivate(user=people.manager, by=people.front_desk)
    people.manager.refresh_from_db()
    assert people.manager.is_active


def test_a_manager_cannot_deactivate_themselves(people, as_user):
    other = user_create(email="owner@clinic.test", role=Role.MANAGER, first_name="Olu")
    browser = as_user(people.manager)
    page = browser.get(reverse("team:member", args=[people.manager.pk])).content.decode()
    assert "You cannot deactivate yourself" in page
    response = browser.post(reverse("team:deactivate", args=[people.manager.pk]), follow=True)
    assert "Nothing was changed: You cannot deactivate yourself" in response.content.decode()
    people.manager.refresh_from_db()
    assert people.manager.is_active
    # Another manager can.
    as_user(other).post(reverse("team:deactivate", args=[people.manager.pk]))
    people.manager.refresh_from_db()
    assert not people.manager.is_active


def test_deactivating_signs_them_out_at_once_and_keeps_their_history(people, as_user, clinic):
    from scheduling.models import Appointment
    from scheduling.tests.diary_fixtures import book
    from tests.clock import MONDAY, at

    booked = book(clinic, at(MONDAY, "10:00"))
    artist_browser = Client()
    artist_browser.force_login(people.artist)
    assert artist_browser.get(reverse("home")).status_code == 200
    assert session_count_of(people.artist) == 1

    response = as_user(people.manager).post(
        reverse("team:deactivate", args=[people.artist.pk]), follow=True
    )
    assert "signed out everywhere" in response.content.decode()
    people.artist.refresh_from_db()
    assert people.artist.member_status == MemberStatus.DEACTIVATED
    assert session_count_of(people.artist) == 0
    signed_out = artist_browser.get(reverse("home"))
    assert signed_out.status_code == 302
    assert signed_out["Location"].startswith(reverse("accounts:login"))
    assert sign_in(Client(), people.artist.email).status_code == 200  # refused
    assert Appointment.objects.filter(pk=booked.pk, artist=people.artist).exists()

    # Reactivated, they sign in again with the password they had.
    as_user(people.manager).post(reverse("team:reactivate", args=[people.artist.pk]))
    people.artist.refresh_from_db()
    assert people.artist.is_active
    assert sign_in(Client(), people.artist.email).status_code == 302


def test_an_invited_member_is_cancelled_not_deactivated(people, as_user):
    browser = as_user(people.manager)
    invite(browser)
    priya = User.objects.get(email="priya@clinic.test")
    response = browser.post(reverse("team:deactivate", args=[priya.pk]), follow=True)
    assert "cancel the invitation instead" in response.content.decode()
    response = browser.post(reverse("team:reactivate", args=[priya.pk]), follow=True)
    assert "is not deactivated" in response.content.decode()
    priya.refresh_from_db()
    assert priya.member_status == MemberStatus.INVITED


@pytest.mark.parametrize("who", ["artist", "front_desk", "client_a", "client_b"])
def test_nobody_but_the_manager_changes_the_team(people, as_user, who):
    invite(as_user(people.manager))
    priya = User.objects.get(email="priya@clinic.test")
    mail.outbox.clear()
    browser = as_user(getattr(people, who))
    attempts = [
        (reverse("team:role", args=[people.front_desk.pk]), {"role": "manager"}),
        (reverse("team:deactivate", args=[people.front_desk.pk]), {}),
        (reverse("team:reactivate", args=[people.front_desk.pk]), {}),
        (reverse("team:invitation_resend", args=[priya.pk]), {}),
        (reverse("team:invitation_cancel", args=[priya.pk]), {}),
    ]
    for url, data in attempts:
        assert browser.post(url, data).status_code == 403, url
    people.front_desk.refresh_from_db()
    assert people.front_desk.role == Role.FRONT_DESK and people.front_desk.is_active
    assert User.objects.filter(pk=priya.pk, invited_at__isnull=False).exists()
    assert mail.outbox == []


def test_actions_are_post_only(people, as_user):
    browser = as_user(people.manager)
    for name in ("team:role", "team:deactivate", "team:reactivate"):
        assert browser.get(reverse(name, args=[people.artist.pk])).status_code == 405
    people.artist.refresh_from_db()
    assert people.artist.is_active


def test_an_invitation_the_provider_refuses_is_kept_and_says_why(people, as_user, postmark):
    postmark.invalid.add("priya@clinic.test")
    browser = as_user(people.manager)
    response = invite(browser)
    assert response.status_code == 302
    priya = User.objects.get(email="priya@clinic.test")
    page = browser.get(response["Location"]).content.decode()
    assert "the email could not be sent" in page
    assert priya.member_status == MemberStatus.INVITED
    assert postmark.sent == []


def test_the_invitation_goes_in_the_invitees_language_whatever_the_managers(
    people, as_user, settings
):
    settings.CLINIC_NAME = "Crown SMP"
    people.manager.language = "es"  # a Spanish-reading manager invites an English reader
    people.manager.save(update_fields=["language"])
    browser = as_user(people.manager)
    invite(browser)
    assert "Morgan Hale has invited you to join the team at Crown SMP" in mail.outbox[0].body
    # Once Priya's language is known to be Spanish, the invitation sent again is in Spanish.
    priya = User.objects.get(email="priya@clinic.test")
    priya.language = "es"
    priya.save(update_fields=["language"])
    browser.post(reverse("team:invitation_resend", args=[priya.pk]))
    spanish = mail.outbox[-1]
    assert spanish.subject == "Bienvenido/a a Crown SMP: elija su contraseña"
    assert "Hola, Priya:" in spanish.body
    assert "Morgan Hale le ha invitado a unirse al equipo de Crown SMP como" in spanish.body
    assert "3 horas" in spanish.body and "Si ha caducado" in spanish.body
    assert link_in(spanish)


def test_managers_are_asked_for_a_new_invitation_each_in_their_language(people, settings):
    sent = timezone.now() - dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    team_member_invite(
        email="priya@clinic.test", role=Role.ARTIST, first_name="Priya", by=people.manager, now=sent
    )
    spanish_manager = user_create(email="owner@clinic.test", role=Role.MANAGER, first_name="Olu")
    spanish_manager.language = "es"
    spanish_manager.save(update_fields=["language"])
    uid = path_of(link_in(mail.outbox[0])).rstrip("/").split("/")[-2]
    mail.outbox.clear()
    Client().post(reverse("accounts:welcome_ask", args=[uid]))
    by_reader = {tuple(message.to): message for message in mail.outbox}
    assert set(by_reader) == {(people.manager.email,), (spanish_manager.email,)}
    assert "asks for a new invitation" in by_reader[(people.manager.email,)].subject
    spanish = by_reader[(spanish_manager.email,)]
    assert "pide una nueva invitación" in spanish.subject
    assert "Envíelo desde su página en los ajustes del equipo:" in spanish.body
