"""Encrypt the free-text health notes at rest, including the rows already stored.

The columns become text holding a Fernet token (smpclinic.encryption); the RunPython
encrypts what is already there, and decrypts it again when the migration is reversed.
"""

from django.db import migrations

import smpclinic.encryption


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0003_default_questionnaire_and_consent"),
    ]

    operations = [
        migrations.AlterField(
            model_name="answer",
            name="details",
            field=smpclinic.encryption.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name="answer",
            name="text",
            field=smpclinic.encryption.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name="consultation",
            name="client_questions",
            field=smpclinic.encryption.EncryptedTextField(
                blank=True, verbose_name="questions asked and the answers given"
            ),
        ),
        migrations.AlterField(
            model_name="consultation",
            name="expectations",
            field=smpclinic.encryption.EncryptedTextField(
                blank=True, verbose_name="what the client hopes for"
            ),
        ),
        migrations.AlterField(
            model_name="consultation",
            name="review_note",
            field=smpclinic.encryption.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name="consultation",
            name="scars",
            field=smpclinic.encryption.EncryptedTextField(
                blank=True, verbose_name="scars and where"
            ),
        ),
        migrations.RunPython(
            *smpclinic.encryption.encrypt_existing_rows("consultations", "Answer")
        ),
        migrations.RunPython(
            *smpclinic.encryption.encrypt_existing_rows("consultations", "Consultation")
        ),
    ]
