"""The clinic-wide reminders list, Retry, the clients to chase, a client's messages, the admin."""

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from reminders import selectors
from reminders.models import Channel, Reminder, ReminderKind, ReminderStatus
from scheduling.models import Appointment, AppointmentStatus, AppointmentType
from sessions_app.models import PlanStatus, TreatmentPlan
from tests.clock import MONDAY, YEAR, at, utc

LIST = reverse("reminders:list")
TO_CHASE = reverse("sessions_app:to_chase")


def make(client, kind=ReminderKind.APPOINTMENT_REMINDER, status=ReminderStatus.PENDING, **fields):
    fields.setdefault("due_at", timezone.now() + dt.timedelta(days=1))
    return Reminder.objects.create(
        key=f"test:{Reminder.objects.count()}:{kind}:{status}",
        client=client,
        kind=kind,
        status=status,
        **fields,
    )


def failed(client, **fields):
    return make(
        client,
        status=ReminderStatus.FAILED,
        attempts=5,
        channel=Channel.EMAIL,
        last_error="Email not sent: connection refused",
        **fields,
    )


# --- who may see and do what --------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(client, db):
    for url in (LIST, TO_CHASE):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_clients_cannot_open_the_staff_pages_or_retry(as_user, people):
    reminder = failed(people.record_a)
    page = as_user(people.client_a)
    assert page.get(LIST).status_code == 403
    # Who is waiting for their next session is treatment: hidden from clients (404).
    assert page.get(TO_CHASE).status_code == 404
    assert page.post(reverse("reminders:retry", args=[reminder.pk])).status_code == 403
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.FAILED


def test_an_artist_sees_the_list_but_cannot_retry(as_user, people):
    reminder = failed(people.record_a)
    page = as_user(people.artist)
    response = page.get(LIST + "?tab=failed")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Anna Ashby" in text
    assert "connection refused" in text
    assert "Retry" not in text
    assert page.post(reverse("reminders:retry", args=[reminder.pk])).status_code == 403
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.FAILED


# --- the list -----------------------------------------------------------------------------


def test_each_tab_shows_its_reminders(as_user, people, settings):
    settings.TIME_ZONE = "Europe/London"
    pending = make(people.record_a, due_at=utc(7, 1, 9, 0))
    sent = make(
        people.record_b,
        kind=ReminderKind.BOOKING_CONFIRMATION,
        status=ReminderStatus.SENT,
        channel=Channel.SMS,
        sent_to="+447911123002",
        sent_at=utc(12, 7, 15, 30),
    )
    broken = failed(people.record_a, kind=ReminderKind.GAP_INVITE)
    skipped = make(
        people.record_b,
        kind=ReminderKind.FADE_CHECK_IN,
        status=ReminderStatus.SKIPPED,
        last_error="The client has not agreed to reminders.",
    )
    cancelled = make(
        people.record_a, status=ReminderStatus.CANCELLED, last_error="The appointment moved."
    )
    page = as_user(people.front_desk)

    upcoming = page.get(LIST).content.decode()
    assert f'data-testid="reminder-{pending.pk}"' in upcoming
    assert f"Thu 1 Jul {YEAR}, 10:00" in upcoming  # 09:00 UTC in London summer time
    for other in (sent, broken, skipped, cancelled):
        assert f'data-testid="reminder-{other.pk}"' not in upcoming

    sent_tab = page.get(LIST + "?tab=sent").content.decode()
    assert f'data-testid="reminder-{sent.pk}"' in sent_tab
    assert f"Tue 7 Dec {YEAR}, 15:30" in sent_tab  # winter: London is UTC
    assert "+447911123002" in sent_tab
    assert "Ben Barker" in sent_tab

    failed_tab = page.get(LIST + "?tab=failed").content.decode()
    assert f'data-testid="reminder-{broken.pk}"' in failed_tab
    assert "Invitation to book the next session" in failed_tab
    assert reverse("reminders:retry", args=[broken.pk]) in failed_tab

    not_sent = page.get(LIST + "?tab=not_sent").content.decode()
    assert f'data-testid="reminder-{skipped.pk}"' in not_sent
    assert f'data-testid="reminder-{cancelled.pk}"' in not_sent
    assert "The client has not agreed to reminders." in not_sent
    assert "The appointment moved." in not_sent


