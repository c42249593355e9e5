"""Every URL of the app, requested by every kind of visitor, against one table of outcomes.

The table lives in smpclinic/permissions_table.py. A clinic is built in which Anna
(client A) owns one of everything; Ben (client B) asks for Anna's things.
"""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import URLResolver, get_resolver, reverse

from smpclinic.permissions_table import (
    FORBIDDEN,
    METHOD,
    NOT_FOUND,
    OK,
    TABLE,
    VISITORS,
    Outcome,
    is_health_page,
)
from smpclinic.tests.sweep_fixtures import build_clinic


@pytest.fixture
def clinic(people, settings):
    # Rate limits count in a cache of this test's own, not the shared one under var/.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sweep"}
    }
    cache.clear()
    yield build_clinic(people, settings)
    cache.clear()


# --- the sweep ------------------------------------------------------------------------


def _walk(resolver, namespace=None):
    """(name, route) of every URL pattern, includes followed."""
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            nested = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            for name, route in _walk(pattern, nested):
                yield name, str(pattern.pattern) + route
        else:
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, str(pattern.pattern)


def app_url_names() -> dict[str, str]:
    names = {}
    for name, route in _walk(get_resolver()):
        if route.startswith("admin/") and name != "admin:index":
            continue  # the admin's own pages: its permission checks are Django's
        if route.startswith(("static/", "media/", "^static/", "^media/")):
            continue
        names[name or f"<unnamed {route}>"] = route
    return names


def test_every_url_has_an_expected_outcome():
    missing = sorted(set(app_url_names()) - set(TABLE))
    assert not missing, (
        "These URLs have no row in the permission table; add each to "
        "smpclinic/permissions_table.py with what every visitor must get:\n  "
        + "\n  ".join(f"{name}  ({app_url_names()[name]})" for name in missing)
    )


def test_the_table_names_only_urls_that_exist():
    stale = sorted(set(TABLE) - set(app_url_names()))
    assert not stale, f"Rows for URLs that no longer exist: {stale}"


def test_health_pages_follow_the_written_policy():
    """accounts/access.py: on a staff health page a client gets 404, never 403, and staff
    whose role lacks the right get 403, never 404; nobody signed out sees one."""
    wrong = []
    for name, entry in TABLE.items():
        if not is_health_page(name) or entry.token:
            continue
        for visitor in ("client_a", "client_b"):
            if entry.expected(visitor) == FORBIDDEN:
                wrong.append(f"{name}: {visitor} must get 404, not 403")
        if entry.expected("anonymous") == OK:
            wrong.append(f"{name}: open to anyone signed out")
        staff_page = entry.expected("client_a") == NOT_FOUND
        for visitor in ("front_desk", "artist", "manager"):
            if staff_page and entry.expected(visitor) == NOT_FOUND:
                wrong.append(f"{name}: {visitor} must get 403 (their role), not 404")
    assert not wrong, "\n".join(wrong)


def test_the_policy_names_only_urls_that_exist():
    from smpclinic.permissions_table import HEALTH_NAMESPACES, HEALTH_URLS

    names = app_url_names()
    assert set(names) >= HEALTH_URLS
    assert {name.split(":")[0] for name in names} >= HEALTH_NAMESPACES


def _sign_in(client, clinic, visitor: str):
    client.logout()
    if visitor != "anonymous":
        client.force_login(getattr(clinic.people, visitor))


def _address(clinic, name: str, entry) -> str:
    url = reverse(name, kwargs=entry.kwargs(clinic) if entry.kwargs else None)
    query = entry.query(clinic) if callable(entry.query) else entry.query
    return f"{url}?{query}" if query else url


def _matches(response, expected: Outcome) -> bool:
    if response.status_code != expected.status:
        return False
    if expected.status == 302:
        return response["Location"].startswith(expected.location)
    return True


def _seen(response) -> str:
    if response.status_code in (301, 302):
        return f"{response.status_code} to {response['Location']}"
    return str(response.status_code)


def _shows_anna_to_a_stranger(visitor: str, entry, response) -> bool:
    """Whatever client B or a passer-by may open, none of it is about client A
    (a private link is the exception: it shows A's things to whoever holds it)."""
    if visitor not in ("anonymous", "client_b") or entry.token or response.status_code != 200:
        return False
    return b"Ashby" in b"".join(response) if response.streaming else b"Ashby" in response.content


def test_every_visitor_gets_what_the_table_says(clinic, client):
    addresses = {
        name: _address(clinic, name, entry)
        for name, entry in TABLE.items()
        if name in app_url_names()
    }
    wrong = []
    for visitor in VISITORS:
        _sign_in(client, clinic, visitor)
        for name, url in addresses.items():
            expected = TABLE[name].expected(visitor)
            response = client.get(url)
            if not _matches(response, expected):
                wrong.append(f"{name} as {visitor}: expected {expected}, got {_seen(response)}")
            elif _shows_anna_to_a_stranger(visitor, TABLE[name], response):
                wrong.append(f"{name} as {visitor}: the page shows client A's name")
    assert not wrong, "Outcomes differ from smpclinic/permissions_table.py:\n  " + "\n  ".join(
        wrong
    )


