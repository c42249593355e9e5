"""The front desk's to-do list: each list shows what needs doing and nothing else, each row
has its action one click away, and the page costs the same queries however much there is.

Dates come from tests/clock.py (today on the clinic's clock), so nothing here depends on
the date the suite runs.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aftercare.models import CheckIn, CheckInKind, CheckInStatus
from consultations.models import Consultation, QuestionnaireResponse
from reminders.inbound import inbound_receive
from reminders.models import Channel, Reminder, ReminderKind, ReminderStatus
from scheduling.models import Appointment, AppointmentStatus, AppointmentType
from sessions_app.tests.fixtures import logged_session
from smpclinic.tests.home_fixtures import failed_message
from tests.clock import at, days_ago, today

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def section(html: str, testid: str) -> str:
    return html.split(f'data-testid="{testid}"')[1].split("</section>")[0]


def booked(client, artist, start, *, slug="consultation", status=AppointmentStatus.BOOKED):
    """An appointment written directly (any day, any status: this page only reads them)."""
    appointment = Appointment.objects.create(
        client=client,
        type=AppointmentType.objects.get(slug=slug),
        artist=artist,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=45),
        blocked_until=start + dt.timedelta(minutes=60),
        status=status,
    )
    if slug == "consultation":
        Consultation.objects.create(client=client, appointment=appointment, artist=artist)
    return appointment


def tomorrow(hhmm: str) -> dt.datetime:
    return at(today() + dt.timedelta(days=1), hhmm)


def test_tomorrows_unconfirmed_appointments_with_call_and_confirm(treatment, as_user):
    people = treatment.people
    unconfirmed = booked(people.record_a, people.artist, tomorrow("10:00"))
    booked(people.record_b, people.artist, tomorrow("11:00"), status=AppointmentStatus.CONFIRMED)
    booked(people.record_b, people.artist, tomorrow("12:00"), status=AppointmentStatus.CANCELLED)
    booked(people.record_b, people.artist, at(today() + dt.timedelta(days=2), "10:00"))
    html = as_user(people.front_desk).get(HOME).content.decode()
    listed = section(html, "todo-confirm")
    assert listed.count('data-testid="todo-row"') == 1
    assert "Anna Ashby" in listed and "Ben Barker" not in listed
    assert f'href="tel:{people.record_a.phone.as_e164}"' in listed
    assert f'href="{unconfirmed.get_absolute_url()}"' in listed


def test_a_long_list_shows_its_first_ten_and_counts_them_all(treatment, as_user):
    people = treatment.people
    for n in range(12):  # twelve unconfirmed for tomorrow, one artist after another
        artist = people.artist if n % 2 else treatment.artist2
        booked(people.record_a, artist, tomorrow(f"{8 + n // 2:02d}:{(n % 2) * 30:02d}"))
    booked(people.record_b, people.artist, tomorrow("18:00"), status=AppointmentStatus.CONFIRMED)
    html = as_user(people.front_desk).get(HOME).content.decode()
    listed = section(html, "todo-confirm")
    assert 'To confirm for tomorrow <span class="badge text-bg-secondary">12</span>' in listed
    assert listed.count('data-testid="todo-row"') == 10
    assert "And 2 more: see" in listed


def test_consultations_whose_forms_are_not_done_with_a_resend_button(treatment, as_user):
    people = treatment.people
    soon = booked(people.record_b, people.artist, tomorrow("15:00"))
    done = booked(people.record_a, people.artist, tomorrow("16:00"))
    # Anna has answered the questionnaire for hers (and signed consent: the fixture).
    QuestionnaireResponse.objects.create(
        client=people.record_a,
        consultation=done.consultation,
        version=_published_questionnaire(),
        channel="online",
    )
    booked(people.record_b, people.artist, at(today() + dt.timedelta(days=9), "10:00"))
    desk = as_user(people.front_desk)
    listed = section(desk.get(HOME).content.decode(), "todo-forms")
    assert listed.count('data-testid="todo-row"') == 1
    assert "Ben Barker" in listed and "Anna Ashby" not in listed
    assert "health questionnaire" in listed

    send = reverse("consultations:forms_link_send", args=[soon.consultation.pk])
    assert f'action="{send}"' in listed
    response = desk.post(send, {"next": HOME}, follow=True)
    assert response.redirect_chain[-1][0] == HOME
    assert "The forms link is on its way to Ben Barker." in response.content.decode()
    sent = Reminder.objects.get(kind=ReminderKind.CONSULTATION_FORMS)
    assert sent.client == people.record_b and sent.consultation == soon.consultation
    # Somewhere else than this site is not where the button sends anyone back to.
    response = desk.post(send, {"next": "https://elsewhere.example/"})
    assert response.url == soon.consultation.get_absolute_url()


def _published_questionnaire():
    from consultations.models import QuestionnaireVersion

    version = QuestionnaireVersion.objects.order_by("-number").first()
    if version is None:
        version = QuestionnaireVersion.objects.create(number=1, published_at=timezone.now())
    return version


def test_only_staff_may_resend_the_forms_link(treatment, as_user):
    people = treatment.people
    consultation = booked(people.record_a, people.artist, tomorrow("10:00")).consultation
    send = reverse("consultations:forms_link_send", args=[consultation.pk])
    assert as_user(people.client_a).post(send).status_code == 404
    assert as_user(people.front_desk).get(send).status_code == 405
    assert not Reminder.objects.filter(kind=ReminderKind.CONSULTATION_FORMS).exists()


def invite_to_check_in(session, *, days: int) -> CheckIn:
    """The fade check-in the session's log made, its invitation sent `days` days ago."""
    check_in = CheckIn.objects.get(session=session, kind=CheckInKind.FADE)
    assert check_in.status == CheckInStatus.INVITED
    Reminder.objects.create(
        key=f"test:check-in:{check_in.pk}",
        client=session.plan.client,
        kind=ReminderKind.FADE_CHECK_IN,
        status=ReminderStatus.SENT,
        channel=Channel.EMAIL,
        session=session,
        due_at=timezone.now() - dt.timedelta(days=days),
        sent_at=timezone.now() - dt.timedelta(days=days),
        data={"check_in_id": check_in.pk},
    )
    return check_in


