from django.db import migrations


def grant_client_permissions(apps, schema_editor):
    from accounts.roles import ensure_groups_and_permissions

    ensure_groups_and_permissions(apps, app_labels={"clients"})


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0001_initial"),
        ("accounts", "0002_role_groups"),
    ]

    # Reversing leaves the groups' other permissions alone; the client
    # permissions themselves go with the model.
    operations = [migrations.RunPython(grant_client_permissions, migrations.RunPython.noop)]
