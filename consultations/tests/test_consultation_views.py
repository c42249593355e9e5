"""The consultation pages: who may see and change them, what they show, their query counts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import Consultation, HairlineDesign, Outcome, PatchReading
from photos.models import PhotoStage
from photos.tests.fixtures import jpeg_bytes, upload
from scheduling.booking import booking_create
from sessions_app.progress import plan_progress
from tests.clock import MONDAY, YEAR, at

from .factories import flag_for_review, patch_test_row

pytestmark = pytest.mark.django_db

NEXT_MONDAY = MONDAY + dt.timedelta(days=7)


def detail_url(c):
    return reverse("consultations:detail", args=[c.pk])


def record_post(**changes):
    data = {
        "mode": "in_person",
        "video_link": "",
        "look_wanted": "buzz_cut",
        "expectations": "Clean buzz cut look",
        "agreed_realistic": "Soft hairline, not too low",
        "hair_loss_scale": "norwood",
        "norwood_stage": "5",
        "ludwig_stage": "",
        "fitzpatrick": "3",
        "oiliness": "normal",
        "scars": "",
        "natural_hair_colour": "Dark brown",
        "greys": "some",
        "client_questions": "Does it hurt? A little.",
        "process_explained": "on",
        "pigment_brand": "Zen",
        "pigment_shade": "Charcoal 2",
        "pigment_dilution": "1:3",
        "estimated_sessions": "3",
        "pricing_mode": "per_session",
        "price_per_session": "450",
        "package_price": "",
        "deposit": "100",
        "currency": "GBP",
        "section": "assessment",
    }
    data.update(changes)
    return data


# --- who may see it ---------------------------------------------------------------------------


def test_it_is_for_staff_only(consult, client, as_user):
    url = detail_url(consult.consultation)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    for person in (consult.people.client_a, consult.people.client_b):
        assert as_user(person).get(url).status_code == 404
        assert as_user(person).get(reverse("consultations:list")).status_code == 404
    for person in (consult.people.front_desk, consult.people.artist, consult.people.manager):
        response = as_user(person).get(url)
        assert response.status_code == 200
        assert "Consultation with" in response.content.decode()
        assert "no-store" in response["Cache-Control"]
    assert as_user(consult.people.artist).get("/consultations/999999/").status_code == 404


def test_front_desk_sees_the_review_but_only_artists_and_managers_sign_it_off(consult, as_user):
    flag_for_review(consult.consultation, details="Type 2, on metformin")
    url = detail_url(consult.consultation)
    desk = as_user(consult.people.front_desk)
    text = desk.get(url).content.decode()
    assert "Needs practitioner review" in text
    assert "Do you have diabetes?" in text and "Type 2, on metformin" in text
    assert "Any allergies?" not in text  # only the flagged answers
    assert "Sign off the review" not in text
    review_url = reverse("consultations:review", args=[consult.consultation.pk])
    assert desk.post(review_url, {"note": "fine"}).status_code == 403

    artist = as_user(consult.artist)
    response = artist.post(review_url, {"note": "  "})
    assert response.status_code == 400
    assert "Say what you checked" in response.content.decode()
    response = artist.post(review_url, {"note": "GP letter seen"}, follow=True)
    text = response.content.decode()
    assert "Needs practitioner review" not in text and "GP letter seen" in text
    consult.consultation.refresh_from_db()
    assert consult.consultation.reviewed_by == consult.artist


# --- the record -------------------------------------------------------------------------------


def test_the_artist_saves_the_record(consult, as_user):
    c = consult.consultation
    response = as_user(consult.artist).post(detail_url(c), record_post())
    assert response.status_code == 302 and response["Location"].endswith("#assessment")
    c.refresh_from_db()
    assert (c.norwood_stage, c.fitzpatrick, c.pigment_shade) == (5, 3, "Charcoal 2")
    assert c.process_explained and c.estimated_sessions == 3
    text = as_user(consult.artist).get(detail_url(c)).content.decode()
    assert "Scalp assessment saved." in text and "£1,350.00" in text


def test_a_stage_of_the_other_scale_is_shown_next_to_the_field_and_nothing_is_lost(
    consult,
    as_user,
):
    c = consult.consultation
    response = as_user(consult.artist).post(
        detail_url(c), record_post(ludwig_stage="2", price_per_session="abc")
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Nothing you typed has been lost" in text
    assert "Give an amount as a number" in text
    assert 'value="Does it hurt? A little."' in text or "Does it hurt? A little." in text
    assert 'value="Dark brown"' in text
    c.refresh_from_db()
    assert c.pigment_shade == "" and c.norwood_stage is None

    response = as_user(consult.artist).post(detail_url(c), record_post(ludwig_stage="2"))
    assert response.status_code == 400
    assert "give a Norwood stage instead" in response.content.decode()


def test_front_desk_cannot_change_the_record(consult, as_user):
    response = as_user(consult.people.front_desk).post(
        detail_url(consult.consultation), record_post()
    )
    assert response.status_code == 403
    consult.consultation.refresh_from_db()
    assert consult.consultation.pigment_shade == ""


def test_patch_test_and_reading_through_the_page(consult, as_user):
    c = consult.consultation
    artist = as_user(consult.artist)
    applied = timezone.localtime() - dt.timedelta(days=2)
    response = artist.post(
        reverse("consultations:patch_test_add", args=[c.pk]),
        {
            "patch-pigment": "Zen Charcoal 2",
            "patch-applied_at_0": applied.date().isoformat(),
            "patch-applied_at_1": applied.strftime("%H:%M"),
            "patch-site": "behind the left ear",
        },
    )
    assert response.status_code == 302
    test = c.patch_tests.get()
    now = timezone.localtime()
    read_url = reverse("consultations:patch_test_read", args=[c.pk, test.pk])
    response = artist.post(
        read_url,
        {
            "read-reading": "no_reaction",
            "read-read_at_0": (applied - dt.timedelta(days=1)).date().isoformat(),
            "read-read_at_1": "10:00",
        },
    )
    assert response.status_code == 400
    assert "cannot be before the test was applied" in response.content.decode()
    response = artist.post(
        read_url,
        {
            "read-reading": "no_reaction",
            "read-read_at_0": now.date().isoformat(),
            "read-read_at_1": now.strftime("%H:%M"),
        },
        follow=True,
    )
    test.refresh_from_db()
    assert test.reading == PatchReading.NO_REACTION
    assert "Patch test read: no reaction." in response.content.decode()
    other = Consultation.objects.create(client=consult.other_client)
    wrong = reverse("consultations:patch_test_read", args=[other.pk, test.pk])
    assert artist.post(wrong, {"read-reading": "reaction"}).status_code == 404


def test_hairline_versions_and_approval_through_the_page(consult, as_user):
    c = consult.consultation
    artist = as_user(consult.artist)
    url = reverse("consultations:hairline_add", args=[c.pk])
    response = artist.post(url, {"hairline-style": "", "hairline-notes": "Keep me"})
    assert response.status_code == 400
    assert "Choose the hairline style." in response.content.decode()
    assert "Keep me" in response.content.decode()
    artist.post(url, {"hairline-style": "soft", "hairline-notes": "Low temples"})
    artist.post(
        url,
        {"hairline-style": "defined", "hairline-photo": upload(jpeg_bytes(), name="line.jpg")},
    )
    v1, v2 = HairlineDesign.objects.filter(consultation=c).order_by("version")
    assert v2.version == 2 and v2.photo is not None
    artist.post(reverse("consultations:hairline_approve", args=[c.pk, v1.pk]))
    text = artist.get(detail_url(c)).content.decode()
    assert "Approved in person" in text
    assert reverse("photos:image", args=[v2.photo.pk, "thumb"]) in text
    assert (
        as_user(consult.people.front_desk)
        .post(reverse("consultations:hairline_approve", args=[c.pk, v2.pk]))
        .status_code
        == 403
    )


def test_reference_pictures_are_shown_and_kept_out_of_progress(consult, as_user):
    c = consult.consultation
    response = as_user(consult.people.manager).post(
        reverse("consultations:references_add", args=[c.pk]),
        {"reference-uploads": [upload(jpeg_bytes()), upload(jpeg_bytes(), name="b.jpg")]},
    )
    assert response.status_code == 302
    refs = list(c.reference_photos.select_related("photo"))
    assert len(refs) == 2 and refs[0].photo.stage == PhotoStage.REFERENCE
    text = as_user(consult.artist).get(detail_url(c)).content.decode()
    for ref in refs:
        assert reverse("photos:image", args=[ref.photo.pk, "thumb"]) in text

    # The plan's progress page compares the client's scalp photos only.
    services.consultation_update(c, by=consult.artist, estimated_sessions=2)
    plan = services.consultation_proceed(c, by=consult.artist)
    from photos.services import photo_add

    scalp = photo_add(
        client=consult.client,
        angle="front",
        stage=PhotoStage.CONSULTATION,
        upload=upload(jpeg_bytes()),
        by=consult.artist,
    )
    progress = plan_progress(plan, angle="front")
    assert [entry.pk for entry in progress.comparison.choices] == [scalp.pk]


def test_a_refused_reference_picture_is_explained(consult, as_user):
    response = as_user(consult.artist).post(
        reverse("consultations:references_add", args=[consult.consultation.pk]),
        {"reference-uploads": [upload(b"nope", name="bad.jpg")]},
    )
    assert response.status_code == 400
    assert "bad.jpg" in response.content.decode()
    assert not consult.consultation.reference_photos.exists()


# --- outcome and the first session --------------------------------------------------------


def test_proceed_then_book_the_first_session(consult, as_user):
    c = consult.consultation
    artist = as_user(consult.artist)
    artist.post(detail_url(c), record_post())
    patch_test_row(c, read_after=at(NEXT_MONDAY, "12:00"))
    response = artist.post(
        reverse("consultations:outcome", args=[c.pk]), {"outcome-outcome": "proceed"}
    )
    book_url = reverse("consultations:book_first_session", args=[c.pk])
    assert response.status_code == 302 and response["Location"] == book_url
    c.refresh_from_db()
    assert c.plan is not None and c.outcome == Outcome.PROCEED

    page = artist.get(book_url)
    text = page.content.decode()
    assert f"Monday 8 March {YEAR}, 12:00" in text  # the earliest start, after the patch test
    assert f'value="{YEAR}-03-08"' in text and 'value="12:00"' in text
    data = {
        "starts_at_0": f"{YEAR}-03-08",
        "starts_at_1": "10:00",
        "minutes": "240",
        "artist": consult.artist.pk,
    }
    response = artist.post(book_url, data)
    assert response.status_code == 400
    assert f"from Monday 8 March {YEAR}, 12:00" in response.content.decode()
    data["starts_at_1"] = "12:00"
    response = artist.post(book_url, data)
    assert response.status_code == 302
    session = c.plan.sessions.get(number=1)
    assert session.appointment.starts_at == at(NEXT_MONDAY, "12:00")
    response = artist.get(book_url)
    assert response.status_code == 302  # already booked: off to the plan


def test_not_suitable_needs_a_reason_on_the_page(consult, as_user):
    url = reverse("consultations:outcome", args=[consult.consultation.pk])
    response = as_user(consult.artist).post(url, {"outcome-outcome": "not_suitable"})
    assert response.status_code == 400
    assert "Say why the client is not suitable." in response.content.decode()
    response = as_user(consult.artist).post(
        url, {"outcome-outcome": "not_suitable", "outcome-reason": "Keloid scarring"}
    )
    assert response.status_code == 302
    consult.consultation.refresh_from_db()
    assert consult.consultation.outcome == Outcome.NOT_SUITABLE
    assert as_user(consult.people.front_desk).post(url, {}).status_code == 403


# --- query counts -----------------------------------------------------------------------------


def _more_consultations(consult, n):
    for i in range(n):
        appointment = booking_create(
            client=consult.other_client if i % 2 else consult.client,
            appointment_type=consult.consultation_type,
            artist=consult.artist2,
            starts_at=at(MONDAY + dt.timedelta(days=1 + i // 4), f"{10 + i % 4}:00"),
        )
        c = appointment.consultation
        if i % 3 == 0:
            flag_for_review(c)
        services.patch_test_add(
            c,
            by=consult.artist,
            pigment=f"P{i}",
            applied_at=timezone.now() - dt.timedelta(hours=1),
            site="ear",
        )
        services.hairline_design_add(c, by=consult.artist, style="soft")


def test_the_list_takes_a_fixed_number_of_queries(consult, as_user, django_assert_max_num_queries):
    artist = as_user(consult.artist)
    url = reverse("consultations:list")
    artist.get(url)
    with django_assert_max_num_queries(8):
        small = artist.get(url)
    _more_consultations(consult, 8)
    with django_assert_max_num_queries(8):
        big = artist.get(url)
    assert big.content.decode().count('data-testid="consultation-row"') == 9
    assert small.content.decode().count('data-testid="consultation-row"') == 1
    text = artist.get(url + "?show=needs_review").content.decode()
    assert text.count('data-testid="consultation-row"') == 3
    text = artist.get(url + "?show=outcome_pending").content.decode()
    assert text.count('data-testid="consultation-row"') == 9


def test_the_detail_page_takes_a_fixed_number_of_queries(
    consult,
    as_user,
    django_assert_max_num_queries,
):
    c = consult.consultation
    artist = as_user(consult.artist)
    artist.get(detail_url(c))
    with django_assert_max_num_queries(30) as few:
        artist.get(detail_url(c))
    flag_for_review(c)
    for i in range(4):
        services.patch_test_add(
            c, by=consult.artist, pigment=f"P{i}", applied_at=timezone.now(), site="ear"
        )
        services.hairline_design_add(
            c, by=consult.artist, style="soft", photo_upload=upload(jpeg_bytes())
        )
    services.reference_photos_add(
        c, by=consult.artist, uploads=[upload(jpeg_bytes()) for _ in range(3)]
    )
    with django_assert_max_num_queries(len(few.captured_queries) + 2):
        response = artist.get(detail_url(c))
    assert response.content.decode().count('data-testid="hairline-version"') == 4


def test_the_appointment_and_the_client_record_link_to_the_consultation(consult, as_user):
    desk = as_user(consult.people.front_desk)
    url = detail_url(consult.consultation)
    text = desk.get(reverse("scheduling:appointment_detail", args=[consult.appointment.pk]))
    assert f'href="{url}"' in text.content.decode()
    text = desk.get(consult.client.get_absolute_url()).content.decode()
    assert f'href="{url}"' in text and "Consultation record of" in text
    text = desk.get(consult.other_client.get_absolute_url()).content.decode()
    assert "No consultation yet." in text


def test_the_admin_shows_consultations_read_only_and_one_settings_row(consult, as_user):
    manager = as_user(consult.people.manager)
    consult.people.manager.is_staff = True
    consult.people.manager.is_superuser = True
    consult.people.manager.save()
    response = manager.get(reverse("admin:consultations_consultationsettings_changelist"))
    assert response.status_code == 302
    assert response["Location"].endswith("/change/")
    url = reverse("admin:consultations_consultation_change", args=[consult.consultation.pk])
    response = manager.get(url)
    assert response.status_code == 200
    assert manager.get(reverse("admin:consultations_consultation_add")).status_code == 403


def test_cancelled_and_missed_consultations_leave_upcoming_and_say_what_happened(consult, as_user):
    """A cancelled consultation is not 'upcoming' nor waiting for a decision; neither is a
    no-show. Both sit under Recent with what happened, and their record says it."""
    from scheduling.booking import appointment_set_status, booking_cancel
    from scheduling.models import AppointmentStatus, AppointmentType

    consult_type = AppointmentType.objects.get(slug="consultation")
    cancelled = consult.appointment
    booking_cancel(appointment=cancelled, by=consult.people.front_desk, reason="Client is unwell")
    kept = booking_create(
        client=consult.other_client,
        appointment_type=consult_type,
        artist=consult.artist,
        starts_at=at(MONDAY, "14:00"),
        by=consult.people.front_desk,
    )
    missed = booking_create(
        client=consult.other_client,
        appointment_type=consult_type,
        artist=consult.artist,
        starts_at=at(MONDAY, "16:00"),
        by=consult.people.front_desk,
    )
    appointment_set_status(
        appointment=missed,
        status=AppointmentStatus.NO_SHOW,
        by=consult.people.front_desk,
        now=at(MONDAY, "16:30"),
    )
    artist = as_user(consult.artist)
    page = artist.get(reverse("consultations:list"))
    upcoming = [c.pk for c in page.context["upcoming"]]
    recent = {c.pk: c.what_happened for c in page.context["recent"]}
    kept_record = Consultation.objects.get(appointment=kept)
    cancelled_record = Consultation.objects.get(appointment=cancelled)
    missed_record = Consultation.objects.get(appointment=missed)
    assert upcoming == [kept_record.pk]
    assert recent == {cancelled_record.pk: "Cancelled", missed_record.pk: "Did not come"}
    html = page.content.decode()
    assert html.count('data-testid="what-happened"') == 2
    pending = artist.get(reverse("consultations:list") + "?show=outcome_pending")
    assert [c.pk for c in pending.context["upcoming"]] == [kept_record.pk]
    assert list(pending.context["recent"]) == []

    record = artist.get(detail_url(cancelled_record)).content.decode()
    assert "appointment was cancelled (Client is unwell)" in record
    assert "Not decided yet" not in record
    record = artist.get(detail_url(missed_record)).content.decode()
    assert "The client did not come to this consultation." in record


def answered_questionnaire(consultation):
    """Anna's questionnaire: one flagged answer, a 'yes' to minoxidil and a medication."""
    from consultations.models import Question, QuestionKind, QuestionnaireVersion
    from consultations.questionnaire import questionnaire_submit

    last = QuestionnaireVersion.objects.order_by("-number").first()
    version = QuestionnaireVersion.objects.create(
        number=(last.number + 1) if last else 1, published_at=timezone.now()
    )
    minoxidil = Question.objects.create(
        version=version, position=1, text="Do you use minoxidil?", kind=QuestionKind.YES_NO
    )
    medication = Question.objects.create(
        version=version, position=2, text="Which medicines do you take?", kind=QuestionKind.TEXT
    )
    keloid = Question.objects.create(
        version=version,
        position=3,
        text="Do you scar easily (keloids)?",
        kind=QuestionKind.YES_NO,
        contraindication=True,
        ask_details=True,
    )
    questionnaire_submit(
        client=consultation.client,
        consultation=consultation,
        answers={minoxidil.pk: "yes", medication.pk: "Finasteride 1 mg daily", keloid.pk: "yes"},
        details={keloid.pk: "Raised scar after an ear piercing"},
        channel="online",
        ip=None,
        user_agent="",
        version=version,
    )
    return version


