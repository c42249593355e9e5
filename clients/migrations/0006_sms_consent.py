"""A client's text messages stopped (a STOP reply) or allowed again, with when and how."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0005_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="client",
            name="sms_consent_changed_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="text messages stopped or allowed again at"
            ),
        ),
        migrations.AddField(
            model_name="client",
            name="sms_consent_changed_how",
            field=models.CharField(
                blank=True, max_length=200, verbose_name="how texts were stopped or allowed again"
            ),
        ),
        migrations.AddField(
            model_name="client",
            name="sms_opted_out",
            field=models.BooleanField(
                default=False,
                help_text="The client replied STOP: no text message goes to them until they reply START.",
                verbose_name="stopped text messages",
            ),
        ),
    ]
