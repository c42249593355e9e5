"""Each message's wording in other languages, starting from the product's Spanish."""

import django.db.models.deletion
from django.db import migrations, models

from reminders.shipped_wording import SHIPPED


def add_shipped_translations(apps, schema_editor):
    MessageTemplate = apps.get_model("reminders", "MessageTemplate")
    MessageTemplateTranslation = apps.get_model("reminders", "MessageTemplateTranslation")
    for template in MessageTemplate.objects.all():
        for language, kinds in SHIPPED.items():
            wording = kinds.get(template.kind)
            if wording:
                MessageTemplateTranslation.objects.get_or_create(
                    template=template, language=language, defaults=wording
                )


class Migration(migrations.Migration):
    dependencies = [("reminders", "0008_email_delivery_reports")]

    operations = [
        migrations.CreateModel(
            name="MessageTemplateTranslation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "language",
                    models.CharField(
                        choices=[
                            ("en-gb", "British English"),
                            ("en-us", "American English"),
                            ("es", "Español"),
                        ],
                        max_length=10,
                    ),
                ),
                ("subject", models.CharField(max_length=200, verbose_name="email subject")),
                ("email_text", models.TextField(verbose_name="email")),
                ("sms_text", models.CharField(max_length=480, verbose_name="SMS")),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "template",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="translations",
                        to="reminders.messagetemplate",
                    ),
                ),
            ],
            options={"ordering": ["template", "language"]},
        ),
        migrations.AddConstraint(
            model_name="messagetemplatetranslation",
            constraint=models.UniqueConstraint(
                fields=("template", "language"), name="reminders_one_translation_per_language"
            ),
        ),
        migrations.RunPython(add_shipped_translations, migrations.RunPython.noop),
    ]
