"""Consent forms in other languages: each signature keeps the language it was signed in."""

from importlib import import_module

import django.db.models.deletion
from django.db import migrations, models

from consultations.shipped_consent import SHIPPED

# The English of the shipped forms (migration 0003): a translation is added only to a
# version still worded exactly so.
SHIPPED_ENGLISH = import_module("consultations.migrations.0003_default_questionnaire_and_consent")


def add_shipped_translations(apps, schema_editor):
    ConsentVersion = apps.get_model("consultations", "ConsentVersion")
    ConsentVersionTranslation = apps.get_model("consultations", "ConsentVersionTranslation")
    english = {
        "smp-treatment": (SHIPPED_ENGLISH.SMP_BODY, SHIPPED_ENGLISH.SMP_STATEMENTS),
        "photographs": (SHIPPED_ENGLISH.PHOTO_BODY, SHIPPED_ENGLISH.PHOTO_STATEMENTS),
    }
    for version in ConsentVersion.objects.select_related("template"):
        original = english.get(version.template.slug)
        if original is None or (version.body, list(version.statements)) != (
            original[0],
            original[1],
        ):
            continue
        for language, forms in SHIPPED.items():
            wording = forms.get(version.template.slug)
            if wording:
                ConsentVersionTranslation.objects.get_or_create(
                    version=version, language=language, defaults=wording
                )


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0007_price_change_reason"),
    ]

    operations = [
        migrations.AddField(
            model_name="consentsignature",
            name="language",
            field=models.CharField(blank=True, default="", max_length=10),
        ),
        migrations.CreateModel(
            name="ConsentVersionTranslation",
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
                ("title", models.CharField(max_length=200)),
                ("body", models.TextField()),
                ("statements", models.JSONField(default=list)),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="translations",
                        to="consultations.consentversion",
                    ),
                ),
            ],
            options={
                "ordering": ["version", "language"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("version", "language"), name="consent_one_translation_per_language"
                    )
                ],
            },
        ),
        migrations.RunPython(add_shipped_translations, migrations.RunPython.noop),
    ]
