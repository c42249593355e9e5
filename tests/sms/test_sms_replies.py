"""Clients' text replies: "C" confirms, "STOP" stops texts, anything else waits for staff.

Each message is posted to the inbound webhook as Twilio posts it (form fields, signed
with the library's RequestValidator over the public address) through Django's test
client; the answer is TwiML.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from reminders import dispatch
from reminders.models import (
    Channel,
    InboundMessage,
    InboundOutcome,
    Reminder,
    ReminderKind,
    ReminderSettings,
    ReminderStatus,
)
from reminders.tests.twilio_standin import ACCOUNT_SID, FROM_NUMBER, SITE_URL, signed
from scheduling.booking import booking_create
from scheduling.models import AppointmentEvent, AppointmentStatus
from scheduling.tests.api_fixtures import make_clinic
from tests.clock import at

INBOUND_URL = "/sms/twilio/inbound/"
ANNA = "+447911123001"
BEN = "+447911123002"
STRANGER = "+447700900999"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'

_sids = iter(range(1, 10_000))


def text_params(body: str, *, sender: str = ANNA, sid: str | None = None, **extra) -> dict:
    """The fields Twilio posts for an incoming SMS."""
    sid = sid or f"SM{next(_sids):032d}"
    return {
        "AccountSid": ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "Body": body,
        "From": sender,
        "FromCountry": "GB",
        "MessageSid": sid,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsMessageSid": sid,
        "SmsSid": sid,
        "SmsStatus": "received",
        "To": FROM_NUMBER,
        "ToCountry": "GB",
        **extra,
    }


def text_in(client, body: str, *, signature: str | None = None, **kwargs):
    """Post a text message to the webhook as Twilio would, signed unless told otherwise."""
    params = text_params(body, **kwargs)
    if signature is None:
        signature = signed(f"{SITE_URL}{INBOUND_URL}", params)
    headers = {"HTTP_X_TWILIO_SIGNATURE": signature} if signature else {}
    return client.post(
        INBOUND_URL,
        data=urlencode(params),
        content_type="application/x-www-form-urlencoded",
        **headers,
    )


def twiml(response) -> str:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/xml")
    return response.content.decode()


@pytest.fixture
def clinic(people, twilio_standin):
    """Anna prefers texts and agreed to reminders; texts go through the stand-in."""
    ReminderSettings.objects.update_or_create(
        pk=1, defaults={"quiet_hours_start": dt.time(0, 0), "quiet_hours_end": dt.time(0, 0)}
    )
    people.record_a.preferred_channel = "sms"
    people.record_a.contact_consent = True
    people.record_a.save()
    clinic = make_clinic(people)
    clinic.standin = twilio_standin
    return clinic


def book_anna(clinic, hhmm: str = "10:00", *, day=None):
    return booking_create(
        client=clinic.people.record_a,
        appointment_type=clinic.consultation,
        artist=clinic.artist,
        starts_at=at(day or clinic.day, hhmm),
        by=clinic.people.front_desk,
    )


def record_page(as_user, who, client_record) -> str:
    return as_user(who).get(reverse("clients:detail", args=[client_record.pk])).content.decode()


def texts_section(page: str) -> str:
    return page.split('data-testid="client-texts"')[1].split("</section>")[0]


# --- "C" or "YES" confirms ---------------------------------------------------------------


@pytest.mark.parametrize("reply", ["C", " c ", "Yes", "YES.", "y e s"])
def test_c_or_yes_confirms_the_appointment_the_text_was_about(clinic, client, reply):
    appointment = book_anna(clinic)
    assert dispatch.dispatch_due() == 1  # the confirmation, by text

    answer = twiml(text_in(client, reply))

    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED
    event = AppointmentEvent.objects.filter(appointment=appointment).latest("id")
    assert (event.from_status, event.to_status) == (
        AppointmentStatus.BOOKED,
        AppointmentStatus.CONFIRMED,
    )
    when = timezone.localtime(appointment.starts_at)
    assert f"Thank you, Anna: your free consultation on {when:%A} {when.day}" in answer
    assert answer.startswith('<?xml version="1.0" encoding="UTF-8"?><Response><Message>')
    [message] = InboundMessage.objects.all()
    assert message.client == clinic.people.record_a
    assert message.outcome == InboundOutcome.CONFIRMED
    assert "Confirmed the free consultation" in message.outcome_detail
    assert not message.unread


def test_the_next_appointment_texted_about_is_the_one_confirmed(clinic, client):
    later = book_anna(clinic, "15:00")
    sooner = book_anna(clinic, "10:00")
    dispatch.dispatch_due()

    text_in(client, "C")

    sooner.refresh_from_db()
    later.refresh_from_db()
    assert (sooner.status, later.status) == (
        AppointmentStatus.CONFIRMED,
        AppointmentStatus.BOOKED,
    )


def test_a_client_who_reads_spanish_is_answered_in_spanish(clinic, client):
    """The reminder said "Responda C para confirmar": the answer is in Spanish too, while
    what is noted for the desk stays in the clinic's language."""
    anna = clinic.people.record_a
    anna.language = "es"
    anna.save(update_fields=["language"])
    appointment = book_anna(clinic)
    dispatch.dispatch_due()

    answer = twiml(text_in(client, "C"))

    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED
    assert "Gracias, Anna: su cita (consulta gratuita del " in answer
    assert ") queda confirmada." in answer
    [message] = InboundMessage.objects.all()
    assert "Confirmed the free consultation on " in message.outcome_detail

    again = twiml(text_in(client, "C"))
    assert "ya estaba confirmada" in again