def test_check_ins_unanswered_after_three_days(treatment, as_user):
    first, second, _ = treatment.sessions
    logged_session(first, when=days_ago(20))
    invite_to_check_in(first, days=4)
    logged_session(second, when=days_ago(5))
    invite_to_check_in(second, days=1)  # too recent to chase
    html = as_user(treatment.people.front_desk).get(HOME).content.decode()
    listed = section(html, "todo-check-ins")
    assert listed.count('data-testid="todo-row"') == 1
    assert "Anna Ashby" in listed and "Fade check-in" in listed


def test_failed_messages_are_sent_again_from_the_home_page(treatment, as_user):
    people = treatment.people
    reminder = failed_message(people.record_b)
    Reminder.objects.create(
        key="test:sent",
        client=people.record_a,
        kind=ReminderKind.APPOINTMENT_REMINDER,
        status=ReminderStatus.SENT,
        due_at=timezone.now(),
    )
    desk = as_user(people.front_desk)
    listed = section(desk.get(HOME).content.decode(), "todo-failed")
    assert listed.count('data-testid="todo-row"') == 1
    assert "Ben Barker" in listed and "connection refused" in listed
    retry = reverse("reminders:retry", args=[reminder.pk])
    assert f'action="{retry}"' in listed
    response = desk.post(retry, {"next": HOME})
    assert response.status_code == 302 and response.url == HOME
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.PENDING


