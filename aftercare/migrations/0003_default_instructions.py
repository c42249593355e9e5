"""Starting wording for aftercare after an SMP session.

Every row is marked as shipped default wording: the clinic reviews and edits
it in the settings; it is general guidance, not medical advice. Reversing
removes only the rows still marked as shipped defaults.
"""

from django.db import migrations

CLINIC_NOTE = (
    "\n\n(Starting wording supplied with the software: your clinic reviews and edits it. "
    "It is general guidance, not medical advice; if you are worried about your skin, "
    "contact the clinic or a doctor.)"
)

# (day_from, day_to, title, body, send_message)
DEFAULTS = [
    (
        0,
        0,
        "Today: your session day",
        "Keep your scalp dry for the rest of the day. Do not touch, rub or scratch the "
        "treated area. Sleep on a clean pillowcase tonight.\n"
        "Redness for a few hours, up to two days, is normal. The pigment looks up to 50 % "
        "darker than the final result and lightens over the next 4–5 weeks, so do not judge "
        "the result yet.",
        False,
    ),
    (
        0,
        3,
        "First days: no washing, sweating or shaving",
        "Until day 3: do not wash your scalp, avoid anything that makes you sweat (no "
        "exercise, gym or heavy work, no hot drinks in a hot room), and do not shave the "
        "treated area.",
        True,
    ),
    (
        3,
        3,
        "Day 3: you may rinse",
        "From today you may rinse your scalp with lukewarm water, gently, without products "
        "(no shampoo, soap or lotion), and pat it dry with a clean towel.",
        True,
    ),
    (
        4,
        7,
        "Days 4–7: gentle washing",
        "You may wash gently with a mild shampoo and lukewarm water, and pat dry. Still no "
        "heavy sweating: keep exercise light until day 7.",
        False,
    ),
    (
        0,
        28,
        "Four weeks: no sun, swimming, sauna or tanning",
        "For the first four weeks keep the sun off your scalp (wear a loose hat outdoors) and "
        "avoid swimming pools and the sea, saunas, steam rooms and sunbeds.",
        False,
    ),
    (
        7,
        7,
        "Day 7: you may shave again",
        "If you keep your head buzzed or shaved, you may shave again from today: use an "
        "electric foil shaver, gently, and no blades on the treated area yet.",
        True,
    ),
    (
        10,
        10,
        "Day 10: fade check-in",
        "Around now your clinic asks for a fade check-in: a few photos of your scalp in "
        "daylight and how it feels. Uneven, patchy or lighter areas are normal after a "
        "session: your artist uses the photos to plan what the next session fills in.",
        False,
    ),
    (
        28,
        28,
        "Day 28: the pigment has settled",
        "The pigment has now settled. From now on protect your scalp from the sun with SPF 30 "
        "or higher (or a hat): sun is what fades SMP over the years. If your next session or "
        "touch-up is not booked yet, book it or confirm it with the clinic.",
        True,
    ),
]


def add_defaults(apps, schema_editor):
    Instruction = apps.get_model("aftercare", "AftercareInstruction")
    if Instruction.objects.exists():
        return  # the clinic already has its own wording
    Instruction.objects.bulk_create(
        Instruction(
            day_from=day_from,
            day_to=day_to,
            title=title,
            body=body + CLINIC_NOTE,
            send_message=send_message,
            is_shipped_default=True,
            position=position,
        )
        for position, (day_from, day_to, title, body, send_message) in enumerate(DEFAULTS)
    )


def remove_defaults(apps, schema_editor):
    Instruction = apps.get_model("aftercare", "AftercareInstruction")
    Instruction.objects.filter(is_shipped_default=True).delete()


class Migration(migrations.Migration):
    dependencies = [("aftercare", "0002_role_permissions")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
