"""Encrypt the free-text health notes at rest, including the rows already stored.

The columns become text holding a Fernet token (smpclinic.encryption); the RunPython
encrypts what is already there, and decrypts it again when the migration is reversed.
"""

from django.db import migrations

import smpclinic.encryption


class Migration(migrations.Migration):
    dependencies = [
        ("sessions_app", "0002_role_permissions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="sessionlog",
            name="focus_next_time",
            field=smpclinic.encryption.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name="sessionlog",
            name="redness_notes",
            field=smpclinic.encryption.EncryptedCharField(blank=True, max_length=300),
        ),
        migrations.AlterField(
            model_name="sessionlog",
            name="technique_notes",
            field=smpclinic.encryption.EncryptedTextField(blank=True),
        ),
        migrations.RunPython(
            *smpclinic.encryption.encrypt_existing_rows("sessions_app", "SessionLog")
        ),
    ]
