"""What a new clinic's manager sets up in Settings before the public can book online: an
artist working the clinic's opening hours, and a room. Run inside the deployed
configuration by the smoke run (tests/smoke):

    python manage.py shell -c "from tests.smoke.clinic_setup import open_for_bookings; ..."
"""

from django.db import transaction

from accounts.models import Role
from accounts.services import user_create
from scheduling.models import Room
from scheduling.staff_hours import opening_spans, week_hours_save


def open_for_bookings(*, artist_email: str) -> None:
    with transaction.atomic():
        artist = user_create(
            email=artist_email, role=Role.ARTIST, first_name="Sam", last_name="Okafor"
        )
        week_hours_save(member=artist, week=dict(opening_spans()))
        Room.objects.create(name="Room 1")
    print(f"artist={artist.pk}")
