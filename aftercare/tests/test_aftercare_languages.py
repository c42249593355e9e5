"""Aftercare in the client's language: the shipped Spanish, a plan that keeps the wording it
was given in, the messages, and the admin's clear error for a half-done translation."""

import pytest
from django.urls import reverse

from aftercare import admin  # noqa: F401  (registers the instructions' admin)
from aftercare.models import (
    AftercareInstruction,
    AftercareInstructionTranslation,
    AftercarePlan,
)
from aftercare.services import instruction_wording
from aftercare.shipped_aftercare import shipped_translations_add
from reminders.models import Reminder, ReminderKind
from reminders.wording import compose

from .conftest import log


def speaks(treatment, language):
    treatment.client.language = language
    treatment.client.save(update_fields=["language"])


def test_every_shipped_instruction_has_its_spanish(db):
    instructions = list(AftercareInstruction.objects.prefetch_related("translations"))
    assert len(instructions) == 8
    for instruction in instructions:
        wording = instruction_wording(instruction, "es")
        assert wording.language == "es", instruction.title
        assert "no consejo médico" in wording.body
    assert shipped_translations_add() == 0


def test_a_spanish_clients_plan_and_messages_are_in_spanish(treatment):
    speaks(treatment, "es")
    first = treatment.sessions[0]
    log(first)
    plan = AftercarePlan.objects.get(session=first)
    titles = set(plan.steps.values_list("title", flat=True))
    assert "Día 3: ya puede aclararse" in titles
    assert "Day 3: you may rinse" not in titles
    assert set(plan.steps.values_list("language", flat=True)) == {"es"}

    day_three = Reminder.objects.get(session=first, kind=ReminderKind.AFTERCARE, data__day=3)
    composed = compose(day_three)
    assert "Desde hoy puede aclararse" in composed.text
    assert "you may rinse" not in composed.text


def test_an_english_clients_plan_is_in_the_clinics_words(treatment):
    speaks(treatment, "en-gb")
    first = treatment.sessions[0]
    log(first)
    plan = AftercarePlan.objects.get(session=first)
    assert "Day 3: you may rinse" in set(plan.steps.values_list("title", flat=True))
    assert set(plan.steps.values_list("language", flat=True)) == {""}


def test_a_reworded_instruction_without_a_translation_goes_in_the_clinics_words(treatment):
    speaks(treatment, "es")
    rinse = AftercareInstruction.objects.get(title="Day 3: you may rinse")
    rinse.translations.all().delete()
    first = treatment.sessions[0]
    log(first)
    step = AftercarePlan.objects.get(session=first).steps.get(day_from=3, day_to=3)
    assert (step.title, step.language) == ("Day 3: you may rinse", "")


def test_a_later_edit_of_a_translation_does_not_change_what_was_given(treatment):
    speaks(treatment, "es")
    first = treatment.sessions[0]
    log(first)
    AftercareInstructionTranslation.objects.filter(
        instruction__title="Day 3: you may rinse"
    ).update(title="Día 3: aclarado")
    step = AftercarePlan.objects.get(session=first).steps.get(day_from=3, day_to=3)
    assert step.title == "Día 3: ya puede aclararse"


def admin_post(instruction, **translation):
    data = {
        "day_from": instruction.day_from,
        "day_to": instruction.day_to,
        "title": instruction.title,
        "body": instruction.body,
        "send_message": "on" if instruction.send_message else "",
        "position": instruction.position,
        "translations-TOTAL_FORMS": "1",
        "translations-INITIAL_FORMS": "0",
        "translations-MIN_NUM_FORMS": "0",
        "translations-MAX_NUM_FORMS": "1000",
        "translations-0-id": "",
        "translations-0-instruction": instruction.pk,
    }
    data.update({f"translations-0-{k}": v for k, v in translation.items()})
    return {k: v for k, v in data.items() if v != ""}


@pytest.mark.parametrize(
    "translation",
    [
        {"language": "es", "title": "Día 3", "body": "   "},
        {"language": "es", "title": "", "body": "Puede aclararse."},
        {"language": "zz", "title": "Día 3", "body": "Puede aclararse."},
        {"language": "en-gb", "title": "Day 3", "body": "Rinse."},
    ],
)
def test_the_admin_refuses_a_half_done_translation_clearly(people, as_user, translation):
    instruction = AftercareInstruction.objects.get(title="Day 3: you may rinse")
    instruction.translations.all().delete()
    page = as_user(people.manager).post(
        reverse("admin:aftercare_aftercareinstruction_change", args=[instruction.pk]),
        admin_post(instruction, **translation),
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert any(
        error in html.replace("&#x27;", "'")
        for error in ("This field is required", "Select a valid choice", "clinic's own language")
    )
    assert not instruction.translations.exists()


def test_the_admin_saves_a_complete_translation(people, as_user):
    instruction = AftercareInstruction.objects.get(title="Day 3: you may rinse")
    instruction.translations.all().delete()
    page = as_user(people.manager).post(
        reverse("admin:aftercare_aftercareinstruction_change", args=[instruction.pk]),
        admin_post(instruction, language="es", title="Día 3", body="Puede aclararse."),
    )
    assert page.status_code == 302
    assert instruction.translations.get().title == "Día 3"


# --- Settings → Aftercare, where the manager edits the wording -------------------------------


def settings_data(browser) -> dict:
    page = browser.get(reverse("aftercare_settings:instructions"))
    formset = page.context["formset"]
    data = {
        f"{formset.prefix}-{key}": value for key, value in formset.management_form.initial.items()
    }
    for form in formset.forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data, formset


def test_the_settings_page_shows_and_saves_the_spanish_wording(people, as_user):
    browser = as_user(people.manager)
    data, formset = settings_data(browser)
    rinse = next(f for f in formset.forms if f.instance.title == "Day 3: you may rinse")
    assert data[rinse.add_prefix("title_es")] == "Día 3: ya puede aclararse"
    data[rinse.add_prefix("title_es")] = "Día 3: aclarado suave"
    posted = browser.post(reverse("aftercare_settings:instructions"), data)
    assert posted.status_code == 302
    instruction = AftercareInstruction.objects.get(pk=rinse.instance.pk)
    assert instruction.translations.get(language="es").title == "Día 3: aclarado suave"
    # Only the Spanish changed: the clinic's own wording is still the shipped one.
    assert instruction.is_shipped_default


def test_the_settings_page_refuses_a_half_filled_spanish_wording(people, as_user):
    browser = as_user(people.manager)
    data, formset = settings_data(browser)
    rinse = next(f for f in formset.forms if f.instance.title == "Day 3: you may rinse")
    data[rinse.add_prefix("body_es")] = ""
    data[rinse.add_prefix("title")] = "Day 3: rinse gently"
    page = browser.post(reverse("aftercare_settings:instructions"), data)
    assert page.status_code == 400
    assert "Give the instructions in this language too" in page.content.decode()
    instruction = AftercareInstruction.objects.get(pk=rinse.instance.pk)
    assert instruction.title == "Day 3: you may rinse"  # nothing saved
    assert instruction.translations.get(language="es").body.startswith("Desde hoy")