def test_filter_by_kind_and_counts(as_user, people):
    make(people.record_a, kind=ReminderKind.GAP_INVITE)
    make(people.record_a, kind=ReminderKind.AFTERCARE)
    failed(people.record_a, kind=ReminderKind.AFTERCARE)
    page = as_user(people.manager)
    response = page.get(LIST + "?kind=gap_invite")
    text = response.content.decode()
    assert text.count('data-testid="reminder-') == 1
    assert "Invitation to book the next session" in text
    assert [tab["count"] for tab in response.context["tabs"]] == [1, 0, 0, 0]
    response = page.get(LIST + "?kind=aftercare&tab=failed")
    assert [tab["count"] for tab in response.context["tabs"]] == [1, 0, 1, 0]
    # Nonsense filters show everything rather than an error.
    response = page.get(LIST + "?kind=nonsense&tab=nonsense&page=x")
    assert response.status_code == 200
    assert response.context["tab"] == "upcoming"
    assert response.content.decode().count('data-testid="reminder-') == 2


def test_empty_tabs_say_so(as_user, people):
    response = as_user(people.manager).get(LIST + "?tab=failed")
    assert "No failed messages" in response.content.decode()


def test_the_list_is_paginated_by_50(as_user, people):
    Reminder.objects.bulk_create(
        Reminder(
            key=f"bulk:{n}",
            client=people.record_a,
            kind=ReminderKind.AFTERCARE,
            due_at=timezone.now() + dt.timedelta(minutes=n),
        )
        for n in range(60)
    )
    page = as_user(people.manager)
    first = page.get(LIST).content.decode()
    assert first.count('data-testid="reminder-') == 50
    assert "Page 1 of 2" in first
    second = page.get(LIST + "?page=2").content.decode()
    assert second.count('data-testid="reminder-') == 10


@pytest.mark.parametrize("tab", ["upcoming", "sent", "failed", "not_sent"])
def test_the_list_takes_the_same_queries_for_5_or_50_reminders(
    as_user, people, django_assert_max_num_queries, tab
):
    status = {
        "upcoming": ReminderStatus.PENDING,
        "sent": ReminderStatus.SENT,
        "failed": ReminderStatus.FAILED,
        "not_sent": ReminderStatus.SKIPPED,
    }[tab]
    page = as_user(people.front_desk)

    def fill(count):
        Reminder.objects.bulk_create(
            Reminder(
                key=f"q:{tab}:{Reminder.objects.count()}:{n}",
                client=people.record_a if n % 2 else people.record_b,
                kind=ReminderKind.values[n % len(ReminderKind.values)],
                status=status,
                due_at=timezone.now(),
                sent_at=timezone.now() if status == ReminderStatus.SENT else None,
            )
            for n in range(count)
        )

    fill(5)
    with django_assert_max_num_queries(8) as small:
        assert page.get(LIST + f"?tab={tab}").status_code == 200
    fill(45)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = page.get(LIST + f"?tab={tab}")
    assert response.content.decode().count('data-testid="reminder-') == 50


def test_an_alert_shows_when_reminders_are_overdue(as_user, people, monkeypatch):
    monkeypatch.setattr(
        "reminders.views._overdue_alert", lambda: "12 reminders are more than 15 minutes late."
    )
    text = as_user(people.artist).get(LIST).content.decode()
    assert 'data-testid="overdue-alert"' in text
    assert "12 reminders are more than 15 minutes late." in text
    monkeypatch.setattr("reminders.views._overdue_alert", lambda: None)
    assert 'data-testid="overdue-alert"' not in as_user(people.artist).get(LIST).content.decode()


# --- retry --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["front_desk", "manager"])
def test_front_desk_and_manager_retry_a_failed_reminder(as_user, people, who):
    reminder = failed(people.record_a, due_at=timezone.now() - dt.timedelta(days=2))
    page = as_user(getattr(people, who))
    before = timezone.now()
    response = page.post(reverse("reminders:retry", args=[reminder.pk]), follow=True)
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.PENDING
    assert reminder.attempts == 0
    assert before <= reminder.due_at <= timezone.now()
    name = getattr(people, who).get_full_name()
    assert reminder.last_error == f"Retried by {name}: Email not sent: connection refused"
    assert "will be sent again" in response.content.decode()
    assert response.redirect_chain[-1][0].startswith(LIST + "?tab=failed")
    # It now waits in Upcoming.
    assert f'data-testid="reminder-{reminder.pk}"' in page.get(LIST).content.decode()


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (ReminderStatus.SENT, "already been sent"),
        (ReminderStatus.PENDING, "already waiting to go out"),
        (ReminderStatus.SKIPPED, "Only failed messages can be retried"),
        (ReminderStatus.CANCELLED, "Only failed messages can be retried"),
    ],
)
def test_only_failed_reminders_can_be_retried(as_user, people, status, message):
    reminder = make(people.record_a, status=status, attempts=2, last_error="earlier")
    response = as_user(people.front_desk).post(
        reverse("reminders:retry", args=[reminder.pk]), follow=True
    )
    assert message in response.content.decode()
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts, reminder.last_error) == (status, 2, "earlier")


