from django.db import migrations


def grant(apps, schema_editor):
    from accounts.roles import ensure_groups_and_permissions

    ensure_groups_and_permissions(apps, app_labels={"waitlist"})


class Migration(migrations.Migration):
    dependencies = [
        ("waitlist", "0001_initial"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
