"""Settings → Aftercare: the manager edits, adds and removes the instructions by day on one
page; an edited instruction is the clinic's, no longer the shipped default; bad input saves
nothing and loses nothing; nobody else may."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftercare.models import AftercareInstruction

pytestmark = pytest.mark.django_db
PAGE = reverse("aftercare_settings:instructions")


def page_data(*, change=None, delete=(), new=None):
    """The page's form as posted, with `change` {index: {field: value}} applied."""
    rows = list(AftercareInstruction.objects.order_by("day_from", "position", "id"))
    data = {
        "i-TOTAL_FORMS": str(len(rows) + 1),
        "i-INITIAL_FORMS": str(len(rows)),
        "i-MIN_NUM_FORMS": "0",
        "i-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        values = {
            "id": row.pk,
            "day_from": row.day_from,
            "day_to": row.day_to,
            "title": row.title,
            "body": row.body,
            "send_message": row.send_message,
            "position": row.position,
            "DELETE": i in delete,
        }
        values.update((change or {}).get(i, {}))
        for key, value in values.items():
            if value is True:
                data[f"i-{i}-{key}"] = "on"
            elif value is not False:
                data[f"i-{i}-{key}"] = str(value)
    blank = {"position": "0", **(new or {})}
    for key, value in blank.items():
        if value is True:
            value = "on"
        data[f"i-{len(rows)}-{key}"] = str(value)
    return data, rows


def state():
    return list(
        AftercareInstruction.objects.order_by("pk").values_list(
            "pk", "day_from", "day_to", "title", "body", "send_message", "is_shipped_default"
        )
    )


def test_the_manager_edits_adds_and_removes_instructions(people, as_user):
    data, rows = page_data(
        change={1: {"title": "Keep it dry, please"}},
        delete=(2,),
        new={"day_from": 2, "day_to": 5, "title": "Pillowcase", "body": "A clean one nightly."},
    )
    response = as_user(people.manager).post(PAGE, data, follow=True)
    assert "Aftercare saved." in response.content.decode()
    edited = AftercareInstruction.objects.get(pk=rows[1].pk)
    assert edited.title == "Keep it dry, please" and not edited.is_shipped_default
    untouched = AftercareInstruction.objects.get(pk=rows[0].pk)
    assert untouched.is_shipped_default  # not edited: still the shipped wording
    assert not AftercareInstruction.objects.filter(pk=rows[2].pk).exists()
    added = AftercareInstruction.objects.get(title="Pillowcase")
    assert (added.day_from, added.day_to, added.is_shipped_default) == (2, 5, False)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"day_from": 7, "day_to": 3}, "The last day (3) cannot be before the first day (7)."),
        ({"title": ""}, "This field is required"),
        ({"day_to": "400"}, "less than or equal to 365"),
    ],
)
def test_bad_input_keeps_what_was_typed_and_saves_nothing(people, as_user, change, message):
    before = state()
    data, _ = page_data(
        change={0: change, 1: {"title": "A good change beside it"}},
        delete=(2,),
    )
    response = as_user(people.manager).post(PAGE, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "Nothing you typed has been lost" in page
    assert "A good change beside it" in page
    assert state() == before


@pytest.mark.parametrize("who", ["front_desk", "artist", "client_a"])
def test_only_the_manager_changes_aftercare(people, as_user, who):
    before = state()
    browser = as_user(getattr(people, who))
    assert browser.get(PAGE).status_code == 403
    data, _ = page_data(change={0: {"title": "Changed"}})
    assert browser.post(PAGE, data).status_code == 403
    assert state() == before


def test_the_page_costs_the_same_queries_for_few_instructions_or_many(people, as_user):
    browser = as_user(people.manager)
    browser.get(PAGE)
    with CaptureQueriesContext(connection) as few:
        browser.get(PAGE)
    AftercareInstruction.objects.bulk_create(
        AftercareInstruction(day_from=n, day_to=n, title=f"Extra {n}", body="More.")
        for n in range(40, 60)
    )
    with CaptureQueriesContext(connection) as many:
        page = browser.get(PAGE).content.decode()
    assert "Extra 59" in page
    assert len(many) == len(few)


def test_a_spanish_speaking_manager_edits_the_aftercare_in_spanish(people, as_user):
    people.manager.language = "es"
    people.manager.save(update_fields=["language"])
    browser = as_user(people.manager)
    page = browser.get(PAGE).content.decode()
    assert "Lo que se indica a los clientes que hagan" in page
    assert "Desde el día" in page
    assert "Texto de serie: revíselo" in page
    assert "Guardar los cuidados" in page

    data, _rows = page_data(change={0: {"day_from": 7, "day_to": 3}})
    response = browser.post(PAGE, data)
    assert response.status_code == 400
    assert "El último día (3) no puede ser anterior al primer día (7)." in (
        response.content.decode()
    )
    data, _rows = page_data(change={0: {"title": "Manténgalo seco"}})
    response = browser.post(PAGE, data, follow=True)
    assert "Cuidados guardados." in response.content.decode()
