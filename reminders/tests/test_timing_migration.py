"""A clinic's timings survive the move to one timing source per kind."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("reminders", "0003_default_message_templates")]
AFTER = [("reminders", "0004_timing_per_kind")]


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


# SQLite only: on PostgreSQL the whole schema is migrated once, in the suite's own setup.
@pytest.mark.sqlite_only
@pytest.mark.django_db(transaction=True)
def test_the_clinics_hours_and_settings_become_each_kinds_timing():
    try:
        old = migrate(BEFORE)
        Template = old.get_model("reminders", "MessageTemplate")
        Settings = old.get_model("reminders", "ReminderSettings")
        Template.objects.filter(kind="fade_check_in").update(offsets_hours=[336])
        Template.objects.filter(kind="appointment_reminder").update(offsets_hours=[72, 2])
        Settings.objects.update_or_create(
            pk=1, defaults={"consultation_follow_up_days": 5, "touch_up_recall_months": 9}
        )

        new = migrate(AFTER)
        Template = new.get_model("reminders", "MessageTemplate")
        timing = {t.kind: (t.offsets, t.send_at) for t in Template.objects.all()}
        assert timing["fade_check_in"] == ([14], dt.time(10, 0))  # 336 hours: 14 days
        assert timing["final_check_in"] == ([32], dt.time(10, 0))
        assert timing["gap_invite"] == ([7], dt.time(10, 0))
        assert timing["appointment_reminder"] == ([72, 2], None)
        assert timing["consultation_follow_up"] == ([5], dt.time(10, 0))
        assert timing["touch_up_recall"] == ([9], dt.time(10, 0))
        assert timing["aftercare"] == ([], dt.time(9, 0))
        assert timing["patch_test_reading"] == ([], None)

        old = migrate(BEFORE)  # and back, for a clinic that has to roll back
        Template = old.get_model("reminders", "MessageTemplate")
        assert Template.objects.get(kind="fade_check_in").offsets_hours == [336]
        rules = old.get_model("reminders", "ReminderSettings").objects.get(pk=1)
        assert (rules.consultation_follow_up_days, rules.touch_up_recall_months) == (5, 9)
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
