"""The message offering a waitlisted client a sooner time, a kind the waitlist declares, and
the wording every clinic starts with (the clinic's to edit)."""

from django.db import migrations, models

SIGN_OFF = "Warm regards,\nThe team at {clinic_name}"

DEFAULTS = {
    "waitlist_offer": {
        "subject": "A sooner time for your {appointment_type}: {when}",
        "email_text": f"""Hello {{first_name}},

Good news: a time has come free for your {{appointment_type}} with {{artist}}, on {{when}}.

If you would like it, take it here before {{claim_by}}:
{{claim_url}}

We offer a freed time to a few clients on our waitlist at once, so the first to take it has it. If it has gone by the time you click, you stay on the waitlist for the next one.

{SIGN_OFF}""",
        "sms_text": "Hi {first_name}, a time has come free for your {appointment_type} at "
        "{clinic_name}: {when}. First to take it has it (until {claim_by}): {claim_url}",
    },
}


def add_defaults(apps, schema_editor):
    MessageTemplate = apps.get_model("reminders", "MessageTemplate")
    for kind, wording in DEFAULTS.items():
        MessageTemplate.objects.get_or_create(kind=kind, defaults={"enabled": True, **wording})


def remove_unchanged_defaults(apps, schema_editor):
    MessageTemplate = apps.get_model("reminders", "MessageTemplate")
    for kind, wording in DEFAULTS.items():
        MessageTemplate.objects.filter(kind=kind, **wording).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0006_deposit_due_message"),
    ]

    operations = [
        migrations.AlterField(
            model_name="messagetemplate",
            name="kind",
            field=models.CharField(
                choices=[
                    ("booking_confirmation", "Booking confirmation"),
                    ("appointment_moved", "Appointment moved"),
                    ("appointment_cancelled", "Appointment cancelled"),
                    ("consultation_forms", "Forms to fill before the consultation"),
                    ("estimate", "Cost estimate"),
                    ("check_in_reply", "Artist's reply to a check-in"),
                    ("appointment_reminder", "Appointment reminder"),
                    ("gap_invite", "Invitation to book the next session"),
                    ("fade_check_in", "Fade check-in"),
                    ("final_check_in", "Final check-in (pigment settled)"),
                    ("aftercare", "Aftercare"),
                    ("patch_test_reading", "Patch test reading"),
                    ("consultation_follow_up", "Consultation follow-up"),
                    ("touch_up_recall", "Touch-up recall"),
                    ("receipt", "Receipt for a payment"),
                    ("deposit_due", "Deposit to pay for an online booking"),
                    ("waitlist_offer", "A sooner time offered from the waitlist"),
                ],
                max_length=30,
                unique=True,
            ),
        ),
        migrations.AlterField(
            model_name="reminder",
            name="kind",
            field=models.CharField(
                choices=[
                    ("booking_confirmation", "Booking confirmation"),
                    ("appointment_moved", "Appointment moved"),
                    ("appointment_cancelled", "Appointment cancelled"),
                    ("consultation_forms", "Forms to fill before the consultation"),
                    ("estimate", "Cost estimate"),
                    ("check_in_reply", "Artist's reply to a check-in"),
                    ("appointment_reminder", "Appointment reminder"),
                    ("gap_invite", "Invitation to book the next session"),
                    ("fade_check_in", "Fade check-in"),
                    ("final_check_in", "Final check-in (pigment settled)"),
                    ("aftercare", "Aftercare"),
                    ("patch_test_reading", "Patch test reading"),
                    ("consultation_follow_up", "Consultation follow-up"),
                    ("touch_up_recall", "Touch-up recall"),
                    ("receipt", "Receipt for a payment"),
                    ("deposit_due", "Deposit to pay for an online booking"),
                    ("waitlist_offer", "A sooner time offered from the waitlist"),
                ],
                max_length=30,
            ),
        ),
        migrations.RunPython(add_defaults, remove_unchanged_defaults),
    ]