def test_confirming_twice_says_it_is_confirmed_already(clinic, client):
    appointment = book_anna(clinic)
    dispatch.dispatch_due()
    text_in(client, "C")
    events = AppointmentEvent.objects.filter(appointment=appointment).count()

    answer = twiml(text_in(client, "C"))

    assert "is confirmed already" in answer
    assert AppointmentEvent.objects.filter(appointment=appointment).count() == events


def test_c_with_no_appointment_texted_about_goes_to_staff(clinic, client, as_user):
    anna = clinic.people.record_a
    anna.preferred_channel = "email"
    anna.save()
    appointment = book_anna(clinic)
    dispatch.dispatch_due()  # the confirmation went by email

    answer = twiml(text_in(client, "C"))

    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    assert "could not find an appointment to confirm" in answer
    [message] = InboundMessage.objects.all()
    assert message.outcome == InboundOutcome.NOTHING_TO_CONFIRM and message.unread
    section = texts_section(record_page(as_user, clinic.people.front_desk, anna))
    assert "1 to read" in section
    assert "No appointment to come that a text message was sent about." in section


def test_a_replayed_message_is_acted_on_once(clinic, client):
    appointment = book_anna(clinic)
    dispatch.dispatch_due()
    first = twiml(text_in(client, "C", sid="SM" + "7" * 32))
    events = AppointmentEvent.objects.filter(appointment=appointment).count()

    again = twiml(text_in(client, "C", sid="SM" + "7" * 32))

    assert again == first
    assert InboundMessage.objects.count() == 1
    assert AppointmentEvent.objects.filter(appointment=appointment).count() == events


# --- STOP and START ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "word", ["STOP", "stop", "Stopall", "UNSUBSCRIBE", "cancel", "End", "QUIT"]
)
def test_stop_words_stop_every_text_and_the_record_says_when_and_how(clinic, client, as_user, word):
    anna = clinic.people.record_a

    answer = twiml(text_in(client, word))

    assert answer == EMPTY_TWIML  # Twilio answers STOP itself
    anna.refresh_from_db()
    assert anna.sms_opted_out is True
    assert anna.sms_consent_changed_how == f'Replied "{word.upper()}" by text'
    assert timezone.now() - anna.sms_consent_changed_at < dt.timedelta(minutes=1)
    page = record_page(as_user, clinic.people.front_desk, anna)
    consent = page.split('data-testid="sms-consent"')[1].split("</dd>")[0]
    assert "Stopped" in consent and f"Replied &quot;{word.upper()}&quot; by text" in consent
    assert InboundMessage.objects.get().outcome == InboundOutcome.OPTED_OUT


