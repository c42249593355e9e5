"""Each page, message and form in the right language, and a clear fallback for a wrong one."""

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from consultations.consent import consent_document, consent_sign, current_versions
from consultations.models import ConsentSignature, ConsentVersionTranslation, FormChannel
from reminders.dispatch import dispatch_due
from reminders.models import MessageTemplate, MessageTemplateTranslation, Reminder, ReminderKind
from reminders.wording import compose, template_for_language
from scheduling.models import Appointment, AppointmentType, ArtistHours, Room
from scheduling.tests.public_booking_fixtures import details, details_url
from tests.clock import LONDON, MONDAY, at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def booking_clinic(people, settings):
    """The clinic open for online bookings, with a weekday a few days ahead."""
    settings.TIME_ZONE = "Europe/London"
    ArtistHours.objects.bulk_create(
        ArtistHours(artist=people.artist, weekday=weekday, starts=dt.time(9), ends=dt.time(18))
        for weekday in range(6)
    )
    Room.objects.create(name="Treatment room 1")
    day = timezone.localdate() + dt.timedelta(days=3)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return SimpleNamespace(people=people, day=day)


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


# --- choosing the language of a public page -----------------------------------------------------


def test_the_booking_page_follows_the_browsers_preference(client):
    page = client.get(reverse("booking:start"), HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5")
    assert page.status_code == 200
    assert html_lang(page) == "es"
    assert "Reserve una consulta gratuita" in text_of(page)
    assert page["Content-Language"] == "es"
    assert "Accept-Language" in page["Vary"]


def test_any_english_browser_gets_the_clinics_english(client):
    page = client.get(reverse("booking:start"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.8")
    assert html_lang(page) == "en-gb"
    assert "Book a free consultation" in text_of(page)


def test_a_language_the_clinic_does_not_offer_falls_back_to_its_own(client):
    page = client.get(reverse("booking:start"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert html_lang(page) == "en-gb"
    assert "Book a free consultation" in text_of(page)


def test_the_visible_choice_switches_and_is_remembered(client):
    start = reverse("booking:start")
    english = client.get(start)
    assert 'href="?lang=es"' in english.content.decode()  # the choice on the page itself

    spanish = client.get(start + "?lang=es")
    assert html_lang(spanish) == "es"
    assert spanish.cookies["clinic_language"].value == "es"
    # The next page, without ?lang=, stays in Spanish whatever the browser says.
    again = client.get(start, HTTP_ACCEPT_LANGUAGE="en-GB")
    assert html_lang(again) == "es"
    back = client.get(start + "?lang=en-gb")
    assert html_lang(back) == "en-gb"


@pytest.mark.parametrize("code", ["xx", "klingon", "es-" + "x" * 40, "../../etc", "%00"])
def test_an_unknown_language_code_in_the_address_is_ignored_not_an_error(client, code):
    page = client.get(reverse("booking:start"), {"lang": code})
    assert page.status_code == 200
    assert html_lang(page) == "en-gb"
    assert "clinic_language" not in page.cookies


def test_an_unknown_language_in_the_cookie_falls_back(client):
    client.cookies["clinic_language"] = "zz-top"
    page = client.get(reverse("booking:start"))
    assert page.status_code == 200
    assert html_lang(page) == "en-gb"


# --- booking in Spanish -------------------------------------------------------------------------


def test_a_booking_made_in_spanish_gives_the_client_spanish_and_a_spanish_confirmation(
    client, booking_clinic, settings
):
    settings.SITE_URL = "https://clinic.example"
    start = dt.datetime.combine(booking_clinic.day, dt.time(10), tzinfo=LONDON)
    client.get(reverse("booking:start") + "?lang=es")
    posted = client.post(details_url(start), details(start, email="lucia@example.com"))
    assert posted.status_code == 302
    thanks = client.get(posted.url)
    assert "Gracias, su cita está reservada" in text_of(thanks)

    booker = Client.objects.get(email="lucia@example.com")
    assert booker.language == "es"
    assert dispatch_due() == 1
    message = mail.outbox[0]
    # The appointment type's name is the clinic's own; the date is in Spanish.
    assert re.match(r"Su .+ en .+: \w+ \d+ de \w+ a las 10:00$", message.subject), message.subject
    assert "Gracias por reservar con nosotros" in message.body
    assert "{" not in message.body
    # The HTML email's button too.
    html = message.alternatives[0][0]
    assert ">Cambiar o cancelar</a>" in html
    assert "Change or cancel" not in html


def test_a_spanish_booking_form_explains_its_errors_in_spanish(client, booking_clinic):
    start = dt.datetime.combine(booking_clinic.day, dt.time(10), tzinfo=LONDON)
    page = client.post(
        details_url(start) + "?lang=es", details(start, first_name="", email="not-an-email")
    )
    text = text_of(page)
    assert not Client.objects.filter(email="not-an-email").exists()
    assert "Escriba su nombre." in text
    assert "Escriba una dirección de correo válida" in text
    assert "No se ha perdido nada de lo que escribió" in text


# --- messages in the client's language ----------------------------------------------------------


def spanish_reminder(treatment):
    client = treatment.client
    client.language = "es"
    client.save(update_fields=["language"])
    starts_at = at(MONDAY, "10:15")
    appointment = Appointment.objects.create(
        client=client,
        type=AppointmentType.objects.get(slug="treatment-session"),
        artist=treatment.artist,
        room=treatment.room,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=120),
        blocked_until=starts_at + dt.timedelta(minutes=120),
    )
    return Reminder.objects.create(
        key="test:reminder-es",
        kind=ReminderKind.APPOINTMENT_REMINDER,
        due_at=timezone.now(),
        client=client,
        appointment=appointment,
    )


def test_a_reminder_goes_in_the_clients_language(treatment):
    composed = compose(spanish_reminder(treatment))
    assert composed.subject.startswith("Recordatorio: su")
    assert "Le recordamos su" in composed.text
    assert "Responda C para confirmar, o confirme aquí: http" in composed.sms
    assert 'lang="es"' in composed.html


@pytest.mark.parametrize(
    "broken",
    [
        # The link to change or cancel left out of the translation.
        {"sms_text": "Hola {first_name}: su cita es el {when}."},
        # A placeholder the original does not use.
        {"email_text": "Hola {first_name}, su código es {pay_url}."},
        # An unclosed bracket.
        {"subject": "Recordatorio: {appointment_type el {when}"},
    ],
    ids=["missing", "extra", "malformed"],
)
def test_a_translation_with_wrong_placeholders_falls_back_to_the_clinics_wording(treatment, broken):
    template = MessageTemplate.objects.get(kind=ReminderKind.APPOINTMENT_REMINDER)
    MessageTemplateTranslation.objects.filter(template=template, language="es").update(**broken)

    composed = compose(spanish_reminder(treatment))
    # The clinic's own (English) wording, whole: nothing raw, nothing lost.
    assert composed.subject.startswith("Reminder: your")
    assert "manage" in composed.sms or "Change or cancel" in composed.sms
    for text in (composed.subject, composed.text, composed.sms):
        assert not re.search(r"\{\w*", text)
    assert 'lang="en-gb"' in composed.html


def test_a_translation_with_wrong_placeholders_is_refused_when_saved(treatment):
    from django.core.exceptions import ValidationError

    template = MessageTemplate.objects.get(kind=ReminderKind.APPOINTMENT_REMINDER)
    translated = MessageTemplateTranslation.objects.get(template=template, language="es")
    translated.sms_text = "Hola {first_name}: su cita es el {when}."
    with pytest.raises(ValidationError, match="leaves out"):
        translated.full_clean()


def test_without_a_translation_the_clinics_wording_goes(treatment):
    template = MessageTemplate.objects.get(kind=ReminderKind.APPOINTMENT_REMINDER)
    template.translations.all().delete()
    wording, language = template_for_language(template, "es")
    assert wording is template
    assert language == "en-gb"


def test_every_shipped_message_has_its_spanish(db):
    templates = MessageTemplate.objects.prefetch_related("translations")
    assert templates.exists()
    for template in templates:
        wording, language = template_for_language(template, "es")
        assert language == "es", template.kind


# --- consent in the client's language ----------------------------------------------------------


def test_a_spanish_client_signs_the_spanish_text_and_the_signature_keeps_it(consult):
    version = next(v for v in current_versions() if v.template.slug == "smp-treatment")
    document = consent_document(version, "es")
    assert document.language == "es"
    assert document.title == "Consentimiento para la micropigmentación capilar"

    signature = consent_sign(
        client=consult.client,
        version=version,
        typed_name=consult.client.full_name,
        ticked=[n for n, _ in document.numbered_statements],
        consultation=consult.consultation,
        channel=FormChannel.ONLINE,
        ip=None,
        user_agent="",
        text_shown_sha256=document.sha256,
        language="es",
    )
    signature.refresh_from_db()
    assert signature.language == "es"
    assert signature.text_shown == document.text
    assert signature.text_sha256 == document.sha256
    assert signature.text_sha256 != consent_document(version).sha256

    # Signed in Spanish: that translation cannot change any more.
    from django.core.exceptions import ValidationError

    translated = ConsentVersionTranslation.objects.get(version=version, language="es")
    translated.title = "Otro título"
    with pytest.raises(ValidationError):
        translated.save()
    assert ConsentSignature.objects.count() == 1


def test_a_half_translated_consent_form_is_shown_in_the_clinics_language(consult):
    version = next(v for v in current_versions() if v.template.slug == "smp-treatment")
    translated = ConsentVersionTranslation.objects.get(version=version, language="es")
    translated.statements = translated.statements[:-1]
    translated.save()
    document = consent_document(version, "es")
    assert document.language == ""
    assert document.text == consent_document(version).text


def test_a_page_in_english_cannot_be_signed_as_if_it_were_spanish(consult):
    from django.core.exceptions import ValidationError

    version = next(v for v in current_versions() if v.template.slug == "smp-treatment")
    english = consent_document(version)
    with pytest.raises(ValidationError) as refused:
        consent_sign(
            client=consult.client,
            version=version,
            typed_name=consult.client.full_name,
            ticked=[n for n, _ in english.numbered_statements],
            consultation=consult.consultation,
            channel=FormChannel.ONLINE,
            ip=None,
            user_agent="",
            text_shown_sha256=english.sha256,
            language="es",
        )
    assert refused.value.code == "form_changed"


# --- staff and the client record -----------------------------------------------------------------


def test_staff_choose_their_own_language(client, people):
    client.force_login(people.front_desk)
    saved = client.post(reverse("accounts:my_language"), {"language": "es"}, follow=True)
    assert saved.status_code == 200
    people.front_desk.refresh_from_db()
    assert people.front_desk.language == "es"
    page = client.get(reverse("staff_hours:my_hours"), HTTP_ACCEPT_LANGUAGE="en-GB")
    assert html_lang(page) == "es"
    assert "Cerrar sesión" in text_of(page)

    client.post(reverse("accounts:my_language"), {"language": ""})
    page = client.get(reverse("staff_hours:my_hours"))
    assert html_lang(page) == "en-gb"


def test_an_unknown_staff_language_is_refused_clearly(client, people):
    client.force_login(people.front_desk)
    page = client.post(reverse("accounts:my_language"), {"language": "xx"}, follow=True)
    assert page.status_code == 200
    assert "That language is not offered; nothing was changed." in text_of(page)
    people.front_desk.refresh_from_db()
    assert people.front_desk.language == ""


def test_the_client_record_keeps_their_language(client, people):
    record = people.record_a
    client.force_login(people.front_desk)
    edit = client.get(reverse("clients:edit", args=[record.pk]))
    assert 'name="language"' in edit.content.decode()
    data = {
        "first_name": record.first_name,
        "last_name": record.last_name,
        "email": record.email,
        "phone": str(record.phone or ""),
        "preferred_channel": record.preferred_channel,
        "language": "es",
        "referral_source": "",
        "notes": "",
    }
    saved = client.post(reverse("clients:edit", args=[record.pk]), data)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    record.refresh_from_db()
    assert record.language == "es"
    data["language"] = "tlh"
    refused = client.post(reverse("clients:edit", args=[record.pk]), data)
    assert refused.status_code in (200, 400)
    record.refresh_from_db()
    assert record.language == "es"


def test_the_portal_is_in_the_clients_language(client, people):
    record = people.record_a
    record.language = "es"
    record.save(update_fields=["language"])
    client.force_login(people.client_a)
    page = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en-GB")
    assert html_lang(page) == "es"
    assert "Mi plan" in text_of(page)
    # Choosing English on a portal page changes their language for messages too.
    client.get(reverse("portal:home") + "?lang=en-gb")
    record.refresh_from_db()
    assert record.language == "en-gb"


def test_a_spanish_clinic_sends_the_products_spanish_until_it_edits_its_wording(
    treatment, settings
):
    """The migrations write the product's wording in English: a clinic whose language is
    Spanish sends the shipped Spanish, with Spanish dates, not English words around them."""
    settings.LANGUAGE_CODE = "es"
    reminder = spanish_reminder(treatment)
    composed = compose(reminder)
    assert composed.subject.startswith("Recordatorio: su")
    assert "Le recordamos su" in composed.text
    assert "lunes 1 de marzo" in composed.text
    assert 'lang="es"' in composed.html

    # A client in English gets the product's English, with English dates.
    treatment.client.language = "en-gb"
    treatment.client.save(update_fields=["language"])
    reminder.refresh_from_db()
    composed = compose(reminder)
    assert composed.subject.startswith("Reminder: your")
    assert "Monday 1 March" in composed.text
    assert 'lang="en-gb"' in composed.html

    # Once the clinic writes its own wording, that is its Spanish, whatever the shipped rows say.
    template = MessageTemplate.objects.get(kind=ReminderKind.APPOINTMENT_REMINDER)
    template.subject = "Su cita en {clinic_name}: {when}"
    template.save(update_fields=["subject"])
    treatment.client.language = "es"
    treatment.client.save(update_fields=["language"])
    reminder.refresh_from_db()
    composed = compose(reminder)
    assert composed.subject.startswith("Su cita en ")
    assert "lunes 1 de marzo" in composed.subject


def test_a_spanish_clinic_names_both_englishes_apart(client, settings):
    settings.LANGUAGE_CODE = "es"
    page = client.get(reverse("booking:start")).content.decode()
    marker = 'data-testid="language-choice">'
    choice = page[page.index(marker) + len(marker) :]
    choice = re.sub(r"<[^>]+>", "", choice[: choice.index("</nav>")])
    assert [name.strip() for name in choice.split("·")] == [
        "español",
        "British English",
        "American English",
    ]


@pytest.mark.parametrize("code", ["en-gb", "en-us", "es"])
def test_skipping_empty_catalogues_changes_no_text(code):
    """Each page's language skips the catalogues that hold no text (a shorter look-up):
    every text, plural and text in context reads as the full chain of catalogues gives."""
    from django.utils import translation
    from django.utils.translation import trans_real

    from smpclinic.i18n import _holds_no_texts, _skip_empty_catalogues

    full = trans_real.DjangoTranslation(code)
    _skip_empty_catalogues(code)
    skipped = trans_real.translation(code)
    texts = [
        key for key, _ in trans_real.translation("es")._catalog.items() if isinstance(key, str)
    ]
    texts += ["colour", "Colour", "This field is required.", "Sign out", "no such text 1"]
    assert len(texts) > 500
    for text in texts:
        assert skipped.gettext(text) == full.gettext(text), text
        for n in (0, 1, 2, 5):
            assert skipped.ngettext(text, text + "s", n) == full.ngettext(text, text + "s", n)
    for context, text in [("navigation", "Waitlist"), ("month name", "May"), ("x", "Today")]:
        assert skipped.pgettext(context, text) == full.pgettext(context, text)
    with translation.override(code):
        assert translation.gettext("Sign out") == full.gettext("Sign out")
    link, chain = skipped, []
    while link is not None:
        chain.append(link)
        link = link._fallback
    assert not any(_holds_no_texts(link) for link in chain)
