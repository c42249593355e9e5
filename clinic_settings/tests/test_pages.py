"""The manager's settings pages: what each saves, what it refuses (keeping what was typed
and what was saved before), who may open them, and the changes they leave in the trail."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from PIL import Image

from accounts.models import SecurityPolicy
from scheduling.availability import free_slots
from scheduling.models import AppointmentType, BookingPolicy, ClosedDay, OpeningHours, Room
from smpclinic.clinic import clinic_context
from tests.clock import LONDON, day

MONDAY = day(3, 1)
PAGES = [
    "clinic_settings:index",
    "clinic_settings:clinic",
    "clinic_settings:hours",
    "clinic_settings:rooms",
    "clinic_settings:services",
    "clinic_settings:service_new",
    "clinic_settings:rules",
    "clinic_settings:changes",
]


@pytest.fixture
def today(freeze_now):
    freeze_now(dt.datetime.combine(MONDAY, dt.time(8), tzinfo=LONDON))
    return MONDAY


def png(size=(900, 300), colour=(20, 60, 80)) -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    out.seek(0)
    out.name = "logo.png"
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_only_the_manager_opens_settings(people, as_user, client, name):
    url = reverse(name)
    assert as_user(people.manager).get(url).status_code == 200
    for who in (people.front_desk, people.artist, people.client_a):
        client.logout()
        assert as_user(who).get(url).status_code == 403, who.role
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_the_index_lists_each_section_with_what_it_holds(people, as_user, today):
    manager = as_user(people.manager)
    assert (
        "No settings have been changed yet."
        in manager.get(reverse("clinic_settings:index")).content.decode()
    )
    ClosedDay.objects.create(date=MONDAY + dt.timedelta(days=10), reason="Training")
    page = manager.get(reverse("clinic_settings:index")).content.decode()
    assert "Opening hours and closed days" in page
    assert "1 closed day ahead" in page
    assert "Prices and deposits" in page
    assert "Closed day: " in page and "Training" in page


@pytest.mark.django_db
def test_clinic_details_show_on_public_pages_and_in_messages(people, as_user, client):
    manager = as_user(people.manager)
    response = manager.post(
        reverse("clinic_settings:clinic"),
        {
            "name": "Crown Line SMP",
            "address": "4 Mill Lane, Leeds",
            "phone": "+44 113 496 0000",
            "email": "desk@crownline.test",
            "website": "crownline.test",
            "privacy_notice_url": "https://crownline.test/privacy",
            "logo": png(),
        },
    )
    assert response.status_code == 302
    context = clinic_context()
    assert context["clinic_name"] == "Crown Line SMP"
    assert context["clinic_website"] == "https://crownline.test"
    client.logout()
    booking = client.get(reverse("booking:start")).content.decode()
    assert "Crown Line SMP" in booking
    assert context["clinic_logo_url"] in booking
    logo = client.get(context["clinic_logo_url"])
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(logo.content))
    assert image.size == (600, 200)  # fitted into 600 × 200, proportions kept


@pytest.mark.django_db
def test_an_empty_field_shows_what_the_installation_says(people, as_user, settings):
    settings.CLINIC_NAME = "Installed Name"
    page = as_user(people.manager).get(reverse("clinic_settings:clinic")).content.decode()
    assert 'placeholder="Installed Name"' in page
    assert clinic_context()["clinic_name"] == "Installed Name"


@pytest.mark.django_db
def test_a_fake_logo_is_refused_and_nothing_changes(people, as_user):
    manager = as_user(people.manager)
    manager.post(reverse("clinic_settings:clinic"), {"name": "First Name"})
    fake = io.BytesIO(b"%PDF-1.4 not a picture at all")
    fake.name = "logo.png"
    response = manager.post(
        reverse("clinic_settings:clinic"), {"name": "Second Name", "logo": fake}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was saved" in page
    assert 'value="Second Name"' in page  # what was typed is still there
    assert clinic_context()["clinic_name"] == "First Name"
    assert clinic_context()["clinic_logo_url"] == ""


@pytest.mark.django_db
def test_a_bad_email_or_link_is_refused_next_to_its_field(people, as_user):
    response = as_user(people.manager).post(
        reverse("clinic_settings:clinic"),
        {"name": "X", "email": "not-an-address", "privacy_notice_url": "javascript:alert(1)"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "email" in form.errors and "privacy_notice_url" in form.errors


def week_post(rows, deleted=()):
    data = {
        "part": "week",
        "week-TOTAL_FORMS": str(len(rows)),
        "week-INITIAL_FORMS": "0",
        "week-MIN_NUM_FORMS": "0",
        "week-MAX_NUM_FORMS": "1000",
    }
    for i, (weekday, opens, closes) in enumerate(rows):
        data[f"week-{i}-weekday"] = str(weekday)
        data[f"week-{i}-opens"] = opens
        data[f"week-{i}-closes"] = closes
        if i in deleted:
            data[f"week-{i}-DELETE"] = "on"
    return data


@pytest.mark.django_db
def test_the_week_is_saved_with_a_lunch_break_and_a_removed_day(people, as_user, today):
    response = as_user(people.manager).post(
        reverse("clinic_settings:hours"),
        week_post(
            [
                (0, "09:00", "13:00"),
                (0, "14:00", "18:00"),
                (1, "10:00", "16:00"),
                (2, "09:00", "17:00"),
            ],
            deleted={3},
        ),
    )
    assert response.status_code == 302
    rows = set(OpeningHours.objects.values_list("weekday", "opens", "closes"))
    assert rows == {
        (0, dt.time(9), dt.time(13)),
        (0, dt.time(14), dt.time(18)),
        (1, dt.time(10), dt.time(16)),
    }
    page = as_user(people.manager).get(reverse("clinic_settings:hours")).content.decode()
    preview = page[page.index('data-testid="preview"') :]
    assert "09:00–13:00, 14:00–18:00" in preview
    assert "Wed" in preview and "Closed" in preview


@pytest.mark.django_db
def test_overlapping_or_reversed_hours_are_refused_and_the_old_week_kept(people, as_user, today):
    before = set(OpeningHours.objects.values_list("weekday", "opens", "closes"))
    manager = as_user(people.manager)
    overlap = manager.post(
        reverse("clinic_settings:hours"), week_post([(0, "09:00", "13:00"), (0, "12:00", "18:00")])
    )
    assert overlap.status_code == 400
    assert "Hours overlap on Monday" in overlap.content.decode()
    reversed_ = manager.post(reverse("clinic_settings:hours"), week_post([(0, "18:00", "09:00")]))
    assert reversed_.status_code == 400
    assert "Closing time must be after opening time." in reversed_.content.decode()
    assert 'value="18:00"' in reversed_.content.decode()
    nonsense = manager.post(reverse("clinic_settings:hours"), week_post([(9, "nine", "17:00")]))
    assert nonsense.status_code == 400
    assert set(OpeningHours.objects.values_list("weekday", "opens", "closes")) == before


@pytest.mark.django_db
def test_closing_days_takes_them_out_of_the_diary(people, as_user, today, clinic):
    wednesday = MONDAY + dt.timedelta(days=2)

    def offered():
        return free_slots(appointment_type=clinic.consultation, start_date=wednesday, days=1)

    assert offered()  # open before
    response = as_user(people.manager).post(
        reverse("clinic_settings:hours"),
        {
            "part": "closed",
            "closed-first": wednesday.isoformat(),
            "closed-last": (wednesday + dt.timedelta(days=1)).isoformat(),
            "closed-reason": "Refit",
        },
    )
    assert response.status_code == 302
    assert list(ClosedDay.objects.values_list("date", "reason")) == [
        (wednesday, "Refit"),
        (wednesday + dt.timedelta(days=1), "Refit"),
    ]
    assert offered() == []
    page = as_user(people.manager).get(reverse("clinic_settings:hours")).content.decode()
    assert "Closed: Refit" in page
    closed = ClosedDay.objects.get(date=wednesday)
    as_user(people.manager).post(reverse("clinic_settings:closed_day_remove", args=[closed.pk]))
    assert offered()
    again = as_user(people.manager).post(
        reverse("clinic_settings:closed_day_remove", args=[closed.pk]), follow=True
    )
    assert "already removed" in again.content.decode()


@pytest.mark.django_db
def test_closed_days_refuse_a_backwards_range_or_a_date_outside_the_diary(people, as_user, today):
    manager = as_user(people.manager)
    backwards = manager.post(
        reverse("clinic_settings:hours"),
        {"part": "closed", "closed-first": "2999-12-30", "closed-last": "2999-12-01"},
    )
    assert backwards.status_code == 400
    assert "on or after the first" in backwards.content.decode()
    far = manager.post(
        reverse("clinic_settings:hours"), {"part": "closed", "closed-first": "9999-12-31"}
    )
    assert far.status_code == 400
    nonsense = manager.post(
        reverse("clinic_settings:hours"), {"part": "closed", "closed-first": "soon"}
    )
    assert nonsense.status_code == 400
    assert not ClosedDay.objects.exists()


@pytest.mark.django_db
def test_a_years_public_holidays_close_the_clinic(people, as_user, today):
    year = MONDAY.year
    response = as_user(people.manager).post(
        reverse("clinic_settings:hours"),
        {"part": "holidays", "holidays-year": str(year), "holidays-region": "ENG"},
    )
    assert response.status_code == 302
    christmas = ClosedDay.objects.get(date=dt.date(year, 12, 25))
    assert christmas.reason == "Christmas Day"
    count = ClosedDay.objects.count()
    assert count >= 8  # England's bank holidays
    # Again: nothing doubled, and the manager is told so.
    again = as_user(people.manager).post(
        reverse("clinic_settings:hours"),
        {"part": "holidays", "holidays-year": str(year), "holidays-region": "ENG"},
        follow=True,
    )
    assert "already closed" in again.content.decode()
    assert ClosedDay.objects.count() == count
    unknown = as_user(people.manager).post(
        reverse("clinic_settings:hours"),
        {"part": "holidays", "holidays-year": str(year), "holidays-region": "XX"},
    )
    assert unknown.status_code == 400


@pytest.mark.django_db
def test_rooms_are_added_renamed_and_taken_out_of_use(people, as_user):
    manager = as_user(people.manager)
    assert (
        manager.post(
            reverse("clinic_settings:rooms"), {"new-name": "Room 3", "new-is_active": "on"}
        ).status_code
        == 302
    )
    duplicate = manager.post(reverse("clinic_settings:rooms"), {"new-name": "Room 3"})
    assert duplicate.status_code == 400
    assert "already exists" in duplicate.content.decode()
    room = Room.objects.get(name="Room 3")
    manager.post(reverse("clinic_settings:room", args=[room.pk]), {"name": "The quiet room"})
    room.refresh_from_db()
    assert room.name == "The quiet room" and not room.is_active
    assert manager.get(reverse("clinic_settings:room", args=[99999])).status_code == 404


@pytest.mark.django_db
def test_a_service_is_added_with_its_lengths_checked(people, as_user):
    manager = as_user(people.manager)
    data = {
        "name": "Scar camouflage",
        "slug": "scar-camouflage",
        "kind": "treatment",
        "price": "0",
        "default_minutes": "60",
        "min_minutes": "90",
        "max_minutes": "120",
        "buffer_after_minutes": "15",
        "needs_room": "on",
        "position": "9",
    }
    refused = manager.post(reverse("clinic_settings:service_new"), data)
    assert refused.status_code == 400
    assert "shortest ≤ default ≤ longest" in refused.content.decode()
    assert 'value="Scar camouflage"' in refused.content.decode()
    assert not AppointmentType.objects.filter(slug="scar-camouflage").exists()
    data["min_minutes"] = "45"
    data["online_bookable"] = "on"
    assert manager.post(reverse("clinic_settings:service_new"), data).status_code == 302
    saved = AppointmentType.objects.get(slug="scar-camouflage")
    assert (saved.min_minutes, saved.default_minutes, saved.buffer_after_minutes) == (45, 60, 15)
    assert saved.online_bookable
    assert "Scar camouflage" in manager.get(reverse("clinic_settings:services")).content.decode()


@pytest.mark.django_db
def test_booking_rules_are_saved_and_bad_ones_refused(people, as_user):
    manager = as_user(people.manager)
    policy = BookingPolicy.current()
    data = {
        "part": "booking",
        "booking-slot_minutes": "30",
        "booking-staff_notice_minutes": "0",
        "booking-online_notice_hours": "48",
        "booking-online_horizon_days": "90",
        "booking-change_notice_hours": "24",
        "booking-video_meeting_url": "",
    }
    assert manager.post(reverse("clinic_settings:rules"), data).status_code == 302
    policy.refresh_from_db()
    assert (policy.slot_minutes, policy.online_notice_hours, policy.online_horizon_days) == (
        30,
        48,
        90,
    )
    data["booking-online_horizon_days"] = "9999"
    refused = manager.post(reverse("clinic_settings:rules"), data)
    assert refused.status_code == 400
    assert 'value="9999"' in refused.content.decode()
    policy.refresh_from_db()
    assert policy.online_horizon_days == 90
    security = manager.post(
        reverse("clinic_settings:rules"),
        {"part": "security", "security-require_staff_two_factor": "on"},
    )
    assert security.status_code == 302
    assert SecurityPolicy.current().require_staff_two_factor
    unknown = manager.post(reverse("clinic_settings:rules"), {"part": "nope"})
    assert unknown.status_code == 400


@pytest.mark.django_db
def test_every_change_is_listed_with_who_and_before_and_after(people, as_user):
    manager = as_user(people.manager)
    manager.post(reverse("clinic_settings:rooms"), {"new-name": "Room 9", "new-is_active": "on"})
    manager.post(
        reverse("clinic_settings:rules"),
        {
            "part": "booking",
            "booking-slot_minutes": "20",
            "booking-staff_notice_minutes": "0",
            "booking-online_notice_hours": "24",
            "booking-online_horizon_days": "42",
            "booking-change_notice_hours": "48",
        },
    )
    page = manager.get(reverse("clinic_settings:changes")).content.decode()
    assert "<strong>Booking rules</strong> changed" in page
    assert "<del>15</del> → <ins>20</ins>" in page
    assert "Room: Room 9</strong> created" in page
    assert "Morgan Hale" in page
    index = manager.get(reverse("clinic_settings:index")).content.decode()
    assert "<strong>Booking rules</strong> changed" in index


@pytest.mark.django_db
def test_the_pages_cost_the_same_whatever_they_hold(people, as_user, django_assert_num_queries):
    manager = as_user(people.manager)
    names = ("index", "changes", "hours", "rooms", "services", "rules")
    for name in names:  # the first visit makes each single settings row
        manager.get(reverse(f"clinic_settings:{name}"))
    counts = {}
    for n in range(2):
        for i in range(5):
            Room.objects.create(name=f"Room {n}-{i}")
            ClosedDay.objects.create(date=day(6, 1) + dt.timedelta(days=n * 10 + i))
            manager.post(reverse("clinic_settings:rooms"), {"new-name": f"R{n}{i}"})
        for name in names:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as captured:
                assert manager.get(reverse(f"clinic_settings:{name}")).status_code == 200
            counts.setdefault(name, []).append(len(captured))
    for name, (first, second) in counts.items():
        assert first == second, f"{name}: {first} then {second} queries"


@pytest.mark.django_db
def test_a_services_colour_stripes_its_appointments_in_the_week(
    people, as_user, clinic, freeze_now
):
    from scheduling.tests.diary_fixtures import book
    from tests.clock import at

    freeze_now(at(MONDAY, "08:00"))
    manager = as_user(people.manager)
    service = clinic.consultation
    form = manager.get(reverse("clinic_settings:service", args=[service.pk])).context["form"]
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and value is not False
    }
    data.update(colour="plum")
    assert (
        manager.post(reverse("clinic_settings:service", args=[service.pk]), data).status_code == 302
    )
    book(clinic, at(MONDAY + dt.timedelta(days=1), "10:00"), type=service)
    week = manager.get(reverse("scheduling:week", args=[MONDAY])).content.decode()
    assert "service-colour-plum" in week
    assert 'aria-label="Services\' stripes"' in week
    wrong = manager.post(
        reverse("clinic_settings:service", args=[service.pk]), {**data, "colour": "gold"}
    )
    assert wrong.status_code == 400
    service.refresh_from_db()
    assert service.colour == "plum"


@pytest.mark.django_db
def test_a_service_kept_to_one_room_is_only_offered_and_booked_there(
    people, as_user, clinic, freeze_now
):
    from scheduling.booking import BookingRefused, booking_create
    from scheduling.models import BookingSource
    from scheduling.tests.diary_fixtures import book
    from tests.clock import at

    freeze_now(at(MONDAY, "08:00"))
    treatment = clinic.treatment
    treatment.rooms.set([clinic.room2])
    tuesday = MONDAY + dt.timedelta(days=1)
    # Room 2 taken all morning by Sam: Alex's treatment has no room then, though Room 1 is free.
    book(clinic, at(tuesday, "09:00"), type=treatment, room=clinic.room2, minutes=180)
    slots = free_slots(
        appointment_type=treatment, start_date=tuesday, days=1, source=BookingSource.FRONT_DESK
    )
    assert slots and all(s.start >= at(tuesday, "12:00") for s in slots)
    with pytest.raises(BookingRefused) as refused:
        booking_create(
            client=clinic.anna,
            artist=clinic.alex,
            appointment_type=treatment,
            starts_at=at(tuesday, "14:00"),
            room=clinic.room1,
            source=BookingSource.FRONT_DESK,
            by=people.front_desk,
        )
    assert refused.value.problem.code == "room_not_for_type"
    placed = book(clinic, at(tuesday, "14:00"), type=treatment, artist=clinic.alex)
    assert placed.room == clinic.room2
    page = as_user(people.manager).get(reverse("clinic_settings:rooms")).content.decode()
    assert "Room 2" in page[page.index('data-testid="room-services"') :]


@pytest.mark.django_db
def test_the_clinic_chooses_the_first_day_of_its_week(people, as_user, settings):
    settings.LANGUAGE_CODE = "en-gb"
    settings.CLINIC_FIRST_DAY_OF_WEEK = ""
    manager = as_user(people.manager)
    page = manager.get(reverse("clinic_settings:clinic")).content.decode()
    assert "The installation&#x27;s: Monday" in page
    wednesday = day(3, 10)
    response = manager.post(
        reverse("clinic_settings:clinic"), {"name": "Desert SMP", "first_day_of_week": "sunday"}
    )
    assert response.status_code == 302
    week = manager.get(reverse("scheduling:week", args=[wednesday])).content.decode()
    # The week of Wednesday 10 March runs from Sunday 7 March to Saturday 13 March.
    assert "Sun 7 Mar – Sat 13 Mar" in week
    refused = manager.post(
        reverse("clinic_settings:clinic"), {"name": "Desert SMP", "first_day_of_week": "friday"}
    )
    assert refused.status_code == 400
    assert "first_day_of_week" in refused.context["form"].errors


@pytest.mark.django_db
def test_a_spanish_manager_reads_the_recent_changes_in_spanish(people, as_user):
    manager = as_user(people.manager)
    manager.post(reverse("clinic_settings:rooms"), {"new-name": "Room 9", "new-is_active": "on"})
    people.manager.language = "es"
    people.manager.save(update_fields=["language"])
    page = manager.get(reverse("clinic_settings:changes")).content.decode()
    # The same stored change, named and worded for the reader.
    assert "Sala: Room 9</strong> creado" in page
    assert "Room: Room 9</strong> created" not in page


@pytest.mark.django_db
def test_a_spanish_manager_reads_the_changed_settings_fields_in_spanish(people, as_user):
    manager = as_user(people.manager)
    manager.post(
        reverse("clinic_settings:rules"),
        {
            "part": "booking",
            "booking-slot_minutes": "20",
            "booking-staff_notice_minutes": "0",
            "booking-online_notice_hours": "24",
            "booking-online_horizon_days": "42",
            "booking-change_notice_hours": "48",
        },
    )
    english = manager.get(reverse("clinic_settings:changes")).content.decode()
    assert "Offer start times every (minutes): <del>15</del>" in english
    people.manager.language = "es"
    people.manager.save(update_fields=["language"])
    page = manager.get(reverse("clinic_settings:changes")).content.decode()
    assert "Ofrecer horas de inicio cada (minutos): <del>15</del>" in page
    assert "Offer start times every" not in page
