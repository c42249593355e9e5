"""What each kind of message says, and when it should not go out at all."""

import datetime as dt
import html
import re
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from aftercare.models import AftercarePlan, AftercareStep, CheckIn, CheckInKind, CheckInStatus
from consultations.models import Consultation, Outcome, PatchReading, PatchTest, PricingMode
from reminders import wording
from reminders.forms import MessageTemplateForm
from reminders.kinds import all_kinds, describe_timing
from reminders.models import MessageTemplate, Reminder, ReminderKind
from reminders.wording import NotWanted, compose, validate_template
from scheduling.models import Appointment, AppointmentStatus, AppointmentType
from sessions_app.models import PlanStatus, TreatmentPlan
from tests.clock import MONDAY, YEAR, at, day

SITE = "https://clinic.example"


@pytest.fixture
def clinic(treatment, settings):
    settings.SITE_URL = SITE
    settings.CLINIC_NAME = "Hairline Studio"
    settings.CLINIC_PHONE = "020 7946 0000"
    settings.CLINIC_ADDRESS = "12 High Street, London"
    return treatment


def appointment_for(clinic, *, slug="treatment-session", when=None, minutes=120, **fields):
    """An appointment written directly (the booking rules are tested elsewhere)."""
    starts_at = when or at(MONDAY, "10:15")
    return Appointment.objects.create(
        client=clinic.client,
        type=AppointmentType.objects.get(slug=slug),
        artist=clinic.artist,
        room=clinic.room,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=minutes),
        blocked_until=starts_at + dt.timedelta(minutes=minutes),
        **fields,
    )


def reminder_for(clinic, kind, **fields):
    fields.setdefault("client", clinic.client)
    return Reminder.objects.create(
        key=f"test:{kind}:{Reminder.objects.count()}",
        kind=kind,
        due_at=timezone.now(),
        **fields,
    )


def path_of(url: str) -> str:
    assert url.startswith(SITE), url
    return urlsplit(url).path


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)


# --- templates and placeholders -----------------------------------------------------------


def test_every_kind_has_default_wording_and_placeholders(db):
    assert {kind.slug for kind in all_kinds()} == set(ReminderKind.values)
    templates = {t.kind: t for t in MessageTemplate.objects.all()}
    assert set(templates) == set(ReminderKind.values)
    for kind, template in templates.items():
        assert template.enabled
        validate_template(kind, template.subject, template.email_text, template.sms_text)
        assert len(template.sms_text) <= 480
        assert "{first_name}" in template.email_text
    # Each kind's timing, in words, as the clinic starts with it.
    words = {kind: template.timing_words for kind, template in templates.items()}
    assert words[ReminderKind.APPOINTMENT_REMINDER] == (
        "48 hours and 24 hours before the appointment"
    )
    assert words[ReminderKind.GAP_INVITE] == (
        "7 days after the session, if the next one is not booked, at 10:00"
    )
    assert words[ReminderKind.FADE_CHECK_IN] == "10 days after the session, at 10:00"
    assert words[ReminderKind.FINAL_CHECK_IN] == "32 days after the session, at 10:00"
    assert words[ReminderKind.TOUCH_UP_RECALL] == "12 months after the plan is completed, at 10:00"
    assert words[ReminderKind.AFTERCARE].endswith("(aftercare instructions), at 09:00")
    assert words[ReminderKind.PATCH_TEST_READING].startswith("When the patch test is due")
    assert words[ReminderKind.BOOKING_CONFIRMATION] == "Straight away"
    assert describe_timing(ReminderKind.FADE_CHECK_IN, [1]) == "1 day after the session, at 10:00"


def test_unknown_placeholder_is_refused_by_the_model_naming_it(db):
    template = MessageTemplate.objects.get(kind=ReminderKind.GAP_INVITE)
    template.subject = "Hi {firstname}, book {next_session_number}"
    template.sms_text = "See you {when}"  # a gap invite has no appointment time
    with pytest.raises(ValidationError) as refused:
        template.full_clean()
    errors = refused.value.message_dict
    assert "{firstname}" in errors["subject"][0]
    assert "{first_name}" in errors["subject"][0]  # what it may use instead
    assert "{when}" in errors["sms_text"][0]
    assert "email_text" not in errors