def test_after_stop_the_outbox_sends_email_not_texts(clinic, client):
    text_in(client, "STOP")

    appointment = book_anna(clinic)
    assert dispatch.dispatch_due() == 1

    reminder = Reminder.objects.get(appointment=appointment, kind=ReminderKind.BOOKING_CONFIRMATION)
    assert reminder.channel == Channel.EMAIL
    assert clinic.standin.requests == []
    assert [m.to for m in mail.outbox] == [["anna@clinic.test"]]


def test_after_stop_a_client_reached_only_by_text_gets_nothing(clinic, client):
    anna = clinic.people.record_a
    anna.email = ""
    anna.save()
    text_in(client, "STOP")

    appointment = book_anna(clinic)
    dispatch.dispatch_due()

    reminder = Reminder.objects.get(appointment=appointment, kind=ReminderKind.BOOKING_CONFIRMATION)
    assert reminder.status == ReminderStatus.SKIPPED
    assert "replied STOP" in reminder.last_error
    assert clinic.standin.requests == []


@pytest.mark.parametrize("word", ["START", "unstop"])
def test_start_gives_texts_back(clinic, client, as_user, word):
    anna = clinic.people.record_a
    text_in(client, "STOP")

    twiml(text_in(client, word))

    anna.refresh_from_db()
    assert anna.sms_opted_out is False
    assert anna.sms_consent_changed_how == f'Replied "{word.upper()}" by text'
    appointment = book_anna(clinic)
    dispatch.dispatch_due()
    reminder = Reminder.objects.get(appointment=appointment, kind=ReminderKind.BOOKING_CONFIRMATION)
    assert reminder.channel == Channel.SMS
    assert len(clinic.standin.requests) == 1
    consent = record_page(as_user, clinic.people.front_desk, anna).split(
        'data-testid="sms-consent"'
    )
    assert "Allowed again since" in consent[1].split("</dd>")[0]


def test_stop_twice_keeps_the_first_time(clinic, client):
    anna = clinic.people.record_a
    text_in(client, "STOP")
    anna.refresh_from_db()
    first = anna.sms_consent_changed_at

    text_in(client, "END")

    anna.refresh_from_db()
    assert (anna.sms_consent_changed_at, anna.sms_consent_changed_how) == (
        first,
        'Replied "STOP" by text',
    )
    assert InboundMessage.objects.order_by("id").last().outcome_detail == (
        "Text messages were stopped already."
    )


def test_twilios_own_reading_of_an_opt_out_wins(clinic, client):
    """With Twilio's Advanced Opt-Out a custom word (here "ARRET") arrives with OptOutType."""
    twiml(text_in(client, "ARRET", OptOutType="STOP"))

    clinic.people.record_a.refresh_from_db()
    assert clinic.people.record_a.sms_opted_out is True


def test_yes_from_a_client_whose_texts_are_stopped_starts_them_and_confirms(clinic, client):
    anna = clinic.people.record_a
    appointment = book_anna(clinic)
    dispatch.dispatch_due()
    text_in(client, "STOP")

    twiml(text_in(client, "YES"))

    anna.refresh_from_db()
    appointment.refresh_from_db()
    assert anna.sms_opted_out is False
    assert anna.sms_consent_changed_how == 'Replied "YES" by text'
    assert appointment.status == AppointmentStatus.CONFIRMED


# --- anything else: the staff inbox -------------------------------------------------------


