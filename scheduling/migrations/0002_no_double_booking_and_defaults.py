"""No double booking on PostgreSQL, and the appointment types and hours a clinic starts with.

The exclusion constraints make PostgreSQL itself refuse a second active
appointment for the same artist, or the same room, whose time (clean-up buffer
included) overlaps, however many requests race. SQLite has no such constraint;
there the booking transaction takes the write lock before it checks.
"""

import datetime
from decimal import Decimal

from django.db import migrations

ACTIVE = "('booked', 'confirmed', 'arrived', 'completed')"

CONSTRAINTS = {
    "appointment_artist_no_overlap": (
        "EXCLUDE USING gist (artist_id WITH =, "
        "tstzrange(starts_at, blocked_until, '[)') WITH &&) "
        f"WHERE (status IN {ACTIVE})"
    ),
    "appointment_room_no_overlap": (
        "EXCLUDE USING gist (room_id WITH =, "
        "tstzrange(starts_at, blocked_until, '[)') WITH &&) "
        f"WHERE (room_id IS NOT NULL AND status IN {ACTIVE})"
    ),
}


def add_exclusion_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for name, definition in CONSTRAINTS.items():
        schema_editor.execute(
            f"ALTER TABLE scheduling_appointment ADD CONSTRAINT {name} {definition}"
        )


def drop_exclusion_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in CONSTRAINTS:
        schema_editor.execute(
            f"ALTER TABLE scheduling_appointment DROP CONSTRAINT IF EXISTS {name}"
        )


DEFAULT_TYPES = [
    # slug, name, kind, default, min, max, buffer, room, video, online, price, description
    (
        "consultation",
        "Free consultation",
        "consultation",
        45,
        30,
        90,
        15,
        True,
        False,
        True,
        "0",
        "Meet your artist at the clinic: we look at your scalp, test the pigment colour on your "
        "skin, draw your new hairline and talk through the plan and the cost. No obligation.",
    ),
    (
        "video-consultation",
        "Video consultation",
        "video_consultation",
        30,
        20,
        60,
        0,
        False,
        True,
        True,
        "0",
        "A free first conversation by video call. Have a few clear photos of your scalp to hand.",
    ),
    (
        "treatment-session",
        "Treatment session",
        "treatment",
        240,
        120,
        240,
        30,
        True,
        False,
        False,
        "450",
        "A micropigmentation session; the treatment plan sets its length.",
    ),
    (
        "fade-check-in",
        "Fade check-in visit",
        "check_in",
        20,
        15,
        30,
        10,
        True,
        False,
        False,
        "0",
        "A short visit to look at how the pigment has settled.",
    ),
    (
        "touch-up",
        "Touch-up",
        "touch_up",
        120,
        60,
        180,
        30,
        True,
        False,
        False,
        "200",
        "Refreshing the pigment months or years after the treatment.",
    ),
]

DEFAULT_HOURS = [(day, datetime.time(9), datetime.time(18)) for day in range(5)] + [
    (5, datetime.time(9), datetime.time(14))
]


def add_defaults(apps, schema_editor):
    AppointmentType = apps.get_model("scheduling", "AppointmentType")
    OpeningHours = apps.get_model("scheduling", "OpeningHours")
    BookingPolicy = apps.get_model("scheduling", "BookingPolicy")
    for position, row in enumerate(DEFAULT_TYPES):
        slug, name, kind, default, low, high, buffer, room, video, online, price, text = row
        AppointmentType.objects.get_or_create(
            slug=slug,
            defaults=dict(
                name=name,
                kind=kind,
                default_minutes=default,
                min_minutes=low,
                max_minutes=high,
                buffer_after_minutes=buffer,
                needs_room=room,
                is_video=video,
                online_bookable=online,
                price=Decimal(price),
                description=text,
                position=position,
            ),
        )
    if not OpeningHours.objects.exists():
        OpeningHours.objects.bulk_create(
            OpeningHours(weekday=day, opens=opens, closes=closes)
            for day, opens, closes in DEFAULT_HOURS
        )
    BookingPolicy.objects.get_or_create(pk=1)


def grant_permissions(apps, schema_editor):
    from accounts.roles import ensure_groups_and_permissions

    ensure_groups_and_permissions(apps, app_labels={"scheduling"})


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0001_initial"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [
        migrations.RunPython(add_exclusion_constraints, drop_exclusion_constraints),
        migrations.RunPython(add_defaults, migrations.RunPython.noop),
        migrations.RunPython(grant_permissions, migrations.RunPython.noop),
    ]
