"""The appointment reminder's text says "Reply C to confirm", where the clinic kept the
product's wording; a clinic's own wording is left alone."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("reminders", "0010_inbound_messages")]
AFTER = [("reminders", "0011_reply_c_to_confirm")]
KIND = "appointment_reminder"
CLINICS_OWN_ES = "Hola, {first_name}: le esperamos el {when}. Confirme: {confirm_url}"


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


# SQLite only: on PostgreSQL the whole schema is migrated once, in the suite's own setup.
@pytest.mark.sqlite_only
@pytest.mark.django_db(transaction=True)
def test_unedited_wording_gains_the_reply_and_edited_wording_is_kept():

    try:
        old = migrate(BEFORE)
        Template = old.get_model("reminders", "MessageTemplate")
        Translation = old.get_model("reminders", "MessageTemplateTranslation")
        template = Template.objects.get(kind=KIND)
        assert "Reply C" not in template.sms_text
        Translation.objects.filter(template=template, language="es").update(sms_text=CLINICS_OWN_ES)

        new = migrate(AFTER)
        template = new.get_model("reminders", "MessageTemplate").objects.get(kind=KIND)
        assert "\nReply C to confirm, or confirm here: {confirm_url}\n" in template.sms_text
        spanish = new.get_model("reminders", "MessageTemplateTranslation").objects.get(
            template__kind=KIND, language="es"
        )
        assert spanish.sms_text == CLINICS_OWN_ES

        old = migrate(BEFORE)  # and back, for a clinic that has to roll back
        template = old.get_model("reminders", "MessageTemplate").objects.get(kind=KIND)
        assert "Reply C" not in template.sms_text and "\nConfirm: {confirm_url}\n" in (
            template.sms_text
        )
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.sqlite_only
@pytest.mark.django_db(transaction=True)
def test_the_products_spanish_gains_the_reply_too():

    old_es = (
        "Hola, {first_name}: le recordamos su {appointment_type} en {clinic_name} "
        "el {when}.\nConfirmar: {confirm_url}\nCambiar o cancelar: {manage_url}"
    )
    try:
        old = migrate(BEFORE)
        Translation = old.get_model("reminders", "MessageTemplateTranslation")
        Translation.objects.filter(template__kind=KIND, language="es").update(sms_text=old_es)

        new = migrate(AFTER)
        spanish = new.get_model("reminders", "MessageTemplateTranslation").objects.get(
            template__kind=KIND, language="es"
        )
        assert "\nResponda C para confirmar, o confirme aquí: {confirm_url}\n" in spanish.sms_text
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
