from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0002_default_policy_and_immutable_ledger"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="ledgerentry",
            name="ledger_client_at",
        ),
        migrations.AddIndex(
            model_name="ledgerentry",
            index=models.Index(
                fields=["client", "at"], include=("kind", "amount"), name="ledger_client_at_cover"
            ),
        ),
    ]