@pytest.mark.parametrize(
    "text",
    [
        "Hello {first_name.__class__}",
        "Hello {first_name[0]}",
        "Hello {first_name:>99999999}",
        "Hello {first_name!r}",
        "Hello {}",
        "Hello {0}",
        "Hello {first_name",
        "Hello first_name}",
    ],
)
def test_anything_but_a_plain_placeholder_is_refused(db, text):
    with pytest.raises(ValidationError) as refused:
        validate_template(ReminderKind.AFTERCARE, "Aftercare", text, "Hi")
    assert list(refused.value.message_dict) == ["email_text"]


def test_escaped_brackets_are_allowed_and_rendered_as_brackets():
    validate_template(ReminderKind.AFTERCARE, "Day {day}", "Use {{ and }} {first_name}", "x")
    assert wording.render("Use {{ and }} {first_name}", {"first_name": "Anna"}) == (
        "Use { and } Anna"
    )


def test_rendering_never_reaches_into_values():
    # A template saved before the checks existed: the bad fields are left out, not evaluated.
    text = "A{first_name.__class__}B{first_name:>50}C{first_name}D{missing}"
    assert wording.render(text, {"first_name": "Anna"}) == "ABCAnnaD"


def test_a_line_whose_placeholders_are_all_empty_is_left_out():
    text = "Hello {first_name}\nForms: {forms_url}\nBye"
    assert wording.render(text, {"first_name": "Anna", "forms_url": ""}) == "Hello Anna\nBye"


def test_admin_form_refuses_an_unknown_placeholder_and_keeps_the_text(db):
    template = MessageTemplate.objects.get(kind=ReminderKind.AFTERCARE)
    form = MessageTemplateForm(
        data={
            "kind": ReminderKind.AFTERCARE,
            "enabled": "on",
            "subject": "Day {day}",
            "email_text": "Hello {first_name}, {appointment_time}",
            "sms_text": "Day {day}",
            "offsets": "[]",
        },
        instance=template,
    )
    assert not form.is_valid()
    assert form.errors["email_text"] == [
        form.errors["email_text"][0]
    ]  # said once, though the form and the model both check
    assert "{appointment_time}" in form.errors["email_text"][0]
    assert form["email_text"].value() == "Hello {first_name}, {appointment_time}"
    template.refresh_from_db()
    assert "{appointment_time}" not in template.email_text


def test_admin_form_checks_the_timing(db):
    template = MessageTemplate.objects.get(kind=ReminderKind.APPOINTMENT_REMINDER)
    data = {
        "kind": template.kind,
        "enabled": "on",
        "subject": template.subject,
        "email_text": template.email_text,
        "sms_text": template.sms_text,
        "offsets": '["soon"]',
    }
    form = MessageTemplateForm(data=data, instance=template)
    assert not form.is_valid()
    assert "whole number of hours" in form.errors["offsets"][0]
    assert "hours before the appointment" in form.fields["offsets"].label
    form = MessageTemplateForm(data={**data, "offsets": "[72, 24, 72]"}, instance=template)
    assert form.is_valid(), form.errors
    form.save()
    template.refresh_from_db()
    assert template.offsets == [72, 24]
    assert template.timing_words == "72 hours and 24 hours before the appointment"


def test_admin_form_refuses_a_timing_the_kind_does_not_take(db):
    """A check-in goes once, in days; a confirmation goes straight away; a patch-test
    reading's moment is the consultation's setting: each says so and nothing is saved."""
    cases = [
        (ReminderKind.FADE_CHECK_IN, "[10, 14]", "goes once"),
        (ReminderKind.FADE_CHECK_IN, "[0]", "between 1 and 120"),
        (ReminderKind.BOOKING_CONFIRMATION, "[24]", "straight away"),
        (ReminderKind.PATCH_TEST_READING, "[48]", "consultation settings"),
    ]
    for kind, offsets, said in cases:
        template = MessageTemplate.objects.get(kind=kind)
        before = list(template.offsets)
        form = MessageTemplateForm(
            data={
                "kind": kind,
                "enabled": "on",
                "subject": template.subject,
                "email_text": template.email_text,
                "sms_text": template.sms_text,
                "offsets": offsets,
            },
            instance=template,
        )
        assert not form.is_valid(), kind
        assert said in " ".join(form.errors["offsets"]), (kind, form.errors)
        template.refresh_from_db()
        assert template.offsets == before


