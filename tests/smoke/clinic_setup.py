"""What a new clinic's manager sets up in Settings before the public can book online: an
artist working the clinic's opening hours, and a room; and, since the smoke run keeps the
real clock, texts at any hour (a run in the evening would otherwise see its text held to
the end of the quiet hours, as it should be). Run inside the deployed
configuration by the smoke run (tests/smoke):

    python manage.py shell -c "from tests.smoke.clinic_setup import open_for_bookings; ..."
"""

from django.db import transaction

from accounts.models import Role
from accounts.services import user_create
from reminders.models import ReminderSettings
from scheduling.models import Room
from scheduling.staff_hours import opening_spans, week_hours_save


def open_for_bookings(*, artist_email: str) -> None:
    with transaction.atomic():
        artist = user_create(
            email=artist_email, role=Role.ARTIST, first_name="Sam", last_name="Okafor"
        )
        week_hours_save(member=artist, week=dict(opening_spans()))
        Room.objects.create(name="Room 1")
        rules = ReminderSettings.current()
        rules.quiet_hours_start = rules.quiet_hours_end  # the same time: no quiet hours
        rules.save()
    print(f"artist={artist.pk}")
