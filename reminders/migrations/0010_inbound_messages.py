"""The text messages clients send the clinic (replies to reminders, and anything else)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import smpclinic.encryption


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0006_sms_consent"),
        ("reminders", "0009_message_translations"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="InboundMessage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("provider_message_id", models.CharField(max_length=64, unique=True)),
                ("from_number", models.CharField(max_length=32, verbose_name="from")),
                ("to_number", models.CharField(blank=True, max_length=32, verbose_name="to")),
                (
                    "body",
                    smpclinic.encryption.EncryptedTextField(blank=True, verbose_name="message"),
                ),
                ("received_at", models.DateTimeField()),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("confirmed", "Confirmed their appointment"),
                            ("nothing_to_confirm", "Asked to confirm: nothing to confirm"),
                            ("opted_out", "Stopped text messages"),
                            ("opted_in", "Allowed text messages again"),
                            ("for_staff", "For the clinic"),
                        ],
                        max_length=20,
                    ),
                ),
                ("outcome_detail", models.CharField(blank=True, max_length=300)),
                ("reply", models.TextField(blank=True)),
                ("read_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "ordering": ["-received_at", "-id"],
            },
        ),
        migrations.AddField(
            model_name="inboundmessage",
            name="client",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="inbound_messages",
                to="clients.client",
            ),
        ),
        migrations.AddField(
            model_name="inboundmessage",
            name="read_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="inboundmessage",
            index=models.Index(fields=["client", "-received_at"], name="inbound_client_received"),
        ),
        migrations.AddIndex(
            model_name="inboundmessage",
            index=models.Index(
                condition=models.Q(
                    ("outcome__in", ["for_staff", "nothing_to_confirm"]), ("read_at__isnull", True)
                ),
                fields=["-received_at"],
                name="inbound_unread",
            ),
        ),
    ]