def test_admin_change_page_refuses_unknown_placeholder(as_user, people):
    template = MessageTemplate.objects.get(kind=ReminderKind.TOUCH_UP_RECALL)
    page = as_user(people.manager)
    url = f"/admin/reminders/messagetemplate/{template.pk}/change/"
    shown = page.get(url)
    assert shown.status_code == 200
    assert "{artist}" in shown.content.decode()  # the placeholders this kind can use
    response = page.post(
        url,
        {
            "enabled": "on",
            "subject": "Touch-up for {frist_name}?",
            "email_text": template.email_text,
            "sms_text": template.sms_text,
            "offsets": "[]",
        },
    )
    assert response.status_code == 200
    assert "Unknown placeholder {frist_name}" in response.content.decode()
    template.refresh_from_db()
    assert template.subject == "Time for a touch-up?"


# --- appointment messages -----------------------------------------------------------------


def test_booking_confirmation_says_who_when_where_with_links_and_calendar(clinic, client):
    appointment = appointment_for(clinic)
    composed = compose(
        reminder_for(clinic, ReminderKind.BOOKING_CONFIRMATION, appointment=appointment)
    )
    assert composed.subject == "Your Treatment session at Hairline Studio: Monday 1 March at 10:15"
    assert composed.text.startswith("Hello Anna,")
    assert "When: Monday 1 March at 10:15" in composed.text
    assert "With: Sam" in composed.text
    assert "Where: Hairline Studio, 12 High Street, London (Room 1)" in composed.text
    assert "forms" not in composed.text.lower()  # not a consultation: no forms line
    assert "Call us on 020 7946 0000" in composed.text
    # The private link opens the appointment's own page.
    manage = next(url for url in links_in(composed.text) if "/book/manage/" in url)
    page = client.get(path_of(manage))
    assert page.status_code == 200
    assert "Treatment session" in page.content.decode()
    # The same in HTML, with a button, and in the SMS.
    assert "Hello Anna," in composed.html
    assert f'href="{manage}"' in composed.html
    assert "Change or cancel" in composed.html
    # The button follows the paragraph with its link, before the sign-off.
    assert composed.html.index("Change or cancel</a>") < composed.html.index("Warm regards")
    assert "Monday 1 March at 10:15" in composed.sms and manage in composed.sms
    # The calendar file.
    [(filename, content, mimetype)] = composed.attachments
    assert filename == "treatment-session.ics"
    assert mimetype.startswith("text/calendar")
    assert f"DTSTART:{YEAR}0301T101500Z" in content  # 10:15 in London in March is UTC
    assert "Change or cancel: " + manage in content.replace("\r\n ", "")


def test_times_are_in_the_clinic_zone_after_the_clocks_change(clinic):
    # 5 April 2027 is British Summer Time: 10:15 in London is 09:15 UTC.
    appointment = appointment_for(clinic, when=at(day(4, 5), "10:15"))
    composed = compose(
        reminder_for(clinic, ReminderKind.APPOINTMENT_REMINDER, appointment=appointment)
    )
    assert "Monday 5 April at 10:15" in composed.subject
    assert f"DTSTART:{YEAR}0405T091500Z" in composed.attachments[0][1]


@pytest.mark.parametrize("template_deleted", [False, True])
def test_the_appointment_reminder_text_says_reply_c_to_confirm(clinic, template_deleted):
    """A "C" reply confirms (reminders.inbound), so the text says so; the product's wording
    stands in for a deleted template with the same line."""
    if template_deleted:
        MessageTemplate.objects.filter(kind=ReminderKind.APPOINTMENT_REMINDER).delete()
    appointment = appointment_for(clinic, when=at(day(4, 5), "10:15"))
    composed = compose(
        reminder_for(clinic, ReminderKind.APPOINTMENT_REMINDER, appointment=appointment)
    )
    assert "\nReply C to confirm, or confirm here: http" in composed.sms


