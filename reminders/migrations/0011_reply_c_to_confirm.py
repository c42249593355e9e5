"""The appointment reminder's text says a client may reply C to confirm (reminders.inbound).

Only the wording a clinic has not edited changes, in English and in the product's Spanish;
a clinic's own wording is theirs. Reversible: the old wording comes back where the new one
is still unedited.
"""

from django.db import migrations

KIND = "appointment_reminder"

OLD_SMS = (
    "Hi {first_name}, a reminder of your {appointment_type} at {clinic_name} "
    "on {when}.\n"
    "Confirm: {confirm_url}\n"
    "Change or cancel: {manage_url}"
)
NEW_SMS = (
    "Hi {first_name}, a reminder of your {appointment_type} at {clinic_name} "
    "on {when}.\n"
    "Reply C to confirm, or confirm here: {confirm_url}\n"
    "Change or cancel: {manage_url}"
)
OLD_SMS_ES = (
    "Hola, {first_name}: le recordamos su {appointment_type} en {clinic_name} "
    "el {when}.\n"
    "Confirmar: {confirm_url}\n"
    "Cambiar o cancelar: {manage_url}"
)
NEW_SMS_ES = (
    "Hola, {first_name}: le recordamos su {appointment_type} en {clinic_name} "
    "el {when}.\n"
    "Responda C para confirmar, o confirme aquí: {confirm_url}\n"
    "Cambiar o cancelar: {manage_url}"
)

# What the product now ships, over the wording of migration 0003 (reminders.wording).
UPDATES = {KIND: {"sms_text": NEW_SMS}}


def _move(apps, english: tuple[str, str], spanish: tuple[str, str]) -> None:
    MessageTemplate = apps.get_model("reminders", "MessageTemplate")
    MessageTemplateTranslation = apps.get_model("reminders", "MessageTemplateTranslation")
    MessageTemplate.objects.filter(kind=KIND, sms_text=english[0]).update(sms_text=english[1])
    MessageTemplateTranslation.objects.filter(
        template__kind=KIND, language="es", sms_text=spanish[0]
    ).update(sms_text=spanish[1])


def forwards(apps, schema_editor):
    _move(apps, (OLD_SMS, NEW_SMS), (OLD_SMS_ES, NEW_SMS_ES))


def backwards(apps, schema_editor):
    _move(apps, (NEW_SMS, OLD_SMS), (NEW_SMS_ES, OLD_SMS_ES))


class Migration(migrations.Migration):
    dependencies = [("reminders", "0010_inbound_messages")]

    operations = [migrations.RunPython(forwards, backwards)]
