"""Each kind's timing in its own unit, in its template: the one place it is set.

Before, only appointment reminders read the template's hours; the check-ins, the
invitation to book and the follow-ups read constants or the reminder settings. The
hours stored for those kinds become days (240 h → 10 days), the follow-up and recall
settings move into their templates, and the time of day is the template's too.
"""

import datetime as dt

from django.db import migrations, models

DAYS = {"gap_invite", "fade_check_in", "final_check_in"}
TIME_OF_DAY = {
    "aftercare": dt.time(9, 0),
    "gap_invite": dt.time(10, 0),
    "fade_check_in": dt.time(10, 0),
    "final_check_in": dt.time(10, 0),
    "consultation_follow_up": dt.time(10, 0),
    "touch_up_recall": dt.time(10, 0),
}
DEFAULT_DAYS = {"gap_invite": 7, "fade_check_in": 10, "final_check_in": 32}


def forwards(apps, schema_editor):
    MessageTemplate = apps.get_model("reminders", "MessageTemplate")
    ReminderSettings = apps.get_model("reminders", "ReminderSettings")
    rules = ReminderSettings.objects.order_by("pk").first()
    for template in MessageTemplate.objects.all():
        hours = [int(h) for h in template.offsets_hours or []]
        if template.kind == "appointment_reminder":
            offsets = hours
        elif template.kind in DAYS:
            offsets = [max(1, round(hours[0] / 24))] if hours else [DEFAULT_DAYS[template.kind]]
        elif template.kind == "consultation_follow_up":
            offsets = [rules.consultation_follow_up_days if rules else 7]
        elif template.kind == "touch_up_recall":
            offsets = [rules.touch_up_recall_months if rules else 12]
        else:
            offsets = []  # sent straight away, or on a day set elsewhere
        template.offsets = offsets
        template.send_at = TIME_OF_DAY.get(template.kind)
        template.save(update_fields=["offsets", "send_at"])


def backwards(apps, schema_editor):
    MessageTemplate = apps.get_model("reminders", "MessageTemplate")
    ReminderSettings = apps.get_model("reminders", "ReminderSettings")
    rules = ReminderSettings.objects.order_by("pk").first()
    for template in MessageTemplate.objects.all():
        offsets = [int(n) for n in template.offsets or []]
        if template.kind in DAYS:
            template.offsets_hours = [n * 24 for n in offsets]
        elif template.kind == "appointment_reminder":
            template.offsets_hours = offsets
        elif template.kind == "patch_test_reading":
            template.offsets_hours = [48]
        else:
            template.offsets_hours = []
        template.save(update_fields=["offsets_hours"])
        if rules and offsets and template.kind == "consultation_follow_up":
            rules.consultation_follow_up_days = offsets[0]
        if rules and offsets and template.kind == "touch_up_recall":
            rules.touch_up_recall_months = offsets[0]
    if rules:
        rules.save()


class Migration(migrations.Migration):
    dependencies = [("reminders", "0003_default_message_templates")]

    operations = [
        migrations.AddField(
            model_name="messagetemplate",
            name="offsets",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="A list of whole numbers in the unit shown beside it, e.g. [48, 24] "
                "for reminders 48 and 24 hours before the appointment. Leave empty for the "
                "default.",
                verbose_name="when",
            ),
        ),
        migrations.AddField(
            model_name="messagetemplate",
            name="send_at",
            field=models.TimeField(
                blank=True,
                null=True,
                help_text="For messages sent on a day after something: the time of day they go.",
                verbose_name="at (clinic time)",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="messagetemplate", name="offsets_hours"),
        migrations.RemoveField(model_name="remindersettings", name="consultation_follow_up_days"),
        migrations.RemoveField(model_name="remindersettings", name="touch_up_recall_months"),
    ]