def test_consultation_booking_carries_the_forms_link_while_forms_are_outstanding(clinic):
    import re

    from consultations.links import consultation_from_forms_token

    def forms_link_in(text):
        # The token carries its signing time, so compare what it opens, not its text.
        token = re.search(r"/consultation-forms/([^/\s]+)/", text).group(1)
        return consultation_from_forms_token(token)

    appointment = appointment_for(clinic, slug="consultation", minutes=60)
    consultation = Consultation.objects.create(
        client=clinic.client, appointment=appointment, artist=clinic.artist
    )
    reminder = reminder_for(clinic, ReminderKind.BOOKING_CONFIRMATION, appointment=appointment)
    composed = compose(reminder)
    assert forms_link_in(composed.text) == consultation
    assert "health questionnaire" in composed.text
    forms = compose(
        reminder_for(
            clinic,
            ReminderKind.CONSULTATION_FORMS,
            appointment=appointment,
            consultation=consultation,
        )
    )
    assert forms_link_in(forms.text) == consultation
    assert "Fill in the forms" in forms.html
    assert forms.attachments == ()


def test_the_forms_message_is_not_wanted_once_the_forms_are_done(clinic, monkeypatch):
    appointment = appointment_for(clinic, slug="consultation", minutes=60)
    consultation = Consultation.objects.create(client=clinic.client, appointment=appointment)
    monkeypatch.setattr("consultations.questionnaire.latest_response", lambda **kw: object())
    monkeypatch.setattr("consultations.consent.consent_outstanding", lambda client: [])
    reminder = reminder_for(
        clinic, ReminderKind.CONSULTATION_FORMS, appointment=appointment, consultation=consultation
    )
    with pytest.raises(NotWanted, match="already filled in"):
        compose(reminder)
    # The booking confirmation still goes, without the forms line.
    composed = compose(
        reminder_for(clinic, ReminderKind.BOOKING_CONFIRMATION, appointment=appointment)
    )
    assert "forms" not in composed.text.lower()


def test_appointment_reminder_has_a_working_confirm_link(clinic, client):
    appointment = appointment_for(clinic)
    composed = compose(
        reminder_for(clinic, ReminderKind.APPOINTMENT_REMINDER, appointment=appointment)
    )
    assert composed.subject == "Reminder: your Treatment session on Monday 1 March at 10:15"
    confirm = next(url for url in links_in(composed.text) if "/reminders/confirm/" in url)
    assert "Confirm my appointment" in composed.html
    assert confirm in composed.sms
    assert client.get(path_of(confirm)).status_code == 200
    client.post(path_of(confirm))
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED
    # Once confirmed, the next reminder does not ask again.
    later = compose(
        reminder_for(clinic, ReminderKind.APPOINTMENT_REMINDER, appointment=appointment)
    )
    assert "/reminders/confirm/" not in later.text
    assert "Confirm:" not in later.sms
    assert len(later.attachments) == 1


def test_video_consultation_gives_the_meeting_link_as_the_place(clinic):
    appointment = appointment_for(
        clinic,
        slug="video-consultation",
        minutes=30,
        meeting_link="https://meet.example/abc",
    )
    composed = compose(
        reminder_for(clinic, ReminderKind.APPOINTMENT_REMINDER, appointment=appointment)
    )
    assert "Where: https://meet.example/abc" in composed.text


