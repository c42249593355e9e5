"""Two clients with a full record each: Anna (whose data is exported or erased) and Ben.

Each has: a future consultation booked (which opens a consultation record), a patch
test, a hairline design, a health questionnaire, signed consent, a treatment plan
with session 1 logged last month, an after-session photo linked to that session, a
consultation photo, a fade check-in with answers and a reply, and a message sent.
Ben's words are all tagged "Barker" or "Ben" so a leak into Anna's data shows.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from aftercare.models import CheckIn
from consultations.models import Consultation, HairlineDesign
from consultations.tests.factories import flag_for_review, patch_test_row
from photos.services import photo_add
from photos.tests.fixtures import jpeg_bytes, upload
from reminders.models import Reminder, ReminderStatus
from scheduling.booking import booking_create
from scheduling.models import AppointmentType
from sessions_app import plans
from sessions_app.tests.fixtures import logged_session
from tests.clock import MONDAY, at


def _full_record(t, *, client, plan, artist, first: str, hour: str, photo_size: int):
    appointment = booking_create(
        client=client,
        appointment_type=AppointmentType.objects.get(slug="consultation"),
        artist=artist,
        starts_at=at(MONDAY, hour),
        by=t.people.front_desk,
    )
    consultation = Consultation.objects.get(appointment=appointment)
    Consultation.objects.filter(pk=consultation.pk).update(
        expectations=f"{first} hopes for a sharp buzz-cut look",
        price_per_session=400,
        estimated_sessions=3,
    )
    patch_test_row(consultation, read_after=at(MONDAY, "09:00"), pigment=f"{first} shade 2")
    HairlineDesign.objects.create(
        consultation=consultation, version=1, style="soft", notes=f"{first}'s soft hairline"
    )
    flag_for_review(consultation, details=f"{first} takes tablets")
    log = logged_session(
        plan.sessions.get(number=1),
        {"frontal_hairline": 3},
        timezone.now() - dt.timedelta(days=30),
        technique_notes=f"{first} healed well; private clinical note",
    )
    session_photo = photo_add(
        client=client,
        angle="front",
        stage="after_session",
        session=log.session,
        upload=upload(jpeg_bytes(width=photo_size, height=300)),
        by=artist,
    )
    consultation_photo = photo_add(
        client=client,
        angle="top",
        stage="consultation",
        upload=upload(jpeg_bytes(width=photo_size + 10, height=300)),
        by=artist,
        shared_with_client=False,
    )
    check_in = CheckIn.objects.filter(session=log.session).first()
    CheckIn.objects.filter(pk=check_in.pk).update(
        client_questions=f"{first} asks whether the crown is patchy",
        region_views={"crown": f"{first} thinks it looks light"},
        reply=f"Hi {first}, it is normal",
        redness="mild",
    )
    sent = Reminder.objects.filter(client=client).first()
    Reminder.objects.filter(pk=sent.pk).update(
        status=ReminderStatus.SENT, channel="email", sent_to=client.email, sent_at=timezone.now()
    )
    return SimpleNamespace(
        client=client,
        plan=plan,
        log=log,
        appointment=appointment,
        consultation=consultation,
        session_photo=session_photo,
        consultation_photo=consultation_photo,
        check_in=check_in,
        sent_reminder=sent,
    )


@pytest.fixture
def records(treatment):
    """Anna's and Ben's full records: attributes people, anna, ben (see the module docstring)."""
    ben_plan = plans.plan_create(
        client=treatment.other_client,
        lead_artist=treatment.artist2,
        planned_sessions=2,
        pigment="Barker pigment",
        hairline_design="Ben Barker's defined hairline",
        target_look="Ben's density",
        notes="Ben Barker private plan note",
        by=treatment.people.front_desk,
    )
    anna = _full_record(
        treatment,
        client=treatment.client,
        plan=treatment.plan,
        artist=treatment.artist,
        first="Anna",
        hour="10:00",
        photo_size=401,
    )
    ben = _full_record(
        treatment,
        client=treatment.other_client,
        plan=ben_plan,
        artist=treatment.artist2,
        first="Ben",
        hour="13:00",
        photo_size=433,
    )
    return SimpleNamespace(people=treatment.people, treatment=treatment, anna=anna, ben=ben)
