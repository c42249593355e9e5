"""Settings → Messages: the manager sees every kind with its timing in words, edits the
wording and timing with the admin's checks, previews it for the sample client, sends
themself a test and goes back to the shipped wording; nobody else may."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from reminders import sms
from reminders.kinds import (
    DAYS_AFTER,
    HOURS_BEFORE,
    MONTHS_AFTER,
    NOW,
    SET_ELSEWHERE,
    Timing,
    _kinds,
    all_kinds,
    describe_timing,
    register_kind,
)
from reminders.message_settings import is_shipped_wording
from reminders.models import MessageTemplate, Reminder, ReminderKind
from reminders.wording import shipped_template, sms_parts
from tests.clock import MONDAY, at

pytestmark = pytest.mark.django_db
LIST = reverse("message_settings:list")
REMINDER = ReminderKind.APPOINTMENT_REMINDER


def edit_url(kind=REMINDER):
    return reverse("message_settings:edit", kwargs={"kind": kind})


def preview_url(kind=REMINDER):
    return reverse("message_settings:preview", kwargs={"kind": kind})


def restore_url(kind=REMINDER):
    return reverse("message_settings:restore", kwargs={"kind": kind})


def form_data(kind=REMINDER, **overrides):
    template = MessageTemplate.objects.get(kind=kind)
    data = {
        "enabled": "on" if template.enabled else "",
        "subject": template.subject,
        "email_text": template.email_text,
        "sms_text": template.sms_text,
        "offsets": ", ".join(str(n) for n in template.offsets),
        "send_at": f"{template.send_at:%H:%M}" if template.send_at else "",
        "action": "save",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def wording_of(kind=REMINDER):
    template = MessageTemplate.objects.get(kind=kind)
    return (template.enabled, template.subject, template.email_text, template.sms_text,
            template.offsets, template.send_at)  # fmt: skip


# --- the list ---------------------------------------------------------------------------------


def test_the_list_shows_each_kind_with_its_timing_in_words_and_whose_wording(people, as_user):
    fade = MessageTemplate.objects.get(kind=ReminderKind.FADE_CHECK_IN)
    fade.email_text += "\n\nPS: good light helps."
    fade.enabled = False
    fade.save()
    page = as_user(people.manager).get(LIST).content.decode()
    for kind in all_kinds():
        assert escape(kind.label) in page
        assert edit_url(kind.slug) in page
    assert "48 hours and 24 hours before the appointment" in page
    assert "10 days after the session, at 10:00" in page
    assert "12 months after the plan is completed, at 10:00" in page
    fade_row = page[page.index(f'data-kind="{ReminderKind.FADE_CHECK_IN}"') :].split("</tr>")[0]
    assert "Edited by the clinic" in fade_row and ">Off<" in fade_row
    reminder_row = page[page.index(f'data-kind="{REMINDER}"') :].split("</tr>")[0]
    assert "As shipped" in reminder_row and ">On<" in reminder_row
    assert "Email" in reminder_row and "SMS" in reminder_row


def test_the_list_costs_the_same_queries_whatever_the_clinic_saved(
    people, as_user, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser = as_user(people.manager)
    browser.get(LIST)
    with CaptureQueriesContext(connection) as all_saved:
        browser.get(LIST)
    # A kind whose row is gone shows the shipped wording, still from the one query.
    MessageTemplate.objects.filter(kind__in=[REMINDER, ReminderKind.RECEIPT]).delete()
    with django_assert_max_num_queries(len(all_saved)):
        page = browser.get(LIST).content.decode()
    assert "48 hours and 24 hours before the appointment" in page
    assert len(all_saved) <= 6  # session, user, the templates, and the page's own


# --- saving -----------------------------------------------------------------------------------


def test_the_manager_saves_wording_and_timing(people, as_user):
    browser = as_user(people.manager)
    response = browser.post(
        edit_url(),
        form_data(
            subject="See you {when}, {first_name}",
            sms_text="Hi {first_name}, see you {when}.\r\nCall {clinic_phone}",
            offsets="72, 24",
        ),
        follow=True,
    )
    page = response.content.decode()
    assert "“Appointment reminder” saved." in page
    template = MessageTemplate.objects.get(kind=REMINDER)
    assert template.subject == "See you {when}, {first_name}"
    assert template.sms_text == "Hi {first_name}, see you {when}.\nCall {clinic_phone}"
    assert template.offsets == [72, 24]
    assert "72 hours and 24 hours before the appointment" in page
    assert not is_shipped_wording(template)


def test_a_day_after_message_takes_its_days_and_time_of_day(people, as_user):
    kind = ReminderKind.FADE_CHECK_IN
    browser = as_user(people.manager)
    page = browser.get(edit_url(kind)).content.decode()
    assert "Days after the session" in page  # the unit in words beside the field
    browser.post(edit_url(kind), form_data(kind, offsets="5", send_at="09:30", enabled=""))
    template = MessageTemplate.objects.get(kind=kind)
    assert (template.offsets, template.send_at, template.enabled) == ([5], dt.time(9, 30), False)
    assert template.timing_words == "5 days after the session, at 09:30"
    # Emptied, the timing goes back to the kind's default.
    browser.post(edit_url(kind), form_data(kind, offsets="", send_at=""))
    assert MessageTemplate.objects.get(kind=kind).timing_words == (
        "10 days after the session, at 10:00"
    )


def test_a_message_sent_straight_away_has_no_timing_to_change(people, as_user):
    kind = ReminderKind.BOOKING_CONFIRMATION
    page = as_user(people.manager).get(edit_url(kind)).content.decode()
    assert 'name="offsets"' not in page and 'name="send_at"' not in page
    assert "Straight away" in page
    as_user(people.manager).post(edit_url(kind), form_data(kind, offsets="5"))
    assert MessageTemplate.objects.get(kind=kind).offsets == []


@pytest.mark.parametrize(
    ("overrides", "field_text", "message"),
    [
        ({"sms_text": "Hi {firstname}, see you {when}"}, "Hi {firstname}, see you {when}",
         "Unknown placeholder {firstname}"),
        ({"email_text": "Hello {first_name.__class__}"}, "Hello {first_name.__class__}",
         "is not a placeholder"),
        ({"sms_text": "x" * 481}, "x" * 481, "at most 480 characters"),
        ({"subject": ""}, "Hi {first_name}", "This field is required"),
        ({"offsets": "48, soon"}, "48, soon", "“soon” is not a whole number of hours"),
        ({"offsets": "0"}, "0", "use between 1 and 720"),
    ],
)  # fmt: skip
def test_bad_input_keeps_what_was_typed_and_saves_nothing(
    people, as_user, overrides, field_text, message
):
    before = wording_of()
    # A good change in another field, lost neither: refused with the rest.
    good_field = "subject" if "email_text" in overrides else "email_text"
    good_change = "Hi {first_name}, hello"
    data = form_data(**{good_field: good_change, **overrides})
    response = as_user(people.manager).post(edit_url(), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "Nothing you typed has been lost" in page
    assert field_text in page  # what was typed is on the page again
    assert good_change in page  # and so is the good change beside it
    assert wording_of() == before


def test_an_unknown_kind_in_the_address_is_not_found(people, as_user):
    browser = as_user(people.manager)
    for url in (edit_url("no_such_kind"), restore_url("no_such_kind")):
        assert browser.get(url).status_code == 404
        assert browser.post(url, {"subject": "x"}).status_code == 404
    assert browser.post(preview_url("no_such_kind"), {"subject": "x"}).status_code == 404
    assert not MessageTemplate.objects.filter(kind="no_such_kind").exists()


@pytest.mark.parametrize("who", ["front_desk", "artist", "client_a"])
def test_only_the_manager_changes_messages(people, as_user, who):
    before = wording_of()
    browser = as_user(getattr(people, who))
    assert browser.get(LIST).status_code == 403
    assert browser.get(edit_url()).status_code == 403
    assert browser.post(edit_url(), form_data(subject="Changed")).status_code == 403
    assert browser.post(edit_url(), form_data(action="test")).status_code == 403
    assert browser.post(preview_url(), form_data()).status_code == 403
    assert browser.post(restore_url()).status_code == 403
    assert wording_of() == before
    assert mail.outbox == []


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(edit_url())
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- preview ----------------------------------------------------------------------------------


def test_the_preview_fills_in_the_sample_client_and_time(people, as_user, freeze_now, settings):
    settings.TIME_ZONE = "Europe/London"
    freeze_now(at(MONDAY, "08:00"))
    thursday = MONDAY + dt.timedelta(days=3)
    expected_when = f"Thursday {thursday.day} March at 10:15"
    response = as_user(people.manager).post(
        preview_url(),
        {
            "subject": "See you {when}",
            "email_text": "Dear {first_name},\r\n\r\nBring <nothing>: {manage_url}",
            "sms_text": "Hi {first_name}, {when} with {artist}",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"See you {expected_when}" in page
    assert "Dear Sam," in page
    assert "Bring &lt;nothing&gt;" in page  # the clinic's text is escaped
    assert "/sample-link/manage/" in page
    sms_text = f"Hi Sam, {expected_when} with Alex"
    assert sms_text in page
    assert f"{len(sms_text)} characters · sent as 1 text message" in page
    assert "Sam Taylor" in page
    assert not MessageTemplate.objects.filter(subject="See you {when}").exists()


def test_the_preview_names_an_unknown_placeholder(people, as_user):
    page = (
        as_user(people.manager)
        .post(preview_url(), form_data(sms_text="Hi {frist_name}"))
        .content.decode()
    )
    assert "SMS: Unknown placeholder {frist_name}" in page


def test_the_preview_button_works_without_script_and_saves_nothing(people, as_user, freeze_now):
    freeze_now(at(MONDAY, "08:00"))
    before = wording_of()
    response = as_user(people.manager).post(
        edit_url(), form_data(subject="Typed {first_name}", action="preview")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Typed {first_name}"' in page  # still in the field
    assert "Typed Sam" in page  # and in the preview
    assert wording_of() == before


# --- a test to the manager --------------------------------------------------------------------


def test_send_me_a_test_emails_the_manager_and_writes_no_reminder(people, as_user, freeze_now):
    freeze_now(at(MONDAY, "08:00"))
    before = wording_of()
    response = as_user(people.manager).post(
        edit_url(), form_data(subject="Soon: {when}", action="test")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "was sent to manager@clinic.test" in page
    assert "not saved yet" in page
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [people.manager.email]
    assert email.subject.startswith("Test: Soon: Thursday")
    assert "Hello Sam," in email.body
    assert email.alternatives and "Hello Sam," in email.alternatives[0][0]
    assert sms.outbox == []
    assert Reminder.objects.count() == 0
    assert wording_of() == before


def test_no_test_is_sent_for_wording_that_would_be_refused(people, as_user):
    response = as_user(people.manager).post(
        edit_url(), form_data(sms_text="Hi {nope}", action="test")
    )
    assert response.status_code == 400
    assert mail.outbox == []


# --- back to the shipped wording --------------------------------------------------------------


def test_restoring_puts_the_shipped_wording_back_after_a_confirmation(people, as_user):
    shipped = shipped_template(REMINDER)
    template = MessageTemplate.objects.get(kind=REMINDER)
    template.sms_text = "Our own <b>text</b> for {first_name}"
    template.offsets = [72]
    template.save()
    browser = as_user(people.manager)
    confirm = browser.get(restore_url()).content.decode()
    taken_out = "<del>Our own &lt;b&gt;text&lt;/b&gt; for {first_name}</del>"
    assert taken_out + "<ins>Hi {first_name}," in confirm
    assert MessageTemplate.objects.get(kind=REMINDER).sms_text.startswith("Our own")  # not yet
    response = browser.post(restore_url(), follow=True)
    assert "says again what it said" in response.content.decode()
    template.refresh_from_db()
    assert (template.subject, template.email_text, template.sms_text) == (
        shipped.subject,
        shipped.email_text,
        shipped.sms_text,
    )
    assert template.offsets == [72]  # the timing stays the clinic's
    assert is_shipped_wording(template)


def test_restoring_a_kind_whose_template_was_deleted_saves_it_again(people, as_user):
    MessageTemplate.objects.filter(kind=ReminderKind.RECEIPT).delete()
    as_user(people.manager).post(restore_url(ReminderKind.RECEIPT))
    template = MessageTemplate.objects.get(kind=ReminderKind.RECEIPT)
    assert template.subject == shipped_template(ReminderKind.RECEIPT).subject


# --- the timing in words (one function for every page) ----------------------------------------


@pytest.fixture
def kinds_of_every_unit():
    declared = {
        "test_hours": Timing(unit=HOURS_BEFORE, anchor="the appointment", default=(48, 24),
                             several=True),
        "test_days": Timing(unit=DAYS_AFTER, anchor="the session", default=(3,),
                            at=dt.time(9, 0)),
        "test_months": Timing(unit=MONTHS_AFTER, anchor="the plan ends", default=(6,),
                              at=dt.time(10, 0)),
        "test_now": Timing(unit=NOW),
        "test_elsewhere": Timing(unit=SET_ELSEWHERE, elsewhere="When the test is read",
                                 at=dt.time(8, 30)),
    }  # fmt: skip
    for slug, timing in declared.items():
        register_kind(
            slug, label=slug, owner="tests", values=lambda r, c: ({}, ()), placeholders={},
            timing=timing,
        )  # fmt: skip
    yield
    for slug in declared:
        _kinds.pop(slug)


@pytest.mark.parametrize(
    ("slug", "offsets", "at_time", "words"),
    [
        ("test_hours", None, None, "48 hours and 24 hours before the appointment"),
        ("test_hours", [], None, "48 hours and 24 hours before the appointment"),
        ("test_hours", [1], None, "1 hour before the appointment"),
        ("test_hours", [72, 48, 1], None, "72 hours, 48 hours and 1 hour before the appointment"),
        ("test_days", None, None, "3 days after the session, at 09:00"),
        ("test_days", [1], dt.time(18, 45), "1 day after the session, at 18:45"),
        ("test_months", [], None, "6 months after the plan ends, at 10:00"),
        ("test_months", [1], None, "1 month after the plan ends, at 10:00"),
        ("test_now", [], None, "Straight away"),
        ("test_elsewhere", [], None, "When the test is read, at 08:30"),
        ("no_such_kind", [3], None, ""),
    ],
)
def test_timing_in_words_for_every_unit(kinds_of_every_unit, slug, offsets, at_time, words):
    assert describe_timing(slug, offsets, at_time) == words


def test_sms_parts_count_the_alphabet_the_message_needs():
    assert sms_parts("") == 0
    assert sms_parts("a" * 160) == 1
    assert sms_parts("a" * 161) == 2
    assert sms_parts("a" * 306) == 2 and sms_parts("a" * 307) == 3
    assert sms_parts("€" * 80) == 1 and sms_parts("€" * 81) == 2  # two units each
    assert sms_parts("’" + "a" * 69) == 1 and sms_parts("’" + "a" * 70) == 2  # UCS-2


# --- in Spanish -------------------------------------------------------------------------------


def test_a_spanish_speaking_manager_sets_the_messages_in_spanish(people, as_user):
    people.manager.language = "es"
    people.manager.save(update_fields=["language"])
    browser = as_user(people.manager)
    page = browser.get(LIST).content.decode()
    assert "Tipos de mensaje" in page
    assert "Recordatorio de la cita" in page  # the kind's name
    assert "48 horas y 24 horas antes de la cita" in page  # its timing in words
    assert "Se envía a todos los clientes" in page
    assert "Appointment reminder" not in page

    page = browser.get(edit_url()).content.decode()
    assert "Recordatorio de la cita · Mensajes" in page
    assert "Horas antes de la cita" in page  # the offsets' label
    assert "Enviar este mensaje" in page
    assert "el nombre del cliente" in page  # a placeholder's help
    assert "Vista previa" in page

    # Refusals and what was saved, in Spanish too.
    response = browser.post(edit_url(), form_data(offsets="48, pronto", sms_text="Hola {nombre}"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "«pronto» no es un número entero de horas" in page
    assert "Marcador desconocido {nombre}. Este mensaje puede usar:" in page
    response = browser.post(edit_url(), form_data(offsets="72, 24"), follow=True)
    assert "«Recordatorio de la cita» guardado." in response.content.decode()
    assert "72 horas y 24 horas antes de la cita" in response.content.decode()

    page = browser.get(restore_url()).content.decode()
    assert "¿Restaurar el texto de serie?" in page