@pytest.mark.parametrize(
    "kind",
    [
        ReminderKind.BOOKING_CONFIRMATION,
        ReminderKind.APPOINTMENT_MOVED,
        ReminderKind.APPOINTMENT_REMINDER,
    ],
)
def test_no_reminder_for_a_cancelled_or_past_appointment(clinic, kind):
    cancelled = appointment_for(clinic, status=AppointmentStatus.CANCELLED)
    with pytest.raises(NotWanted, match="cancelled"):
        compose(reminder_for(clinic, kind, appointment=cancelled))
    past = appointment_for(clinic, when=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(NotWanted, match="passed"):
        compose(reminder_for(clinic, kind, appointment=past))


def test_moved_message_gives_the_old_and_new_time(clinic):
    appointment = appointment_for(clinic, when=at(MONDAY, "14:00"))
    composed = compose(
        reminder_for(
            clinic,
            ReminderKind.APPOINTMENT_MOVED,
            appointment=appointment,
            data={"moved_from": at(MONDAY, "10:15").isoformat()},
        )
    )
    assert composed.subject == "Your appointment has moved to Monday 1 March at 14:00"
    assert "previously on Monday 1 March at 10:15" in composed.text
    assert composed.attachments[0][0] == "treatment-session.ics"


def test_cancellation_notice_gives_the_reason_and_no_calendar(clinic):
    appointment = appointment_for(
        clinic, status=AppointmentStatus.CANCELLED, cancellation_reason="Artist unwell"
    )
    composed = compose(
        reminder_for(
            clinic,
            ReminderKind.APPOINTMENT_CANCELLED,
            appointment=appointment,
            data={"reason": "Artist unwell"},
        )
    )
    assert composed.subject == "Your Treatment session on Monday 1 March at 10:15 is cancelled"
    assert "Reason: Artist unwell" in composed.text
    assert composed.attachments == ()
    appointment.status = AppointmentStatus.BOOKED
    appointment.save()
    with pytest.raises(NotWanted):
        compose(reminder_for(clinic, ReminderKind.APPOINTMENT_CANCELLED, appointment=appointment))


def test_switched_off_template_is_not_wanted(clinic):
    MessageTemplate.objects.filter(kind=ReminderKind.APPOINTMENT_REMINDER).update(enabled=False)
    appointment = appointment_for(clinic)
    with pytest.raises(NotWanted, match="switched off by the clinic"):
        compose(reminder_for(clinic, ReminderKind.APPOINTMENT_REMINDER, appointment=appointment))


def test_the_clinic_wording_is_used(clinic):
    MessageTemplate.objects.filter(kind=ReminderKind.APPOINTMENT_REMINDER).update(
        subject="See you {when}, {first_name}!",
        email_text="Dear {first_name}, {artist} awaits you. {{not a placeholder}}",
        sms_text="{clinic_name}: {when}",
    )
    appointment = appointment_for(clinic)
    composed = compose(
        reminder_for(clinic, ReminderKind.APPOINTMENT_REMINDER, appointment=appointment)
    )
    assert composed.subject == "See you Monday 1 March at 10:15, Anna!"
    assert composed.text.startswith("Dear Anna, Sam awaits you. {not a placeholder}")
    assert composed.sms == "Hairline Studio: Monday 1 March at 10:15"


def test_html_email_escapes_what_clients_and_staff_typed(clinic):
    clinic.client.first_name = "<b>Anna</b>"
    clinic.client.save()
    appointment = appointment_for(clinic)
    composed = compose(
        reminder_for(clinic, ReminderKind.BOOKING_CONFIRMATION, appointment=appointment)
    )
    assert "<b>Anna</b>" not in composed.html
    assert "&lt;b&gt;Anna&lt;/b&gt;" in composed.html


def test_compose_uses_a_handful_of_queries(clinic, django_assert_max_num_queries):
    appointment = appointment_for(clinic)
    from reminders.dispatch import RELATED

    # Loaded the way the dispatcher loads a batch.
    reminder = Reminder.objects.select_related(*RELATED).get(
        pk=reminder_for(clinic, ReminderKind.APPOINTMENT_REMINDER, appointment=appointment).pk
    )
    with django_assert_max_num_queries(2):
        compose(reminder)


def test_a_deleted_appointment_is_not_wanted(clinic):
    reminder = reminder_for(clinic, ReminderKind.APPOINTMENT_REMINDER)
    with pytest.raises(NotWanted, match="no longer exists"):
        compose(reminder)


# --- treatment follow-ups -----------------------------------------------------------------


@pytest.fixture
def after_session(clinic):
    """Session 1 happened last week; session 2 is the next to book."""
    first, second = clinic.sessions[0], clinic.sessions[1]
    first.appointment = appointment_for(
        clinic, when=timezone.now() - dt.timedelta(days=7), status=AppointmentStatus.COMPLETED
    )
    first.save()
    return SimpleNamespace(**vars(clinic), first=first, second=second)


def test_gap_invite_names_the_session_to_book(after_session):
    reminder = reminder_for(
        after_session,
        ReminderKind.GAP_INVITE,
        plan=after_session.plan,
        session=after_session.second,
    )
    composed = compose(reminder)
    assert composed.subject == "Time to book session 2"
    assert "since session 1" in composed.text
    assert "session 2 of your treatment with Sam" in composed.text
    assert "Anna" in composed.sms


def test_gap_invite_not_wanted_once_booked_or_plan_paused(after_session):
    reminder = reminder_for(
        after_session,
        ReminderKind.GAP_INVITE,
        plan=after_session.plan,
        session=after_session.second,
    )
    after_session.second.appointment = appointment_for(after_session)
    after_session.second.save()
    with pytest.raises(NotWanted, match="Session 2 is already booked"):
        compose(reminder)
    after_session.second.appointment.status = AppointmentStatus.CANCELLED
    after_session.second.appointment.save()
    compose(reminder)  # a cancelled booking leaves it to book again
    TreatmentPlan.objects.filter(pk=after_session.plan.pk).update(status=PlanStatus.PAUSED)
    with pytest.raises(NotWanted, match="paused"):
        compose(reminder)


@pytest.mark.parametrize(
    ("kind", "check_in_kind"),
    [
        (ReminderKind.FADE_CHECK_IN, CheckInKind.FADE),
        (ReminderKind.FINAL_CHECK_IN, CheckInKind.FINAL),
    ],
)
def test_check_in_invitation_links_to_the_check_in(after_session, client, kind, check_in_kind):
    import re

    from aftercare.links import check_in_from_token, check_in_url

    def check_in_linked(text):
        # The token carries its signing time, so compare what it opens, not its text.
        return check_in_from_token(re.search(r"/check-in/([^/\s]+)/", text).group(1))

    check_in = CheckIn.objects.create(
        client=after_session.client, session=after_session.first, kind=check_in_kind
    )
    reminder = reminder_for(after_session, kind, data={"check_in_id": check_in.pk})
    composed = compose(reminder)
    assert check_in_linked(composed.text) == check_in
    assert check_in_linked(composed.sms) == check_in
    assert "Send my check-in" in composed.html
    assert client.get(path_of(check_in_url(check_in))).status_code == 200
    check_in.status = CheckInStatus.SUBMITTED
    check_in.save()
    with pytest.raises(NotWanted, match="already sent"):
        compose(reminder)


def test_check_in_of_another_client_or_deleted_is_not_wanted(after_session):
    check_in = CheckIn.objects.create(
        client=after_session.client, session=after_session.first, kind=CheckInKind.FADE
    )
    other = reminder_for(
        after_session,
        ReminderKind.FADE_CHECK_IN,
        client=after_session.other_client,
        data={"check_in_id": check_in.pk},
    )
    with pytest.raises(NotWanted, match="no longer exists"):
        compose(other)
    missing = reminder_for(after_session, ReminderKind.FADE_CHECK_IN, data={})
    with pytest.raises(NotWanted, match="no longer exists"):
        compose(missing)


def test_check_in_reply_gives_the_artists_words(after_session):
    check_in = CheckIn.objects.create(
        client=after_session.client,
        session=after_session.first,
        kind=CheckInKind.FADE,
        status=CheckInStatus.REVIEWED,
        reply="Healing beautifully; we'll fill the crown next time.",
        reviewed_by=after_session.artist,
    )
    composed = compose(
        reminder_for(after_session, ReminderKind.CHECK_IN_REPLY, data={"check_in_id": check_in.pk})
    )
    assert composed.subject == "Sam has looked at your check-in photos"
    assert "Healing beautifully; we'll fill the crown next time." in composed.text
    assert "after session 1" in composed.text
    # The reply is escaped in the HTML version.
    assert "we&#x27;ll fill the crown" in composed.html or "we'll fill" in composed.html


def test_aftercare_message_gives_the_steps_of_that_day(after_session):
    plan = AftercarePlan.objects.create(
        session=after_session.first,
        client=after_session.client,
        starts_on=timezone.localdate() - dt.timedelta(days=3),
    )
    AftercareStep.objects.create(
        plan=plan, day_from=3, day_to=6, title="Gentle wash", body="Rinse with lukewarm water."
    )
    AftercareStep.objects.create(
        plan=plan, day_from=0, day_to=2, title="Keep it dry", body="No water for three days."
    )
    reminder = reminder_for(
        after_session, ReminderKind.AFTERCARE, data={"aftercare_plan_id": plan.pk, "day": 3}
    )
    composed = compose(reminder)
    assert composed.subject == "Your aftercare for day 3: Gentle wash"
    assert "Rinse with lukewarm water." in composed.text
    assert "No water" not in composed.text
    assert "day 3 after session 1" in composed.text
    nothing = reminder_for(
        after_session, ReminderKind.AFTERCARE, data={"aftercare_plan_id": plan.pk, "day": 5}
    )
    with pytest.raises(NotWanted, match="day 5"):
        compose(nothing)


def test_touch_up_recall_not_wanted_with_a_newer_plan_or_touch_up_booked(after_session):
    plan = after_session.plan
    TreatmentPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.COMPLETED)
    reminder = reminder_for(after_session, ReminderKind.TOUCH_UP_RECALL, plan=plan)
    composed = compose(reminder)
    assert composed.subject == "Time for a touch-up?"
    assert "your treatment with Sam" in composed.text
    touch_up = appointment_for(after_session, slug="touch-up", minutes=90)
    with pytest.raises(NotWanted, match="touch-up booked"):
        compose(reminder)
    touch_up.delete()
    newer = TreatmentPlan.objects.create(
        client=after_session.client, lead_artist=after_session.artist, planned_sessions=2
    )
    TreatmentPlan.objects.filter(pk=newer.pk).update(
        created_at=plan.created_at + dt.timedelta(days=1)
    )
    with pytest.raises(NotWanted, match="newer treatment plan"):
        compose(reminder)