def test_retry_needs_a_post_and_an_existing_reminder(as_user, people):
    reminder = failed(people.record_a)
    page = as_user(people.front_desk)
    assert page.get(reverse("reminders:retry", args=[reminder.pk])).status_code == 405
    assert page.post(reverse("reminders:retry", args=[reminder.pk + 999])).status_code == 404
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.FAILED


def test_retry_keeps_the_kind_filter(as_user, people):
    reminder = failed(people.record_a, kind=ReminderKind.GAP_INVITE)
    response = as_user(people.front_desk).post(
        reverse("reminders:retry", args=[reminder.pk]), {"kind": "gap_invite"}
    )
    assert response["Location"] == LIST + "?tab=failed&kind=gap_invite"


# --- clients to chase ---------------------------------------------------------------------


def invite(session, *, sent_days_ago: int, status=ReminderStatus.SENT):
    sent_at = timezone.now() - dt.timedelta(days=sent_days_ago)
    return make(
        session.plan.client,
        kind=ReminderKind.GAP_INVITE,
        status=status,
        plan=session.plan,
        session=session,
        due_at=sent_at,
        sent_at=sent_at if status == ReminderStatus.SENT else None,
    )


def booked(session, treatment, status=AppointmentStatus.BOOKED):
    starts_at = at(MONDAY, "10:00") + dt.timedelta(days=7 * session.number)
    session.appointment = Appointment.objects.create(
        client=session.plan.client,
        type=AppointmentType.objects.get(slug="treatment-session"),
        artist=treatment.artist,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        blocked_until=starts_at + dt.timedelta(hours=2),
        status=status,
    )
    session.save()


def test_clients_invited_but_not_booked_are_listed_oldest_first(as_user, people, treatment):
    anna_second = treatment.sessions[1]
    ben_plan = TreatmentPlan.objects.create(
        client=people.record_b, lead_artist=people.artist, planned_sessions=2
    )
    ben_second = ben_plan.sessions.create(number=2, planned_minutes=150)
    invite(anna_second, sent_days_ago=3)
    invite(ben_second, sent_days_ago=10)
    invite(ben_second, sent_days_ago=5)  # a second invitation: still one row
    # Not to chase: invited but booked; invitation not sent yet; plan paused.
    anna_third = treatment.sessions[2]
    invite(anna_third, sent_days_ago=1)
    booked(anna_third, treatment)
    paused = TreatmentPlan.objects.create(
        client=people.record_b,
        lead_artist=people.artist,
        planned_sessions=2,
        status=PlanStatus.PAUSED,
    )
    invite(paused.sessions.create(number=2, planned_minutes=150), sent_days_ago=20)
    other = TreatmentPlan.objects.create(
        client=people.record_a, lead_artist=people.artist, planned_sessions=2
    )
    invite(other.sessions.create(number=2, planned_minutes=150), sent_days_ago=0, status="pending")

    response = as_user(people.front_desk).get(TO_CHASE)
    assert response.status_code == 200
    rows = [session.pk for session in response.context["page"].object_list]
    assert rows == [ben_second.pk, anna_second.pk]
    text = response.content.decode()
    assert text.index("Ben Barker") < text.index("Anna Ashby")
    assert "2 invitations" in text
    assert reverse("sessions_app:session_book", args=[anna_second.pk]) in text
    assert "+44 7911 123001" in text or "07911 123001" in text or "+447911123001" in text


