"""Encrypt the free-text health notes at rest, including the rows already stored.

The columns become text holding a Fernet token (smpclinic.encryption); the RunPython
encrypts what is already there, and decrypts it again when the migration is reversed.
"""

from django.db import migrations

import smpclinic.encryption


class Migration(migrations.Migration):
    dependencies = [
        ("aftercare", "0004_check_in_healing"),
    ]

    operations = [
        migrations.AlterField(
            model_name="checkin",
            name="client_questions",
            field=smpclinic.encryption.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name="checkin",
            name="reply",
            field=smpclinic.encryption.EncryptedTextField(blank=True),
        ),
        migrations.RunPython(*smpclinic.encryption.encrypt_existing_rows("aftercare", "CheckIn")),
    ]