# --- consultation follow-ups --------------------------------------------------------------


@pytest.fixture
def consultation(clinic):
    appointment = appointment_for(
        clinic,
        slug="consultation",
        minutes=60,
        when=timezone.now() - dt.timedelta(days=2),
        status=AppointmentStatus.COMPLETED,
    )
    return Consultation.objects.create(
        client=clinic.client, appointment=appointment, artist=clinic.artist
    )


def test_patch_test_reading_until_it_is_read(clinic, consultation):
    test = PatchTest.objects.create(
        consultation=consultation,
        pigment="Charcoal 2",
        applied_at=timezone.now() - dt.timedelta(hours=48),
        site="behind the left ear",
        read_after=timezone.now(),
    )
    reminder = reminder_for(clinic, ReminderKind.PATCH_TEST_READING, consultation=consultation)
    composed = compose(reminder)
    assert "(behind the left ear)" in composed.text
    assert "behind the left ear" in composed.sms
    test.reading = PatchReading.NO_REACTION
    test.save()
    with pytest.raises(NotWanted, match="already been read"):
        compose(reminder)


def test_consultation_follow_up_only_while_proceeding_and_nothing_booked(clinic, consultation):
    consultation.outcome = Outcome.PROCEED
    consultation.plan = clinic.plan
    consultation.save()
    reminder = reminder_for(
        clinic, ReminderKind.CONSULTATION_FOLLOW_UP, consultation=consultation, plan=clinic.plan
    )
    composed = compose(reminder)
    assert composed.subject == "Ready to start your treatment?"
    assert "consultation with Sam" in composed.text
    first = clinic.sessions[0]
    first.appointment = appointment_for(clinic)
    first.save()
    with pytest.raises(NotWanted, match="already booked"):
        compose(reminder)
    first.appointment.status = AppointmentStatus.CANCELLED
    first.appointment.save()
    compose(reminder)
    consultation.outcome = Outcome.THINKING
    consultation.save()
    with pytest.raises(NotWanted, match="wants to think about it"):
        compose(reminder)