def test_a_cancelled_booking_puts_the_client_back_on_the_list(as_user, people, treatment):
    second = treatment.sessions[1]
    invite(second, sent_days_ago=3)
    booked(second, treatment, status=AppointmentStatus.CANCELLED)
    response = as_user(people.artist).get(TO_CHASE)
    assert [s.pk for s in response.context["page"].object_list] == [second.pk]
    assert "Book session" not in response.content.decode()  # artists do not book


def test_nobody_to_chase(as_user, people):
    text = as_user(people.front_desk).get(TO_CHASE).content.decode()
    assert "Nobody to chase" in text


def test_to_chase_takes_the_same_queries_whatever_the_size(
    as_user,
    people,
    treatment,
    django_assert_max_num_queries,
):
    page = as_user(people.front_desk)

    def add(count):
        for _ in range(count):
            plan = TreatmentPlan.objects.create(
                client=people.record_b, lead_artist=people.artist, planned_sessions=2
            )
            invite(plan.sessions.create(number=2, planned_minutes=150), sent_days_ago=4)

    add(3)
    with django_assert_max_num_queries(8) as small:
        page.get(TO_CHASE)
    add(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = page.get(TO_CHASE)
    assert len(response.context["page"].object_list) == 23


# --- a client's messages ------------------------------------------------------------------


def test_client_reminders_newest_first_and_only_theirs(people, django_assert_num_queries):
    for days in range(12):
        make(people.record_a, due_at=timezone.now() - dt.timedelta(days=days))
    make(people.record_b, kind=ReminderKind.ESTIMATE)
    with django_assert_num_queries(1):
        latest = selectors.client_reminders(people.record_a)
    assert len(latest) == 10
    assert all(reminder.client_id == people.record_a.pk for reminder in latest)
    assert [r.due_at for r in latest] == sorted((r.due_at for r in latest), reverse=True)
    assert len(selectors.client_reminders(people.record_b)) == 1


def test_client_reminders_snippet(people):
    make(
        people.record_a,
        kind=ReminderKind.BOOKING_CONFIRMATION,
        status=ReminderStatus.SENT,
        channel=Channel.SMS,
        sent_at=timezone.now(),
    )
    make(people.record_a, status=ReminderStatus.SKIPPED, last_error="Switched off by the clinic")
    html = render_to_string(
        "reminders/_client_reminders.html",
        {"reminders": selectors.client_reminders(people.record_a)},
    )
    assert "Booking confirmation" in html
    assert "by SMS" in html
    assert "Not sent" in html
    assert "Switched off by the clinic" in html
    empty = render_to_string("reminders/_client_reminders.html", {"reminders": []})
    assert "No messages yet." in empty


# --- admin --------------------------------------------------------------------------------


def test_reminders_are_read_only_in_the_admin(as_user, people):
    reminder = make(people.record_a)
    page = as_user(people.manager)
    assert page.get("/admin/reminders/reminder/").status_code == 200
    detail = page.get(f"/admin/reminders/reminder/{reminder.pk}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert page.get("/admin/reminders/reminder/add/").status_code == 403
    assert page.get(f"/admin/reminders/reminder/{reminder.pk}/delete/").status_code == 403
    page.post(f"/admin/reminders/reminder/{reminder.pk}/change/", {"status": "sent"})
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.PENDING


def test_reminder_settings_open_as_one_row(as_user, people):
    page = as_user(people.manager)
    response = page.get("/admin/reminders/remindersettings/")
    assert response.status_code == 302
    assert page.get(response["Location"]).status_code == 200
    assert as_user(people.front_desk).get("/admin/reminders/remindersettings/").status_code == 302


def test_a_spanish_speaking_manager_reads_the_list_and_retries_in_spanish(as_user, people):
    people.manager.language = "es"
    people.manager.save(update_fields=["language"])
    reminder = failed(people.record_a, due_at=timezone.now() - dt.timedelta(days=2))
    page = as_user(people.manager)
    html = page.get(LIST + "?tab=failed").content.decode()
    assert "Fallidos" in html
    assert "Reintentar" in html
    assert "Failed" not in html.split('data-testid="tabs"')[1].split("</ul>")[0]
    response = page.post(reverse("reminders:retry", args=[reminder.pk]), follow=True)
    assert "Se volverá a enviar en menos de un minuto" in response.content.decode()
    # Refused again: the refusal is Spanish too.
    response = page.post(reverse("reminders:retry", args=[reminder.pk]), follow=True)
    assert "Este mensaje ya está esperando para salir." in response.content.decode()