def test_any_other_reply_waits_on_the_client_record_until_read(clinic, client, as_user):
    people = clinic.people
    anna = people.record_a

    answer = twiml(text_in(client, "Running 10 min late, sorry!\nIs parking free?"))

    assert answer == EMPTY_TWIML
    [message] = InboundMessage.objects.all()
    assert (message.client, message.outcome, message.read_at) == (
        anna,
        InboundOutcome.FOR_STAFF,
        None,
    )
    section = texts_section(record_page(as_user, people.front_desk, anna))
    assert "1 to read" in section
    assert "Running 10 min late, sorry!\nIs parking free?" in section
    assert "Mark read" in section

    response = as_user(people.front_desk).post(
        reverse("reminders:inbox_read", args=[message.pk]),
        {"next": reverse("clients:detail", args=[anna.pk])},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", args=[anna.pk])
    message.refresh_from_db()
    assert message.read_by == people.front_desk and message.read_at is not None
    section = texts_section(record_page(as_user, people.front_desk, anna))
    assert "to read" not in section.lower() and "Mark read" not in section
    assert "Read by Jordan Price" in section


def test_the_newest_text_comes_first_and_only_the_clients_own(clinic, client, as_user):
    people = clinic.people
    text_in(client, "First from Anna")
    text_in(client, "Second from Anna")
    text_in(client, "From Ben", sender=BEN)

    anna_texts = texts_section(record_page(as_user, people.manager, people.record_a))
    ben_texts = texts_section(record_page(as_user, people.manager, people.record_b))

    assert anna_texts.index("Second from Anna") < anna_texts.index("First from Anna")
    assert "From Ben" not in anna_texts
    assert "From Ben" in ben_texts and "from Anna" not in ben_texts


def test_marking_read_twice_says_who_read_it(clinic, client, as_user):
    people = clinic.people
    text_in(client, "Hello?")
    message = InboundMessage.objects.get()
    url = reverse("reminders:inbox_read", args=[message.pk])
    as_user(people.front_desk).post(url)
    first = InboundMessage.objects.get().read_at

    response = as_user(people.manager).post(url, follow=True)

    assert "Jordan Price had read it already." in response.content.decode()
    message.refresh_from_db()
    assert (message.read_by, message.read_at) == (people.front_desk, first)


def test_only_the_desk_and_managers_read_clients_texts(clinic, client, as_user):
    people = clinic.people
    text_in(client, "Is the itching normal?")
    message = InboundMessage.objects.get()

    artist_page = record_page(as_user, people.artist, people.record_a)
    assert 'data-testid="client-texts"' not in artist_page
    assert "itching" not in artist_page
    url = reverse("reminders:inbox_read", args=[message.pk])
    assert as_user(people.artist).post(url).status_code == 403
    assert as_user(people.client_a).post(url).status_code == 404
    assert as_user(people.artist).get(reverse("reminders:inbox")).status_code == 403
    assert as_user(people.client_a).get(reverse("reminders:inbox")).status_code == 404
    assert InboundMessage.objects.get().read_at is None
    assert (
        as_user(people.front_desk).post(reverse("reminders:inbox_read", args=[99999])).status_code
        == 404
    )


def test_a_text_from_an_unknown_number_lands_in_the_general_inbox(clinic, client, as_user):
    people = clinic.people
    answer = twiml(text_in(client, "Do you do eyebrows?", sender=STRANGER))

    assert answer == EMPTY_TWIML
    message = InboundMessage.objects.get()
    assert message.client is None and message.unread
    page = as_user(people.front_desk).get(reverse("reminders:inbox")).content.decode()
    unknown = page.split('data-testid="unknown-senders"')[1]
    assert STRANGER in unknown and "Do you do eyebrows?" in unknown
    assert "Do you do eyebrows?" not in texts_section(
        record_page(as_user, people.front_desk, people.record_a)
    )

    response = as_user(people.front_desk).post(reverse("reminders:inbox_read", args=[message.pk]))
    assert response["Location"] == reverse("reminders:inbox")
    assert InboundMessage.objects.get().read_by == people.front_desk


def test_the_general_inbox_lists_the_clients_waiting(clinic, client, as_user):
    people = clinic.people
    text_in(client, "One")
    text_in(client, "Two")
    text_in(client, "C")  # nothing to confirm: someone should call her
    text_in(client, "STOP")  # acted on: nothing to read

    page = as_user(people.manager).get(reverse("reminders:inbox")).content.decode()
    waiting = page.split('data-testid="clients-waiting"')[1].split("</section>")[0]

    assert "Anna Ashby" in waiting and "3 to read" in waiting
    assert "Ben Barker" not in waiting


def test_unknown_numbers_and_keywords_from_them_change_no_record(clinic, client):
    twiml(text_in(client, "STOP", sender=STRANGER))
    twiml(text_in(client, "C", sender=STRANGER))

    clinic.people.record_a.refresh_from_db()
    assert clinic.people.record_a.sms_opted_out is False
    outcomes = list(InboundMessage.objects.order_by("id").values_list("client", "outcome"))
    assert outcomes == [(None, InboundOutcome.OPTED_OUT), (None, InboundOutcome.FOR_STAFF)]


def test_a_number_added_to_a_record_later_brings_its_texts_with_it(clinic, client, as_user):
    people = clinic.people
    text_in(client, "Hi, this is Ben's new phone", sender=STRANGER)
    ben = people.record_b
    ben.phone = STRANGER
    ben.save()

    assert "Ben&#x27;s new phone" in texts_section(record_page(as_user, people.front_desk, ben))


def test_the_inbox_takes_the_same_queries_for_5_or_50_texts(
    clinic, as_user, people, django_assert_max_num_queries
):
    def fill(count):
        for n in range(count):
            InboundMessage.objects.create(
                provider_message_id=f"SMq{InboundMessage.objects.count()}-{n}",
                client=people.record_a if n % 3 == 0 else None,
                from_number=ANNA if n % 3 == 0 else STRANGER,
                body=f"Message {n}",
                received_at=timezone.now(),
                outcome=InboundOutcome.FOR_STAFF,
                read_by=people.front_desk if n % 2 else None,
                read_at=timezone.now() if n % 2 else None,
            )

    page = as_user(people.front_desk)
    fill(5)
    with django_assert_max_num_queries(12) as small:
        assert page.get(reverse("reminders:inbox")).status_code == 200
    fill(45)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert page.get(reverse("reminders:inbox")).status_code == 200
    with django_assert_max_num_queries(60) as record_small:
        page.get(reverse("clients:detail", args=[people.record_a.pk]))
    fill(30)
    with django_assert_max_num_queries(len(record_small.captured_queries)):
        page.get(reverse("clients:detail", args=[people.record_a.pk]))


def test_what_clients_write_is_encrypted_in_the_database(clinic, client):
    text_in(client, "The scar on my crown is itching")
    message = InboundMessage.objects.get()

    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM reminders_inboundmessage WHERE id = %s", [message.pk])
        raw = cursor.fetchone()[0]

    assert "itching" not in raw and raw.startswith("gAAAAA")
    assert InboundMessage.objects.get().body == "The scar on my crown is itching"


# --- requests that are not Twilio's --------------------------------------------------------


@pytest.mark.parametrize("forgery", ["missing", "wrong token", "other text"])
def test_a_text_without_twilios_signature_is_refused_and_nothing_happens(clinic, client, forgery):
    appointment = book_anna(clinic)
    dispatch.dispatch_due()
    params = text_params("STOP")
    signature = {
        "missing": "",
        "wrong token": signed(f"{SITE_URL}{INBOUND_URL}", params, token="not-ours"),
        "other text": signed(f"{SITE_URL}{INBOUND_URL}", {**params, "Body": "Hello"}),
    }[forgery]

    response = client.post(
        INBOUND_URL,
        data=urlencode(params),
        content_type="application/x-www-form-urlencoded",
        **({"HTTP_X_TWILIO_SIGNATURE": signature} if signature else {}),
    )

    assert response.status_code == 403
    assert InboundMessage.objects.count() == 0
    clinic.people.record_a.refresh_from_db()
    assert clinic.people.record_a.sms_opted_out is False
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_a_signed_text_without_a_sender_is_a_clear_400(clinic, client):
    response = text_in(client, "C", sender="")

    assert response.status_code == 400
    assert b"needs the provider's id and the sender's number" in response.content
    assert InboundMessage.objects.count() == 0


def test_the_inbound_address_takes_only_post(client, clinic):
    assert client.get(INBOUND_URL).status_code == 405
    assert reverse("sms_twilio:inbound") == INBOUND_URL
