"""The clients' change-notice period moves to the booking rules (scheduling's
BookingPolicy): it holds on every client door, the emailed link included, not only in
the portal. The clinic's value is copied across before the portal's row goes."""

from django.db import migrations


def copy_to_booking_rules(apps, schema_editor):
    PortalSettings = apps.get_model("portal", "PortalSettings")
    BookingPolicy = apps.get_model("scheduling", "BookingPolicy")
    row = PortalSettings.objects.filter(pk=1).first()
    if row is not None:
        BookingPolicy.objects.update_or_create(
            pk=1, defaults={"change_notice_hours": row.change_notice_hours}
        )


def copy_back(apps, schema_editor):
    PortalSettings = apps.get_model("portal", "PortalSettings")
    BookingPolicy = apps.get_model("scheduling", "BookingPolicy")
    policy = BookingPolicy.objects.filter(pk=1).first()
    if policy is not None:
        PortalSettings.objects.update_or_create(
            pk=1, defaults={"change_notice_hours": policy.change_notice_hours}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_manager_permissions"),
        ("scheduling", "0003_policy_late_cancellation_and_change_notice"),
    ]

    operations = [
        migrations.RunPython(copy_to_booking_rules, copy_back),
        migrations.DeleteModel(name="PortalSettings"),
    ]
