"""Encrypt the free-text health notes at rest, including the rows already stored.

The columns become text holding a Fernet token (smpclinic.encryption); the RunPython
encrypts what is already there, and decrypts it again when the migration is reversed.
"""

from django.db import migrations

import smpclinic.encryption


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0003_search_trigram_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="client",
            name="notes",
            field=smpclinic.encryption.EncryptedTextField(blank=True),
        ),
        migrations.RunPython(*smpclinic.encryption.encrypt_existing_rows("clients", "Client")),
    ]