def test_the_artist_reads_the_whole_questionnaire_flagged_answers_first(consult, as_user):
    c = consult.consultation
    version = answered_questionnaire(c)
    page = as_user(consult.artist).get(detail_url(c))
    shown = page.context["questionnaire"]
    assert [a.question_text for a in shown.answers] == [
        "Do you scar easily (keloids)?",
        "Do you use minoxidil?",
        "Which medicines do you take?",
    ]
    html = page.content.decode()
    section = html[html.index('data-testid="questionnaire"') :]
    assert f"Version {version.number}, answered" in section
    assert "Do you use minoxidil?</dt>" in section and "Finasteride 1 mg daily" in section
    assert section.index("keloids") < section.index("minoxidil")
    assert section.count('data-flagged="true"') == 1
    assert "Raised scar after an ear piercing" in section


def test_the_session_log_shows_the_questionnaire_too(consult, as_user):
    from sessions_app import plans as plan_services

    c = consult.consultation
    answered_questionnaire(c)
    plan = plan_services.plan_create(client=c.client, lead_artist=consult.artist)
    session = plan.sessions.order_by("number").first()
    page = as_user(consult.artist).get(reverse("sessions_app:session_log", args=[session.pk]))
    html = page.content.decode()
    assert "Do you use minoxidil?" in html and "Finasteride 1 mg daily" in html
    # A client who has not answered yet: the page says so.
    other = plan_services.plan_create(client=consult.other_client, lead_artist=consult.artist)
    page = as_user(consult.artist).get(
        reverse("sessions_app:session_log", args=[other.sessions.order_by("number").first().pk])
    )
    assert "has not filled in the health questionnaire yet" in page.content.decode()