def test_estimate_gives_the_totals_in_the_clinic_currency(clinic, consultation):
    consultation.estimated_sessions = 3
    consultation.pricing_mode = PricingMode.PER_SESSION
    consultation.price_per_session = Decimal("450.00")
    consultation.deposit = Decimal("150.00")
    consultation.currency = "GBP"
    consultation.save()
    composed = compose(reminder_for(clinic, ReminderKind.ESTIMATE, consultation=consultation))
    assert "Sessions: 3" in composed.text
    assert "Price per session: £450.00" in composed.text
    assert "Estimated total: £1,350.00" in composed.text
    assert "Deposit to book: £150.00" in composed.text
    assert "£1,350.00" in composed.sms
    consultation.price_per_session = None
    consultation.save()
    with pytest.raises(NotWanted, match="not complete"):
        compose(reminder_for(clinic, ReminderKind.ESTIMATE, consultation=consultation))


def test_a_spanish_clients_calendar_file_is_in_spanish(clinic):
    clinic.client.language = "es"
    clinic.client.save(update_fields=["language"])
    appointment = appointment_for(clinic)
    composed = compose(
        reminder_for(clinic, ReminderKind.BOOKING_CONFIRMATION, appointment=appointment)
    )
    [(_filename, content, _mimetype)] = composed.attachments
    unfolded = content.replace("\r\n ", "")
    assert "DESCRIPTION:Con Sam en Hairline Studio." in unfolded
    assert "\\nCambiar o cancelar: http" in unfolded
    assert "SUMMARY:Sesión de tratamiento en Hairline Studio" in unfolded
    assert "With Sam" not in unfolded and "Change or cancel" not in unfolded


