import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from aftercare.models import CheckIn
from billing import ledger
from clients.models import Client
from consultations.models import ConsentSignature, Consultation, QuestionnaireResponse
from photos.models import Photo
from privacy.erasure import erasure_confirm, erasure_decline, erasure_request
from privacy.models import ErasureRequest, ErasureStatus, PrivacySettings
from reminders.deliverability import EmailEvent, email_event_record
from reminders.models import EmailSuppression, Reminder
from scheduling.models import Appointment, AppointmentStatus
from sessions_app.models import SessionLog, TreatmentPlan


def _confirm(records, django_capture_on_commit_callbacks, **kwargs):
    request = erasure_request(client=records.anna.client, reason="Moving abroad")
    with django_capture_on_commit_callbacks(execute=True):
        done = erasure_confirm(request=request, by=records.people.manager)
    return done


def _snapshot_ben(ben):
    return {
        "client": Client.objects.filter(pk=ben.client.pk).values().get(),
        "photos": sorted(Photo.objects.filter(client=ben.client).values_list("pk", flat=True)),
        "reminders": Reminder.objects.filter(client=ben.client).count(),
        "check_in": CheckIn.objects.filter(pk=ben.check_in.pk).values().get(),
        "plans": TreatmentPlan.objects.filter(client=ben.client).count(),
        "appointments": list(
            Appointment.objects.filter(client=ben.client).values_list("pk", "status")
        ),
    }


def test_recent_health_records_are_kept_and_everything_else_erased(
    records, django_capture_on_commit_callbacks
):
    anna = records.anna
    file_names = [
        (p.image.storage, p.image.name) for p in (anna.session_photo, anna.consultation_photo)
    ]
    signatures = ConsentSignature.objects.filter(client=anna.client).count()
    done = _confirm(records, django_capture_on_commit_callbacks)

    assert done.status == ErasureStatus.DONE and done.done_at is not None
    assert done.confirmed_by == records.people.manager
    # Kept: the health record within the retention period.
    assert ConsentSignature.objects.filter(client=anna.client).count() == signatures
    assert Consultation.objects.filter(pk=anna.consultation.pk).exists()
    assert QuestionnaireResponse.objects.filter(client=anna.client).count() == 1
    assert SessionLog.objects.filter(pk=anna.log.pk).exists()
    # The after-session photo belongs to the kept session; the consultation photo goes.
    assert list(Photo.objects.filter(client=anna.client)) == [anna.session_photo]
    storage, kept_name = file_names[0]
    assert storage.exists(kept_name)
    storage, gone_name = file_names[1]
    assert not storage.exists(gone_name)
    thumb = anna.consultation_photo.thumbnail
    assert not thumb.storage.exists(thumb.name)
    # Messages deleted, the client's own words blanked.
    assert not Reminder.objects.filter(client=anna.client).exists()
    check_in = CheckIn.objects.get(pk=anna.check_in.pk)
    assert (check_in.client_questions, check_in.region_views, check_in.reply) == ("", {}, "")
    assert check_in.redness == "mild"  # a clinical judgement of the kept session
    # The future consultation is cancelled through the diary.
    appointment = Appointment.objects.get(pk=anna.appointment.pk)
    assert appointment.status == AppointmentStatus.CANCELLED
    assert "erase" in appointment.cancellation_reason
    assert done.summary["kept"]["treatment_plans"] == 1
    assert done.summary["deleted"]["photos"] == 1
    assert done.summary["deleted"]["future_appointments"] == 1


def test_the_record_is_anonymised_and_the_sign_in_closed(
    records, client, django_capture_on_commit_callbacks
):
    anna = records.anna
    client.force_login(records.people.client_a)
    session_key = client.session.session_key
    _confirm(records, django_capture_on_commit_callbacks)

    record = Client.objects.get(pk=anna.client.pk)
    assert record.full_name == f"Erased client #{record.pk}"
    assert record.email == f"erased-{record.pk}@invalid"
    assert record.phone == "" and record.notes == "" and record.date_of_birth is None
    assert record.user is None and record.contact_consent is False
    assert "anna" not in record.search_text
    user = User.objects.get(pk=records.people.client_a.pk)
    assert not user.is_active and not user.has_usable_password()
    assert "anna" not in user.email and user.first_name == ""
    assert not Session.objects.filter(session_key=session_key).exists()
    assert client.get("/my-data/").status_code == 302  # signed out: sent to sign in


