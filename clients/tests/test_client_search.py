"""Front desk finds clients by name, email or phone, a page at a time, in fixed queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import Client
from clients.services import client_create

pytestmark = pytest.mark.django_db

URL = "/clients/"


@pytest.fixture
def clinic(people):
    client_create(
        first_name="Daniel",
        last_name="Whitaker",
        email="dan.w@example.com",
        phone="+447911123101",
    )
    client_create(
        first_name="Danielle",
        last_name="Moss",
        email="dmoss@example.com",
        phone="+447911123202",
    )
    client_create(first_name="Marcus", last_name="Reid", phone="+33612345678")
    return people


def names(response):
    return [c.full_name for c in response.context["page"].object_list]


def search(browser, q, **extra):
    return browser.get(URL, {"q": q, **extra})


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("whitaker", ["Daniel Whitaker"]),
        ("WHIT", ["Daniel Whitaker"]),
        ("dani", ["Danielle Moss", "Daniel Whitaker"]),
        ("dan whit", ["Daniel Whitaker"]),
        ("dmoss@example.com", ["Danielle Moss"]),
        ("example.com", ["Danielle Moss", "Daniel Whitaker"]),
        ("07911 123101", ["Daniel Whitaker"]),
        ("+44 7911 123202", ["Danielle Moss"]),
        ("447911123202", ["Danielle Moss"]),
        ("123 2", ["Danielle Moss"]),
        ("+33 6 12 34 56 78", ["Marcus Reid"]),
        ("nobody-like-this", []),
        ("100%", []),
        ("_", []),
    ],
)
def test_it_finds_clients_by_name_email_or_phone(clinic, as_user, query, expected):
    response = search(as_user(clinic.front_desk), query)
    assert response.status_code == 200
    assert names(response) == expected


def test_it_says_when_nothing_matches_and_offers_to_add(clinic, as_user):
    response = search(as_user(clinic.front_desk), "zzzz")
    html = response.content.decode()
    assert "No client matches “zzzz”" in html
    assert reverse("clients:create") in html


def test_without_a_query_it_lists_everyone_by_last_name(clinic, as_user):
    response = as_user(clinic.front_desk).get(URL)
    assert names(response) == [
        "Anna Ashby",
        "Ben Barker",
        "Danielle Moss",
        "Marcus Reid",
        "Daniel Whitaker",
    ]
    assert b"5 clients" in response.content


def test_it_pages_25_at_a_time_and_keeps_the_query(people, as_user):
    Client.objects.bulk_create(
        Client(
            first_name=f"Test{i:02}",
            last_name="Pager",
            email=f"p{i}@example.com",
            search_text=f"test{i:02} pager p{i}@example.com",
        )
        for i in range(30)
    )
    browser = as_user(people.front_desk)
    first = search(browser, "pager")
    assert len(names(first)) == 25
    assert b"30 clients match" in first.content
    assert b"Page 1 of 2" in first.content
    assert b"?q=pager&amp;page=2" in first.content
    second = search(browser, "pager", page=2)
    assert len(names(second)) == 5
    # A page past the end shows the last page rather than an error.
    assert names(search(browser, "pager", page=99)) == names(second)
    assert names(search(browser, "pager", page="abc")) == names(first)


def test_the_list_costs_the_same_queries_for_5_or_60_clients(people, as_user):
    browser = as_user(people.front_desk)

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            response = browser.get(URL, {"q": "example"})
        assert response.status_code == 200
        return len(ctx.captured_queries)

    for i in range(3):
        client_create(first_name=f"A{i}", last_name="Few", email=f"few{i}@example.com")
    few = count_queries()
    Client.objects.bulk_create(
        Client(
            first_name=f"B{i}",
            last_name="Many",
            email=f"many{i}@example.com",
            search_text=f"b{i} many many{i}@example.com",
        )
        for i in range(60)
    )
    many = count_queries()
    assert few == many
    # session + user, count, page
    assert many <= 4


def test_a_very_long_query_is_cut_not_an_error(clinic, as_user):
    response = search(as_user(clinic.front_desk), "x" * 5000)
    assert response.status_code == 200
    assert len(response.context["query"]) == 100
