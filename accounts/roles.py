"""Roles as Django groups, and the model permissions each one carries.

The role on the user decides which screens someone can open; the group of the
same name carries model permissions for the admin. Migrations that add models
grant their permissions through `grant_permissions` so the table stays here.
"""

from .models import Role

ROLE_GROUP_NAMES = {
    Role.MANAGER: "Manager",
    Role.ARTIST: "SMP artist",
    Role.FRONT_DESK: "Front desk",
    Role.CLIENT: "Client",
}

# app_label -> role -> permission actions on every model of that app.
ROLE_PERMISSIONS = {
    "accounts": {Role.MANAGER: ("view", "add", "change")},
    "clients": {
        Role.MANAGER: ("view", "add", "change", "delete"),
        Role.FRONT_DESK: ("view", "add", "change"),
        Role.ARTIST: ("view",),
    },
    "scheduling": {Role.MANAGER: ("view", "add", "change", "delete")},
    "sessions_app": {Role.MANAGER: ("view", "change")},
    "photos": {Role.MANAGER: ("view",)},
    # Questionnaire, consent wording and consultation settings are the manager's.
    "consultations": {Role.MANAGER: ("view", "add", "change")},
    "aftercare": {Role.MANAGER: ("view", "add", "change", "delete")},
    "reminders": {Role.MANAGER: ("view", "change", "retry")},
    "portal": {Role.MANAGER: ("view", "change")},
    # How long an offer stands, how many are offered at once, in what order.
    "waitlist": {Role.MANAGER: ("view", "change")},
}


def ensure_groups_and_permissions(apps, app_labels=None) -> None:
    """Create the role groups and grant their permissions (idempotent).

    Takes the migration's `apps` so it works inside data migrations.
    """
    from django.contrib.auth.management import create_permissions

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    # Permissions are normally created after all migrations ran; make sure the
    # ones we grant exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    groups = {
        role: Group.objects.get_or_create(name=name)[0] for role, name in ROLE_GROUP_NAMES.items()
    }
    for app_label, by_role in ROLE_PERMISSIONS.items():
        if app_labels is not None and app_label not in app_labels:
            continue
        for role, actions in by_role.items():
            codename_prefixes = tuple(f"{action}_" for action in actions)
            perms = [
                p
                for p in Permission.objects.filter(content_type__app_label=app_label)
                if p.codename.startswith(codename_prefixes)
            ]
            groups[role].permissions.add(*perms)
