"""The manager's audit pages: what they show, who may open them, what they cost."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import ChangeEntry, RecordView
from audit.selectors import PAGE_SIZE
from tests.clock import YEAR, utc

pytestmark = pytest.mark.django_db


def _view(user, client, what="consultation", at=None, ip="192.0.2.5"):
    view = RecordView.objects.create(user=user, client=client, what=what, ip=ip, path="/x/")
    if at:
        RecordView.objects.filter(pk=view.pk).update(at=at)
    return view


def test_the_client_page_shows_views_and_changes_newest_first(people, as_user):
    record = people.record_a
    _view(people.artist, record, what="photo")
    # Then a change through the real edit page.
    as_user(people.front_desk).post(
        reverse("clients:edit", args=[record.pk]),
        {
            "first_name": "Anna",
            "last_name": "Ashby-Stone",
            "email": record.email,
            "phone": str(record.phone),
            "preferred_channel": record.preferred_channel,
            "notes": record.notes,
        },
        REMOTE_ADDR="192.0.2.77",
    )
    _view(people.front_desk, people.record_b, what="photo")  # someone else's record

    response = as_user(people.manager).get(reverse("audit:client", args=[record.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    rows = response.context["rows"]
    assert [(r.kind, r.who, r.what, r.action) for r in rows][:2] == [
        ("change", "Jordan Price", "client", "changed"),
        ("view", "Sam Okafor", "photo", "viewed"),
    ]
    # Before them: the record was created (by the test set-up, with no one signed in).
    assert [(r.who, r.action) for r in rows][-1] == ("system", "created")
    assert all(r.client_pk == record.pk for r in rows)
    page = response.content.decode()
    assert "192.0.2.77" in page and "192.0.2.5" in page
    assert "Ashby-Stone" in page and '<del class="audit-before">Ashby</del>' in page
    assert page.index("Jordan Price") < page.index("Sam Okafor")


def test_times_are_shown_in_the_clinic_zone(people, as_user, settings):
    settings.TIME_ZONE = "Europe/London"
    summer = utc(7, 1, 9, 30)
    _view(people.artist, people.record_a, at=summer)
    page = as_user(people.manager).get(reverse("audit:client", args=[people.record_a.pk]))
    assert f"1 Jul {YEAR}, 10:30:00" in page.content.decode()


def test_the_staff_page_shows_what_one_person_viewed_and_changed(people, as_user):
    _view(people.artist, people.record_a, what="session log")
    _view(people.artist, people.record_b, what="photo")
    _view(people.front_desk, people.record_a, what="client record")
    response = as_user(people.manager).get(reverse("audit:staff", args=[people.artist.pk]))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert {(r.what, r.client_name) for r in rows} == {
        ("session log", str(people.record_a)),
        ("photo", str(people.record_b)),
    }
    assert reverse("audit:client", args=[people.record_b.pk]) in response.content.decode()


def test_the_staff_list_links_to_each_member_of_staff(people, as_user):
    response = as_user(people.manager).get(reverse("audit:staff_list"))
    page = response.content.decode()
    for member in (people.manager, people.artist, people.front_desk):
        assert reverse("audit:staff", args=[member.pk]) in page
    assert reverse("audit:staff", args=[people.client_a.pk]) not in page
    # A client has no staff trail.
    response = as_user(people.manager).get(reverse("audit:staff", args=[people.client_a.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["front_desk", "artist"])
def test_other_staff_are_refused(people, as_user, who):
    browser = as_user(getattr(people, who))
    for url in (
        reverse("audit:staff_list"),
        reverse("audit:client", args=[people.record_a.pk]),
        reverse("audit:staff", args=[people.artist.pk]),
    ):
        assert browser.get(url).status_code == 403


def test_clients_get_not_found(people, as_user):
    browser = as_user(people.client_a)
    for url in (
        reverse("audit:staff_list"),
        reverse("audit:client", args=[people.record_a.pk]),
        reverse("audit:staff", args=[people.artist.pk]),
    ):
        assert browser.get(url).status_code == 404


def test_anonymous_people_are_sent_to_sign_in(client, people):
    url = reverse("audit:client", args=[people.record_a.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_pages_only_read(people, as_user):
    browser = as_user(people.manager)
    assert browser.post(reverse("audit:client", args=[people.record_a.pk])).status_code == 405
    assert browser.post(reverse("audit:staff_list")).status_code == 405


def test_an_unknown_client_is_not_found_but_an_erased_ones_trail_stays(people, as_user):
    browser = as_user(people.manager)
    assert browser.get(reverse("audit:client", args=[99999])).status_code == 404
    ChangeEntry.objects.create(
        content_type_id=1, object_pk="5", object_repr="x", action=2, client_pk=4242
    )
    response = browser.get(reverse("audit:client", args=[4242]))
    assert response.status_code == 200
    assert "record erased" in response.content.decode()


def test_the_trail_is_paged(people, as_user):
    RecordView.objects.bulk_create(
        RecordView(user=people.artist, client=people.record_a, what="photo", path="/p/")
        for _ in range(PAGE_SIZE + 7)
    )
    # Creating the record and linking its sign-in are changes of their own.
    already = ChangeEntry.objects.filter(client_pk=people.record_a.pk).count()
    browser = as_user(people.manager)
    url = reverse("audit:client", args=[people.record_a.pk])
    assert len(browser.get(url).context["rows"]) == PAGE_SIZE
    assert len(browser.get(url, {"page": 2}).context["rows"]) == 7 + already
    # Nonsense page numbers show the last page rather than an error.
    assert browser.get(url, {"page": "abc"}).status_code == 200


def _make_entries(people, n):
    for i in range(n):
        _view([people.artist, people.front_desk][i % 2], people.record_a, what="photo")
        people.record_a.notes = f"Note {i}"
        ChangeEntry.objects.log_create(
            people.record_a,
            action=ChangeEntry.Action.UPDATE,
            changes={"notes": [f"Note {i - 1}", f"Note {i}"]},
            actor=[people.manager, people.artist][i % 2],
        )


@pytest.mark.parametrize("page_name", ["client", "staff"])
def test_a_page_costs_the_same_queries_with_5_or_50_entries(people, as_user, page_name):
    browser = as_user(people.manager)
    if page_name == "client":
        url = reverse("audit:client", args=[people.record_a.pk])
    else:
        url = reverse("audit:staff", args=[people.artist.pk])
    counts = []
    for n in (5, 45):
        _make_entries(people, n)
        with CaptureQueriesContext(connection) as queries:
            response = browser.get(url)
        assert response.status_code == 200
        assert len(response.context["rows"]) > 0
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 12


def test_every_link_on_a_trail_opens_including_a_clients_own_action(people, as_user):
    """A client's own action (here, viewing their record in the portal) names them without
    a link to a staff page they do not have; every link the page does show opens."""
    import re

    _view(people.client_a, people.record_a, what="my plan")
    _view(people.artist, people.record_a, what="photo")
    manager = as_user(people.manager)
    page = manager.get(reverse("audit:client", args=[people.record_a.pk])).content.decode()
    rows = page[page.index("<tbody") :]
    assert people.client_a.get_full_name() in rows
    links = set(re.findall(r'href="(/audit/[^"]+)"', rows))
    assert reverse("audit:staff", args=[people.artist.pk]) in links
    assert reverse("audit:staff", args=[people.client_a.pk]) not in links
    for link in links:
        assert manager.get(link).status_code == 200, link


def test_a_spanish_manager_reads_the_trail_in_spanish(people, as_user):
    record = people.record_a
    _view(people.artist, record, what="photo")
    as_user(people.front_desk).post(
        reverse("clients:edit", args=[record.pk]),
        {
            "first_name": "Anna",
            "last_name": "Ashby-Stone",
            "email": record.email,
            "phone": str(record.phone),
            "preferred_channel": record.preferred_channel,
            "notes": record.notes,
        },
    )
    people.manager.language = "es"
    people.manager.save(update_fields=["language"])
    manager = as_user(people.manager)
    response = manager.get(reverse("audit:client", args=[record.pk]))
    rows = response.context["rows"]
    assert [(r.who, r.what, r.action, r.code) for r in rows][:2] == [
        ("Jordan Price", "cliente", "modificado", "changed"),
        ("Sam Okafor", "foto", "consultado", "viewed"),
    ]
    assert [(r.who, r.action) for r in rows][-1] == ("sistema", "creado")
    page = response.content.decode()
    assert "Registro de auditoría: Anna Ashby-Stone" in page
    assert "las más recientes primero" in page and "Cuándo" in page
    staff = manager.get(reverse("audit:staff", args=[people.artist.pk])).content.decode()
    assert "Cada ficha de cliente que Sam abrió o modificó." in staff
    listing = manager.get(reverse("audit:staff_list")).content.decode()
    assert "Miembro del personal" in listing and "Solicitudes de supresión" in listing


def test_the_changed_fields_are_named_in_the_readers_language(people, as_user):
    record = people.record_a
    as_user(people.front_desk).post(
        reverse("clients:edit", args=[record.pk]),
        {
            "first_name": "Anna",
            "last_name": "Ashby-Stone",
            "email": record.email,
            "phone": str(record.phone),
            "preferred_channel": record.preferred_channel,
            "notes": record.notes,
        },
    )
    url = reverse("audit:client", args=[record.pk])
    english = as_user(people.manager).get(url).context["rows"][0]
    assert [change.label for change in english.changes] == ["last name"]
    people.manager.language = "es"
    people.manager.save(update_fields=["language"])
    response = as_user(people.manager).get(url)
    change = response.context["rows"][0].changes[0]
    assert (change.label, change.after) == ("apellidos", "Ashby-Stone")
    page = response.content.decode()
    assert "<dt>Apellidos</dt>" in page and "Last name" not in page


def test_every_field_the_trail_records_has_a_name_in_the_readers_language():
    """A field added to an audited model without a name in audit.registry.FIELD_NAMES (or a
    verbose_name marked for translation) would show in English to every reader."""
    from django.apps import apps
    from django.utils import translation
    from django.utils.functional import Promise

    from audit.registry import FIELD_NAMES, HEALTH_RECORDS, NOISY_FIELDS, SETTINGS_RECORDS

    missing = []
    for audited in HEALTH_RECORDS + SETTINGS_RECORDS:
        for field in apps.get_model(audited.model)._meta.get_fields():
            if not field.concrete or field.name in ("id", *NOISY_FIELDS, *audited.exclude):
                continue
            if (
                not isinstance(field.verbose_name, Promise)
                and field.verbose_name not in FIELD_NAMES
            ):
                missing.append(f"{audited.model}.{field.name}")
    assert missing == []
    with translation.override("es"):
        untranslated = [name for name, shown in FIELD_NAMES.items() if str(shown) == name]
    # Words that are the same in both languages.
    assert untranslated == ["plan"]