def test_the_email_says_what_was_erased_and_kept_sent_to_the_old_address(
    records, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    _confirm(records, django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.to == ["anna@clinic.test"]
    assert "erased" in message.subject
    assert "Dear Anna" in message.body
    assert "Photos: 1" in message.body
    assert "Signed consent forms:" in message.body
    assert "Treatment plans (with their sessions, notes and healing): 1" in message.body
    assert "8 years" in message.body


def test_confirming_twice_does_nothing_more(records, django_capture_on_commit_callbacks):
    done = _confirm(records, django_capture_on_commit_callbacks)
    summary, done_at = done.summary, done.done_at
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = erasure_confirm(request=done, by=records.people.manager)
    assert again.status == ErasureStatus.DONE
    assert (again.summary, again.done_at) == (summary, done_at)
    assert mail.outbox == []
    assert Photo.objects.filter(client=records.anna.client).count() == 1


def test_the_other_client_is_untouched(records, django_capture_on_commit_callbacks):
    before = _snapshot_ben(records.ben)
    _confirm(records, django_capture_on_commit_callbacks)
    assert _snapshot_ben(records.ben) == before
    for photo in (records.ben.session_photo, records.ben.consultation_photo):
        assert photo.image.storage.exists(photo.image.name)
    assert User.objects.get(pk=records.people.client_b.pk).is_active


def test_records_older_than_the_retention_period_are_deleted(
    records, django_capture_on_commit_callbacks
):
    anna = records.anna
    PrivacySettings.objects.update_or_create(pk=1, defaults={"retention_years": 2})
    long_ago = timezone.now() - dt.timedelta(days=3 * 366)
    ConsentSignature.objects.filter(client=anna.client).update(signed_at=long_ago)
    QuestionnaireResponse.objects.filter(client=anna.client).update(submitted_at=long_ago)
    Consultation.objects.filter(pk=anna.consultation.pk).update(updated_at=long_ago)
    TreatmentPlan.objects.filter(pk=anna.plan.pk).update(updated_at=long_ago)
    SessionLog.objects.filter(pk=anna.log.pk).update(logged_at=long_ago)
    # The plan was paid for: the clinic's accounts keep the payment, unlinked from it.
    payment = ledger.record_payment(
        client=anna.client,
        amount="400",
        method="card_terminal",
        description="Treatment session 1",
        plan=anna.plan,
        now=long_ago,
    )

    done = _confirm(records, django_capture_on_commit_callbacks)

    assert not ConsentSignature.objects.filter(client=anna.client).exists()
    assert not QuestionnaireResponse.objects.filter(client=anna.client).exists()
    assert not Consultation.objects.filter(client=anna.client).exists()
    assert not TreatmentPlan.objects.filter(client=anna.client).exists()
    assert not Photo.objects.filter(client=anna.client).exists()
    assert not anna.session_photo.image.storage.exists(anna.session_photo.image.name)
    assert done.summary["kept"] == {
        "consent_signatures": 0,
        "consultations": 0,
        "questionnaire_responses": 0,
        "treatment_plans": 0,
        "photos": 0,
        # The charge of the logged session and the payment.
        "account_rows": 2,
    }
    payment.refresh_from_db()
    assert payment.plan is None
    assert (payment.amount, payment.receipt_number) == (400, 1)
    assert payment.client.first_name == "Erased client"
    # Only the clinic's accounts are kept: no health record.
    kept = mail.outbox[-1].body.split("Kept", 1)[1]
    assert "Charges, payments and refunds (the clinic's accounts): 2" in kept
    assert "Treatment plans" not in kept and "consent" not in kept
    # Ben's consent, dated today, is not affected by Anna's erasure.
    assert ConsentSignature.objects.filter(client=records.ben.client).exists()


def test_a_plan_with_a_recent_session_is_kept_even_if_it_was_made_long_ago(
    records, django_capture_on_commit_callbacks
):
    anna = records.anna
    PrivacySettings.objects.update_or_create(pk=1, defaults={"retention_years": 2})
    TreatmentPlan.objects.filter(pk=anna.plan.pk).update(
        updated_at=timezone.now() - dt.timedelta(days=5 * 366)
    )
    done = _confirm(records, django_capture_on_commit_callbacks)
    assert TreatmentPlan.objects.filter(pk=anna.plan.pk).exists()
    assert done.summary["kept"]["treatment_plans"] == 1


def test_a_second_request_while_one_waits_is_refused(records):
    erasure_request(client=records.anna.client)
    with pytest.raises(ValidationError, match="already with the clinic"):
        erasure_request(client=records.anna.client, reason="again")
    assert ErasureRequest.objects.filter(client=records.anna.client).count() == 1


def test_declining_needs_a_reason_and_changes_nothing(records):
    request = erasure_request(client=records.anna.client)
    with pytest.raises(ValidationError):
        erasure_decline(request=request, by=records.people.manager, reason="  ")
    declined = erasure_decline(
        request=request, by=records.people.manager, reason="Treatment still under way"
    )
    assert declined.status == ErasureStatus.DECLINED
    assert erasure_confirm(request=declined, by=records.people.manager).status == "declined"
    assert Client.objects.get(pk=records.anna.client.pk).first_name == "Anna"


def test_an_erased_client_leaves_the_waitlist_and_is_offered_nothing_more(
    records, django_capture_on_commit_callbacks
):
    from scheduling.models import AppointmentType
    from waitlist.models import Offer, WaitlistEntry
    from waitlist.services import entry_add

    consultation = AppointmentType.objects.get(slug="consultation")
    entry_add(client=records.anna.client, appointment_type=consultation)
    bens = entry_add(client=records.ben.client, appointment_type=consultation)
    done = _confirm(records, django_capture_on_commit_callbacks)
    assert not WaitlistEntry.objects.filter(client=records.anna.client).exists()
    assert done.summary["deleted"]["waitlist_entries"] == 1
    assert WaitlistEntry.objects.filter(pk=bens.pk).exists()  # Ben still waits
    assert not Offer.objects.filter(entry__client=records.anna.client).exists()


def test_the_blocks_on_the_clients_email_addresses_are_erased(
    records, django_capture_on_commit_callbacks
):
    sent = records.anna.sent_reminder
    # One on an address Anna had when a message to her bounced, one on her address now,
    # and one on Ben's.
    Reminder.objects.filter(pk=sent.pk).update(sent_to="anna.before@clinic.test")
    email_event_record(
        event=EmailEvent.BOUNCED,
        recipient="anna.before@clinic.test",
        reference=f"reminder-{sent.pk}",
    )
    email_event_record(event=EmailEvent.BOUNCED, recipient="anna@clinic.test", message_id="x")
    email_event_record(event=EmailEvent.COMPLAINED, recipient="ben@clinic.test", message_id="y")

    done = _confirm(records, django_capture_on_commit_callbacks)

    assert list(EmailSuppression.objects.values_list("address", flat=True)) == ["ben@clinic.test"]
    assert done.summary["deleted"]["email_blocks"] == 2


def test_an_erasure_notice_the_provider_refuses_leaves_the_erasure_done(
    records, django_capture_on_commit_callbacks, postmark, caplog
):
    postmark.inactive.add("anna@clinic.test")
    with caplog.at_level("WARNING", logger="privacy.erasure"):
        done = _confirm(records, django_capture_on_commit_callbacks)
    assert done.status == ErasureStatus.DONE
    record = Client.objects.get(pk=records.anna.client.pk)
    assert "anna" not in record.search_text
    assert postmark.sent == []
    assert "The erasure notice could not be emailed" in caplog.text
