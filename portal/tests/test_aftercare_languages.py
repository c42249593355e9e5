"""A client's aftercare in their language on the portal, the clinic's own wording otherwise."""

import re

from django.urls import reverse

from aftercare.models import AftercareInstructionTranslation
from portal.tests.conftest import log


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def speaks(portal, language):
    portal.people.record_a.language = language
    portal.people.record_a.save(update_fields=["language"])


def test_a_spanish_client_reads_aftercare_in_spanish(portal, as_user):
    speaks(portal, "es")
    log(portal.sessions[0], days_before_today=3)
    page = text_of(as_user(portal.people.client_a).get(reverse("portal:aftercare")))
    assert "Día 3: ya puede aclararse" in page
    assert "Desde hoy puede aclararse el cuero cabelludo" in page
    assert "Day 3: you may rinse" not in page


def test_an_english_client_reads_the_clinics_aftercare(portal, as_user):
    speaks(portal, "en-gb")
    log(portal.sessions[0], days_before_today=3)
    page = text_of(as_user(portal.people.client_a).get(reverse("portal:aftercare")))
    assert "Day 3: you may rinse" in page
    assert "Día 3: ya puede aclararse" not in page


def test_an_instruction_left_half_translated_is_given_in_the_clinics_words(portal, as_user):
    speaks(portal, "es")
    AftercareInstructionTranslation.objects.filter(
        instruction__title="Day 3: you may rinse"
    ).update(body="  ")
    log(portal.sessions[0], days_before_today=3)
    page = text_of(as_user(portal.people.client_a).get(reverse("portal:aftercare")))
    assert "Day 3: you may rinse" in page
    assert "From today you may rinse your scalp" in page
    assert "Días 4–7: lavado suave" in page  # the others are translated in full


def test_a_spanish_client_reads_which_day_after_which_session_in_spanish(portal, as_user):
    speaks(portal, "es")
    log(portal.sessions[0], days_before_today=1)
    aftercare = text_of(as_user(portal.people.client_a).get(reverse("portal:aftercare")))
    assert "Día 1 después de la sesión 1" in aftercare
    assert "Day 1 after session 1" not in aftercare
    home = text_of(as_user(portal.people.client_a).get(reverse("portal:home")))
    assert "Día 1 después de la sesión 1: el enrojecimiento desaparece en dos días." in home
    assert "after session" not in home
