"""Who may open which page: anonymous people sign in first, roles see only their screens."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["clients:list", "clients:create"]


def test_it_sends_anonymous_people_to_sign_in_with_next(client):
    for url in [reverse("home"), reverse("clients:list"), reverse("clients:create")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


def test_it_refuses_staff_pages_to_a_client(people, as_user):
    browser = as_user(people.client_a)
    for url in [
        reverse("clients:list"),
        reverse("clients:create"),
        reverse("clients:edit", args=[people.record_a.pk]),
    ]:
        response = browser.get(url)
        assert response.status_code == 403, url
        assert b"not available to you" in response.content
        # Not even their own name leaks through a staff page.
        assert b"Ashby" not in response.content
    # The client record is a health page: for a client it does not exist (accounts/access.py).
    response = browser.get(reverse("clients:detail", args=[people.record_a.pk]))
    assert response.status_code == 404
    assert b"Ashby" not in response.content


def test_it_keeps_the_admin_from_front_desk_and_artists(people, as_user):
    for user in (people.front_desk, people.artist, people.client_a):
        browser = as_user(user)
        response = browser.get(reverse("admin:index"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
        response = browser.get(reverse("admin:clients_client_changelist"))
        assert response.status_code == 302


def test_it_opens_the_admin_to_the_manager(people, as_user):
    browser = as_user(people.manager)
    response = browser.get(reverse("admin:index"))
    assert response.status_code == 200
    assert b"Clinic settings" in response.content
    response = browser.get(reverse("admin:clients_client_changelist"))
    assert response.status_code == 200
    assert b"Ashby" in response.content


def test_it_lets_artists_read_but_not_edit_clients(people, as_user):
    browser = as_user(people.artist)
    response = browser.get(reverse("clients:detail", args=[people.record_a.pk]))
    assert response.status_code == 200
    assert b"Anna Ashby" in response.content
    assert b"Edit details" not in response.content
    assert browser.get(reverse("clients:create")).status_code == 403
    response = browser.post(
        reverse("clients:edit", args=[people.record_a.pk]),
        {"first_name": "Changed", "last_name": "Ashby", "email": "anna@clinic.test"},
    )
    assert response.status_code == 403
    people.record_a.refresh_from_db()
    assert people.record_a.first_name == "Anna"


@pytest.mark.parametrize(
    ("role", "visible", "hidden"),
    [
        (
            "front_desk",
            ["Diary", "Clients", "New client", "My hours"],
            ["Settings", "Calendar feed", "Reports", "Team"],
        ),
        (
            "artist",
            ["Diary", "Clients", "Calendar feed", "Reports", "My hours"],
            ["New client", "Settings", "Team"],
        ),
        (
            "manager",
            [
                "Diary",
                "Clients",
                "New client",
                "Calendar feed",
                "Settings",
                "Team",
                "Audit",
                "Reports",
                "My hours",
            ],
            [],
        ),
        (
            "client_a",
            [],
            ["Diary", "Clients", "New client", "Calendar feed", "Settings", "Team", "My hours"],
        ),
    ],
)
def test_it_shows_each_role_only_the_menu_it_may_use(people, as_user, role, visible, hidden):
    # A client's home is their portal (a redirect): follow it to the page and its menu.
    response = as_user(getattr(people, role)).get(reverse("home"), follow=True)
    menu = response.content.decode().split('aria-label="Main"')[1].split("</nav>")[0]
    for label in visible:
        assert f">{label}</a>" in menu
    for label in hidden:
        assert f">{label}</a>" not in menu


def _main_menu(response) -> str:
    """The main menu's entries, whatever the page's language."""
    return response.content.decode().split('<ul class="navbar-nav me-auto">')[1].split("</ul>")[0]


def test_the_menu_marks_the_page_s_part_speaks_each_person_s_language_and_follows_the_day(
    people, as_user, monkeypatch
):
    """Each process builds a menu once per role, language and day: one person's menu
    never shows in another's page, language or day."""
    import datetime as dt

    from django.utils import timezone

    browser = as_user(people.front_desk)
    menu = _main_menu(browser.get(reverse("clients:list")))
    assert (
        f'class="nav-link text-nowrap active" href="{reverse("clients:list")}">Clients</a>' in menu
    )
    assert menu.count(" active") == 1
    today = timezone.localdate()
    assert f'href="{reverse("scheduling:day", args=[today])}">Diary</a>' in menu

    menu = _main_menu(as_user(people.manager).get(reverse("consultations:list")))
    assert ">Consultations</a>" in menu and ">Reports</a>" in menu
    assert f'active" href="{reverse("consultations:list")}">Consultations</a>' in menu

    people.front_desk.language = "es"
    people.front_desk.save(update_fields=["language"])
    menu = _main_menu(as_user(people.front_desk).get(reverse("clients:list")))
    assert ">Clientes</a>" in menu and ">Clients</a>" not in menu
    assert ">Reports</a>" not in menu and ">Informes</a>" not in menu

    later = timezone.now() + dt.timedelta(days=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    menu = _main_menu(as_user(people.front_desk).get(reverse("clients:list")))
    day = timezone.localdate()
    assert day != today
    assert f'href="{reverse("scheduling:day", args=[day])}">' in menu
    assert reverse("scheduling:day", args=[today]) not in menu