def test_texts_from_clients_to_read_are_on_the_list_and_marked_read_from_it(treatment, as_user):
    from reminders.models import InboundMessage

    people = treatment.people
    question = inbound_receive(
        provider_message_id="SMtodo1",
        from_number="+447911123001",
        body="Can I go to the gym tomorrow?",
    )
    stranger = inbound_receive(
        provider_message_id="SMtodo2", from_number="+447700900777", body="Who is this?"
    )
    # Answered by the app itself: nothing for the desk to read.
    inbound_receive(provider_message_id="SMtodo3", from_number="+447911123001", body="STOP")
    InboundMessage.objects.filter(pk=stranger.pk).update(received_at=days_ago(1))
    desk = as_user(people.front_desk)

    listed = section(desk.get(HOME).content.decode(), "todo-texts")

    assert ">2</span>" in listed
    assert listed.count('data-testid="todo-row"') == 2
    assert "Anna Ashby" in listed and "Can I go to the gym tomorrow?" in listed
    assert listed.index("Anna Ashby") < listed.index("+447700900777")  # newest first
    assert "STOP" not in listed
    read = reverse("reminders:inbox_read", args=[question.pk])
    assert f'action="{read}"' in listed
    response = desk.post(read, {"next": HOME})
    assert response.status_code == 302 and response.url == HOME
    question.refresh_from_db()
    assert question.read_by == people.front_desk
    listed = section(desk.get(HOME).content.decode(), "todo-texts")
    assert listed.count('data-testid="todo-row"') == 1 and "gym" not in listed


def test_empty_lists_say_so(treatment, as_user):
    html = as_user(treatment.people.front_desk).get(HOME).content.decode()
    assert "Nothing to confirm for tomorrow." in html
    assert "Every consultation this week has its forms done." in html
    assert "Everyone invited has booked their next session." in html
    assert "No check-in is waiting on a client." in html
    assert "Every message went." in html
    assert "No text from a client waits to be read." in html


def _queries(browser) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert browser.get(HOME).status_code == 200
    return len(ctx.captured_queries)


def test_the_to_do_page_costs_the_same_queries_with_one_row_or_many(treatment, as_user):
    people = treatment.people
    desk = as_user(people.front_desk)
    booked(people.record_a, people.artist, tomorrow("08:00"))
    failed_message(people.record_a)
    inbound_receive(provider_message_id="SMfew", from_number="+447700900100", body="Hello?")
    few = _queries(desk)
    for n, hhmm in enumerate(("09:00", "10:00", "11:00", "12:00", "13:00", "14:00")):
        booked(people.record_a if n % 2 else people.record_b, people.artist, tomorrow(hhmm))
        failed_message(people.record_b, n + 1)
        inbound_receive(
            provider_message_id=f"SMmany{n}", from_number=f"+44770090010{n}", body="Hello?"
        )
    assert _queries(desk) == few
    # Each list is one query, its rows and its count together (smpclinic.todo._to_do), and
    # tomorrow's to confirm come with today's appointments.
    assert few == 15


def test_deposits_to_take_lists_what_is_due_ahead_the_soonest_released_first(treatment, as_user):
    from billing.models import Deposit, DepositStatus

    people = treatment.people
    desk_booked = booked(people.record_a, people.artist, tomorrow("10:00"))
    online = booked(people.record_b, people.artist, tomorrow("12:00"))
    paid = booked(people.record_b, people.artist, tomorrow("14:00"))
    gone = booked(people.record_a, people.artist, at(days_ago(2), "10:00"))
    Deposit.objects.create(appointment=desk_booked, client=people.record_a, amount=50)
    Deposit.objects.create(
        appointment=online,
        client=people.record_b,
        amount=80,
        pay_by=timezone.now() + dt.timedelta(hours=5),
    )
    Deposit.objects.create(
        appointment=paid, client=people.record_b, amount=50, status=DepositStatus.PAID
    )
    Deposit.objects.create(appointment=gone, client=people.record_a, amount=50)

    listed = section(as_user(people.front_desk).get(HOME).content.decode(), "todo-deposits")

    assert ">2</span>" in listed
    assert listed.index("Ben Barker") < listed.index("Anna Ashby")  # held: released first
    assert "£80.00" in listed and "Held until" in listed
    assert f'href="{desk_booked.get_absolute_url()}">Take the deposit' in listed
    assert "14:00" not in listed
