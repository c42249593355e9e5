from django.db import migrations


def create_role_groups(apps, schema_editor):
    from accounts.roles import ensure_groups_and_permissions

    ensure_groups_and_permissions(apps, app_labels={"accounts"})


def remove_role_groups(apps, schema_editor):
    from accounts.roles import ROLE_GROUP_NAMES

    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_GROUP_NAMES.values()).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