def _same_moment(composed: wording.Composed) -> wording.Composed:
    """A message with the moment it was put together left out: its calendar file's stamp
    and the signing time inside its private link."""

    def settled(text: str) -> str:
        text = re.sub(r"DTSTAMP:\w+", "DTSTAMP:-", text.replace("\r\n ", ""))
        return re.sub(r"/book/manage/[^/\s\"<]+/", "/book/manage/-/", text)

    return wording.Composed(
        subject=settled(composed.subject),
        text=settled(composed.text),
        html=settled(composed.html),
        sms=settled(composed.sms),
        attachments=tuple((f, settled(c), m) for f, c, m in composed.attachments),
    )


def test_a_batch_puts_each_message_together_exactly_as_it_would_go_alone(clinic):
    """The dispatcher's composer renders the email's frame once per kind and language and
    fills each message in: the emails read, to the byte, as one composed on its own."""
    booked = appointment_for(clinic)
    cancelled = appointment_for(
        clinic,
        when=at(MONDAY, "15:00"),
        status=AppointmentStatus.CANCELLED,
        cancellation_reason="Artist unwell",
    )
    reminders = [
        reminder_for(clinic, ReminderKind.BOOKING_CONFIRMATION, appointment=booked),
        reminder_for(clinic, ReminderKind.APPOINTMENT_REMINDER, appointment=booked),
        reminder_for(clinic, ReminderKind.APPOINTMENT_CANCELLED, appointment=cancelled),
    ]
    composer = wording.Composer(batch=True)
    compared = 0
    for language, first_name in (("", "Anna"), ("es", 'Zoë & <Co> "Ann"'), ("", "O'Brien")):
        clinic.client.language = language
        clinic.client.first_name = first_name
        clinic.client.save(update_fields=["language", "first_name"])
        for reminder in reminders:
            reminder = Reminder.objects.select_related("client", "appointment").get(pk=reminder.pk)
            in_batch, alone = composer.compose(reminder), compose(reminder)
            assert _same_moment(in_batch) == _same_moment(alone)
            assert html.escape(first_name) in in_batch.html  # escaped as the template does
            compared += 1
    assert compared == 9