def test_the_front_desk_does_not_see_the_whole_questionnaire(consult, as_user):
    answered_questionnaire(consult.consultation)
    html = as_user(consult.people.front_desk).get(detail_url(consult.consultation))
    html = html.content.decode()
    assert "Finasteride" not in html and "minoxidil" not in html


def test_a_deposit_without_a_total_is_refused_on_the_page_and_kept_in_the_form(consult, as_user):
    response = as_user(consult.artist).post(
        detail_url(consult.consultation), record_post(price_per_session="", deposit="5000")
    )
    assert response.status_code == 400
    assert "the deposit is part of the total" in response.content.decode()
    assert response.context["record_form"]["deposit"].value() == "5000"
    consult.consultation.refresh_from_db()
    assert consult.consultation.deposit is None


def test_the_detail_page_takes_exactly_its_queries(consult, as_user, django_assert_num_queries):
    # Session, user, the consultation, the audit row, patch tests, hairlines, references,
    # the client's latest questionnaire (which also tells the forms status there is none),
    # the current consent forms, their signatures, the price list's treatment with its
    # deposit and package, and the artists.
    artist = as_user(consult.artist)
    url = detail_url(consult.consultation)
    artist.get(url)
    with django_assert_num_queries(12):
        artist.get(url)
    # Answered for this consultation, with a flagged answer: the answers and the flagged
    # ones for the review banner besides, the response read once.
    answered_questionnaire(consult.consultation)
    with django_assert_num_queries(14):
        page = artist.get(url)
    assert page.context["forms_status"].questionnaire_done
    assert page.context["questionnaire"].answers


def test_the_forms_status_counts_the_questionnaire_of_this_consultation_only(
    consult, as_user, django_assert_num_queries
):
    # Anna answers for a second consultation, booked after the first.
    later = booking_create(
        client=consult.client,
        appointment_type=consult.consultation_type,
        artist=consult.artist2,
        starts_at=at(NEXT_MONDAY, "10:00"),
    ).consultation
    answered_questionnaire(later)
    artist = as_user(consult.artist)
    first = artist.get(detail_url(consult.consultation))
    forms = first.content.decode().split('data-testid="forms-status-questionnaire"')[1]
    assert "not done" in forms.split("</li>")[0]
    # The full questionnaire is the client's latest, whichever consultation it answered.
    assert "Finasteride 1 mg daily" in first.content.decode()
    # The latest answers another consultation: this one's is read besides.
    with django_assert_num_queries(14):
        artist.get(detail_url(consult.consultation))
    second = artist.get(detail_url(later)).content.decode()
    forms = second.split('data-testid="forms-status-questionnaire"')[1]
    assert "not done" not in forms.split("</li>")[0] and "done" in forms.split("</li>")[0]