def _tampered(token: str) -> str:
    # Same shape, one character changed: the signature no longer matches.
    last = token[-1]
    return token[:-1] + ("A" if last != "A" else "B")


def test_a_tampered_private_link_opens_for_nobody(clinic, client):
    rows = {name: entry for name, entry in TABLE.items() if entry.token and name in app_url_names()}
    assert rows, "no private-link rows in the table"
    wrong = []
    for visitor in VISITORS:
        _sign_in(client, clinic, visitor)
        for name, entry in rows.items():
            kwargs = entry.kwargs(clinic)
            kwargs["token"] = _tampered(kwargs["token"])
            url = reverse(name, kwargs=kwargs)
            # A POST-only link is tried with POST: the link check comes first.
            ask = client.post if entry.expected(visitor) == METHOD else client.get
            response = ask(url)
            if response.status_code != entry.tampered:
                wrong.append(
                    f"{name} as {visitor}: expected {entry.tampered}, got {_seen(response)}"
                )
            elif clinic.client.last_name.encode() in response.content:
                wrong.append(f"{name} as {visitor}: the 404 page shows the client's name")
    assert not wrong, "\n".join(wrong)


# --- writes by people who may not make them ---------------------------------------------


def _state(clinic):
    """What the key write views could change, as one comparable value."""
    from aftercare.models import CheckIn
    from consultations.models import Consultation
    from reminders.models import InboundMessage, Reminder
    from scheduling.models import Appointment
    from sessions_app.models import SessionLog

    consultation = Consultation.objects.get(pk=clinic.consultation.pk)
    check_in = CheckIn.objects.get(pk=clinic.check_in.pk)
    reminder = Reminder.objects.get(pk=clinic.reminder.pk)
    return (
        sorted(Appointment.objects.values_list("pk", "status", "starts_at")),
        sorted(SessionLog.objects.values_list("pk", "session_id")),
        (consultation.reviewed_by_id, consultation.reviewed_at),
        (check_in.status, check_in.reviewed_at, check_in.reply),
        (reminder.status, reminder.due_at, reminder.attempts),
        Reminder.objects.count(),
        InboundMessage.objects.filter(pk=clinic.inbound.pk).values_list("read_at", "read_by")[0],
    )


def _write_requests(clinic):
    """(URL name, kwargs, POST data, {visitor: statuses accepted as a refusal})."""
    from sessions_app.models import Region

    start = clinic.day + dt.timedelta(days=1)
    refused_login = {"anonymous": (302,)}
    clients = {"client_a": (403, 404), "client_b": (403, 404)}
    return [
        (
            "scheduling:book",
            None,
            {
                "client": clinic.other_client.pk,
                "type": "consultation",
                "artist": clinic.people.artist.pk,
                "starts_at_0": start.isoformat(),
                "starts_at_1": "11:00",
                "minutes": "60",
            },
            {**refused_login, **clients, "artist": (403,)},
        ),
        (
            "sessions_app:session_log",
            {"pk": clinic.sessions[1].pk},
            {
                "minutes_taken": "150",
                "pigment": "Charcoal 2",
                f"density_{Region.values[0]}": "3",
                "notes": "Blended the crown.",
            },
            {**refused_login, **clients, "front_desk": (403,)},
        ),
        (
            "consultations:review",
            {"pk": clinic.consultation.pk},
            {"note": "Cleared by the client's doctor."},
            {**refused_login, **clients, "front_desk": (403,)},
        ),
        (
            "reminders:retry",
            {"pk": clinic.reminder.pk},
            {},
            {**refused_login, **clients, "artist": (403,)},
        ),
        (
            "reminders:inbox_read",
            {"pk": clinic.inbound.pk},
            {},
            {**refused_login, **clients, "artist": (403,)},
        ),
        (
            "aftercare:review",
            {"pk": clinic.check_in.pk},
            {"reply": "Healing nicely.", "proposal": ""},
            {**refused_login, **clients, "front_desk": (403,)},
        ),
    ]


def test_people_who_may_not_write_are_refused_and_nothing_is_saved(clinic, client):
    before = _state(clinic)
    wrong = []
    for name, kwargs, data, refusals in _write_requests(clinic):
        url = reverse(name, kwargs=kwargs)
        for visitor, statuses in refusals.items():
            _sign_in(client, clinic, visitor)
            response = client.post(url, data)
            if response.status_code not in statuses:
                wrong.append(f"POST {name} as {visitor}: got {_seen(response)}, want {statuses}")
            elif response.status_code == 302 and not response["Location"].startswith(
                "/accounts/login/"
            ):
                wrong.append(f"POST {name} as {visitor}: redirected to {response['Location']}")
            if _state(clinic) != before:
                wrong.append(f"POST {name} as {visitor}: something was saved")
                before = _state(clinic)
    assert not wrong, "\n".join(wrong)


def test_the_refused_booking_goes_through_for_the_front_desk(clinic, as_user):
    """The booking refused above is a real one: the front desk can make it."""
    from scheduling.models import Appointment

    name, kwargs, data, _ = _write_requests(clinic)[0]
    response = as_user(clinic.people.front_desk).post(reverse(name, kwargs=kwargs), data)
    assert response.status_code == 302, response.context["form"].errors
    assert Appointment.objects.filter(client=clinic.other_client).count() == 1
