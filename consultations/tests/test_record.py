"""The consultation record: assessment, pigment, review sign-off, patch test, hairline,
reference pictures (services)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from consultations import services
from consultations.models import (
    FormChannel,
    HairLossScale,
    PatchReading,
    ReferencePhoto,
)
from photos.models import Photo, PhotoStage
from photos.tests.fixtures import jpeg_bytes, upload
from reminders.models import Reminder, ReminderKind, ReminderStatus

from .factories import flag_for_review

pytestmark = pytest.mark.django_db


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


# --- the record ------------------------------------------------------------------------------


def test_it_saves_the_assessment_and_pigment(consult):
    c = services.consultation_update(
        consult.consultation,
        by=consult.artist,
        look_wanted="buzz_cut",
        expectations="  A sharp buzz cut  ",
        hair_loss_scale=HairLossScale.NORWOOD,
        norwood_stage=5,
        fitzpatrick=3,
        oiliness="oily",
        scars="FUE scar at the back",
        greys="some",
        process_explained=True,
        pigment_brand="Zen",
        pigment_shade="Charcoal 2",
        pigment_dilution="1:3",
    )
    c.refresh_from_db()
    assert (c.norwood_stage, c.fitzpatrick, c.pigment_shade) == (5, 3, "Charcoal 2")
    assert c.expectations == "A sharp buzz cut"
    assert c.process_explained is True


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"hair_loss_scale": "norwood", "ludwig_stage": 2}, "ludwig_stage"),
        ({"hair_loss_scale": "ludwig", "norwood_stage": 4}, "norwood_stage"),
        ({"hair_loss_scale": "ludwig", "ludwig_stage": 4}, "ludwig_stage"),
        ({"hair_loss_scale": "norwood", "norwood_stage": 8}, "norwood_stage"),
        ({"hair_loss_scale": "norwood"}, "norwood_stage"),
        ({"norwood_stage": 3}, "hair_loss_scale"),
        ({"fitzpatrick": 7}, "fitzpatrick"),
        ({"fitzpatrick": "pale"}, "fitzpatrick"),
        ({"oiliness": "greasy"}, "oiliness"),
        ({"mode": ""}, "mode"),
        ({"currency": "pounds"}, "currency"),
    ],
)
def test_it_refuses_a_stage_of_the_wrong_scale_and_other_bad_values(consult, fields, field):
    with pytest.raises(ValidationError) as excinfo:
        services.consultation_update(
            consult.consultation, by=consult.artist, pigment_shade="Kept?", **fields
        )
    assert field in errors_of(excinfo)
    consult.consultation.refresh_from_db()
    assert consult.consultation.pigment_shade == ""  # nothing saved


def test_a_ludwig_stage_with_the_ludwig_scale_is_fine(consult):
    c = services.consultation_update(
        consult.consultation, by=consult.artist, hair_loss_scale="ludwig", ludwig_stage=2
    )
    assert (c.ludwig_stage, c.norwood_stage) == (2, None)


def test_only_artists_and_managers_change_the_record(consult):
    with pytest.raises(ValidationError):
        services.consultation_update(
            consult.consultation, by=consult.people.front_desk, pigment_shade="X"
        )
    with pytest.raises(ValidationError):
        services.consultation_update(consult.consultation, by=consult.artist, outcome="proceed")
    services.consultation_update(consult.consultation, by=consult.people.manager, greys="none")


# --- review ----------------------------------------------------------------------------------


def test_review_sign_off_needs_a_practitioner_and_a_note(consult):
    flag_for_review(consult.consultation)
    c = consult.consultation
    assert c.review_required and c.reviewed_at is None
    with pytest.raises(ValidationError):
        services.consultation_review_sign_off(c, by=consult.people.front_desk, note="ok")
    with pytest.raises(ValidationError) as excinfo:
        services.consultation_review_sign_off(c, by=consult.artist, note="   ")
    assert "note" in errors_of(excinfo)
    services.consultation_review_sign_off(c, by=consult.artist, note="GP letter seen")
    c.refresh_from_db()
    assert c.reviewed_by == consult.artist and c.review_note == "GP letter seen"
    assert [a.question_text for a in services.flagged_answers(c)] == ["Do you have diabetes?"]


# --- patch test ------------------------------------------------------------------------------


def test_a_patch_test_is_read_after_the_clinic_hours_and_reminds_the_client(consult):
    applied = timezone.now().replace(microsecond=0) - dt.timedelta(hours=49)
    test = services.patch_test_add(
        consult.consultation,
        by=consult.artist,
        pigment="Zen Charcoal 2",
        applied_at=applied,
        site="behind the left ear",
    )
    assert test.read_after == applied + dt.timedelta(hours=48)
    reminder = Reminder.objects.get(key=f"patch:{test.pk}:reading")
    assert reminder.kind == ReminderKind.PATCH_TEST_READING
    assert reminder.due_at == test.read_after
    assert reminder.consultation == consult.consultation
    assert reminder.client == consult.client

    services.patch_test_read(
        test, by=consult.artist, reading=PatchReading.NO_REACTION, read_at=timezone.now()
    )
    test.refresh_from_db()
    assert test.reading == PatchReading.NO_REACTION and test.read_by == consult.artist
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.CANCELLED  # read already: no need to remind


def test_patch_test_bad_input(consult):
    with pytest.raises(ValidationError) as excinfo:
        services.patch_test_add(
            consult.consultation,
            by=consult.artist,
            pigment=" ",
            applied_at=timezone.now() + dt.timedelta(days=1),
            site="",
        )
    assert set(errors_of(excinfo)) == {"pigment", "applied_at", "site"}


def test_no_reaction_waits_for_the_reading_time_but_a_reaction_is_recorded_at_once(consult):
    applied = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=1)
    test = services.patch_test_add(
        consult.consultation, by=consult.artist, pigment="P", applied_at=applied, site="ear"
    )
    with pytest.raises(ValidationError) as excinfo:
        services.patch_test_read(
            test, by=consult.artist, reading=PatchReading.NO_REACTION, read_at=timezone.now()
        )
    assert "the clinic's reading time" in errors_of(excinfo)["read_at"][0]
    test.refresh_from_db()
    assert test.reading == PatchReading.PENDING and test.read_at is None
    services.patch_test_read(
        test,
        by=consult.artist,
        reading=PatchReading.REACTION,
        read_at=timezone.now(),
        notes="Raised redness within the hour",
    )
    test.refresh_from_db()
    assert test.reading == PatchReading.REACTION


def test_a_reading_before_the_test_or_in_the_future_is_refused(consult):
    applied = timezone.now() - dt.timedelta(hours=3)
    test = services.patch_test_add(
        consult.consultation, by=consult.artist, pigment="P", applied_at=applied, site="ear"
    )
    for read_at in (applied - dt.timedelta(minutes=10), timezone.now() + dt.timedelta(hours=2)):
        with pytest.raises(ValidationError) as excinfo:
            services.patch_test_read(
                test, by=consult.artist, reading=PatchReading.NO_REACTION, read_at=read_at
            )
        assert "read_at" in errors_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.patch_test_read(
            test, by=consult.artist, reading=PatchReading.REACTION, read_at=timezone.now()
        )
    assert "notes" in errors_of(excinfo)
    test.refresh_from_db()
    assert test.reading == PatchReading.PENDING


# --- hairline --------------------------------------------------------------------------------


def test_redrawing_makes_a_new_version_and_one_approved_at_a_time(consult):
    c = consult.consultation
    v1 = services.hairline_design_add(c, by=consult.artist, style="soft", notes="Low temples")
    v2 = services.hairline_design_add(
        c, by=consult.artist, style="broken", photo_upload=upload(jpeg_bytes())
    )
    assert (v1.version, v2.version) == (1, 2)
    assert v2.photo.stage == PhotoStage.CONSULTATION and v2.photo.angle == "hairline"
    services.hairline_design_approve(v1, channel=FormChannel.CLINIC)
    services.hairline_design_approve(v2, channel=FormChannel.PORTAL)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert v1.approved_at is None and v2.approved_via == FormChannel.PORTAL
    assert services.chosen_hairline(c) == v2
    with pytest.raises(ValidationError):
        services.hairline_design_add(c, by=consult.artist, style="wavy")
    with pytest.raises(ValidationError):
        services.hairline_design_approve(v1, channel="fax")


def test_a_refused_hairline_photo_saves_nothing(consult):
    with pytest.raises(ValidationError) as excinfo:
        services.hairline_design_add(
            consult.consultation,
            by=consult.artist,
            style="soft",
            photo_upload=upload(b"not an image", name="x.jpg"),
        )
    assert "photo" in errors_of(excinfo)
    assert not consult.consultation.hairline_designs.exists()


def test_reference_pictures_go_through_the_photo_pipeline(consult):
    added = services.reference_photos_add(
        consult.consultation,
        by=consult.people.front_desk,
        uploads=[upload(jpeg_bytes()), upload(jpeg_bytes(), name="b.jpg")],
        note="Jason Statham",
    )
    assert len(added) == 2
    photos = Photo.objects.filter(pk__in=[r.photo_id for r in added])
    assert {p.stage for p in photos} == {PhotoStage.REFERENCE}
    assert not any(p.shared_with_client for p in photos)
    assert ReferencePhoto.objects.filter(consultation=consult.consultation).count() == 2


def test_money_fields_are_checked(consult):
    c = consult.consultation
    services.consultation_update(
        c,
        by=consult.artist,
        estimated_sessions=3,
        price_per_session="450.50",
        deposit=100,
        price_change_reason="Rounded for a friend",
    )
    c.refresh_from_db()
    assert c.price_per_session == Decimal("450.50")


def test_the_reading_reminder_follows_the_clinics_reading_time(consult):
    """A patch-test reading's moment is set once, in the consultation settings: the
    first session waits for it and the client's reminder goes at it."""
    from consultations.models import ConsultationSettings

    rules = ConsultationSettings.current()
    rules.patch_test_read_hours = 72
    rules.save()
    applied = timezone.now().replace(microsecond=0) - dt.timedelta(hours=1)
    test = services.patch_test_add(
        consult.consultation,
        by=consult.artist,
        pigment="Zen Charcoal 2",
        applied_at=applied,
        site="behind the left ear",
    )
    assert test.read_after == applied + dt.timedelta(hours=72)
    assert Reminder.objects.get(key=f"patch:{test.pk}:reading").due_at == test.read_after
