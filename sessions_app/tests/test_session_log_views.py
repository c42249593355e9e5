"""The artist's session log and the healing record, on a tablet."""

import pytest
from django.urls import reverse

from scheduling.models import AppointmentStatus
from sessions_app.models import SessionLog
from sessions_app.tests.fixtures import logged_session, past_appointment

pytestmark = pytest.mark.django_db


def _url(name, pk):
    return reverse(f"sessions_app:{name}", args=[pk])


def _log_data(**extra):
    return {
        "treated_frontal_hairline": "on",
        "density_frontal_hairline": "4",
        "treated_crown": "on",
        "density_crown": "3",
        "pigment_brand": "Inkredible",
        "pigment_shade": "Charcoal 2",
        "pigment_lot": "L-2291",
        "needle_configuration": "1RL 0.18",
        "skin_reaction": "mild",
        "minutes_taken": "235",
        "focus_next_time": "Build the crown",
        "shared_with_client": "on",
        **extra,
    }


@pytest.fixture
def due(treatment):
    """Session 1 happened earlier today-ish and waits for its log."""
    import datetime as dt

    from django.utils import timezone

    first = treatment.sessions[0]
    when = (timezone.now() - dt.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    past_appointment(first, when=when)
    return first


def test_the_artist_logs_the_session_and_it_is_completed(treatment, due, as_user):
    client = as_user(treatment.artist)
    page = client.get(_url("session_log", due.pk))
    html = page.content.decode()
    assert "Crown / vertex" in html and "Scar" in html and 'value="240"' in html
    response = client.post(_url("session_log", due.pk), _log_data())
    assert response.status_code == 302 and response.url == treatment.plan.get_absolute_url()
    log = SessionLog.objects.get(session=due)
    assert dict(log.regions.values_list("region", "density")) == {"frontal_hairline": 4, "crown": 3}
    assert (log.pigment_lot, log.skin_reaction, log.minutes_taken, log.shared_with_client) == (
        "L-2291",
        "mild",
        235,
        True,
    )
    due.appointment.refresh_from_db()
    assert due.appointment.status == AppointmentStatus.COMPLETED
    page = client.get(treatment.plan.get_absolute_url())
    assert "Session 1 logged." in page.content.decode()
    # Opening it again shows what was saved.
    form = client.get(_url("session_log", due.pk)).context["form"]
    assert (
        form.initial["density_crown"] == 3 and form.initial["focus_next_time"] == "Build the crown"
    )


def test_bad_densities_are_shown_on_the_region_and_nothing_is_saved(treatment, due, as_user):
    client = as_user(treatment.artist)
    response = client.post(
        _url("session_log", due.pk),
        _log_data(density_crown="9", treated_scar="on", pigment_brand="Kept brand"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["density_crown"] == ["Density is from 1 to 5."]
    assert errors["density_scar"] == ["Choose the density reached in scar."]
    assert 'value="Kept brand"' in response.content.decode()
    assert not SessionLog.objects.exists()
    due.appointment.refresh_from_db()
    assert due.appointment.status == AppointmentStatus.BOOKED
    response = client.post(
        _url("session_log", due.pk),
        {"minutes_taken": "200", "skin_reaction": "none", "technique_notes": "Kept"},
    )
    assert "Tick at least one region treated" in response.content.decode()
    assert not SessionLog.objects.exists()


def test_only_the_plans_artists_or_a_manager_may_log(treatment, due, as_user, client):
    url = _url("session_log", due.pk)
    response = client.get(url)
    assert response.status_code == 302 and response.url.endswith(f"?next={url}")
    for outsider in (treatment.artist2, treatment.people.front_desk):
        as_user(outsider)
        assert client.get(url).status_code == 403
        assert client.post(url, _log_data()).status_code == 403
    # A health page: for a client it does not exist (accounts/access.py).
    as_user(treatment.people.client_a)
    assert client.get(url).status_code == 404
    assert client.post(url, _log_data()).status_code == 404
    assert not SessionLog.objects.exists()
    as_user(treatment.people.manager)
    assert client.get(url).status_code == 200
    assert client.get(_url("session_log", 999999)).status_code == 404
    assert client.get(_url("session_healing", 999999)).status_code == 404
    assert client.put(url).status_code == 405
    assert client.delete(_url("session_healing", due.pk)).status_code == 405


def test_the_healing_record_shows_the_last_log_and_saves_judged_regions(treatment, as_user):
    first, second, _ = treatment.sessions
    logged_session(first, {"crown": 4, "left_temple": 2}, focus_next_time="Blend the temples")
    client = as_user(treatment.artist)
    html = client.get(_url("session_healing", second.pk)).content.decode()
    assert "Session 1: what was done" in html
    assert "Crown / vertex: density 4" in html and "Blend the temples" in html
    response = client.post(
        _url("session_healing", second.pk),
        {
            "status_crown": "patchy",
            "note_crown": "Gaps at the whorl",
            "status_left_temple": "retained",
        },
    )
    assert response.status_code == 302
    assert set(second.healing.values_list("region", "status", "note")) == {
        ("crown", "patchy", "Gaps at the whorl"),
        ("left_temple", "retained", ""),
    }
    html = client.get(treatment.plan.get_absolute_url()).content.decode()
    assert "an extra session is likely" in html
    response = client.post(_url("session_healing", second.pk), {"status_scar": "burnt"})
    assert response.status_code == 200
    assert second.healing.count() == 2


def test_a_session_ahead_cannot_be_logged_and_nothing_follows(treatment, as_user):
    """A log records what happened: three days ahead it is refused, with the reason, and no
    aftercare, check-in or message is made."""
    import datetime as dt

    from django.utils import timezone

    from aftercare.models import AftercarePlan, CheckIn
    from reminders.models import Reminder

    first = treatment.sessions[0]
    when = (timezone.now() + dt.timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    past_appointment(first, when=when)
    client = as_user(treatment.artist)
    page = client.get(_url("session_log", first.pk)).content.decode()
    assert "it can be logged once it has started" in page
    response = client.post(_url("session_log", first.pk), _log_data())
    assert response.status_code == 200
    assert "it can be logged once it has started" in response.content.decode()
    assert response.context["form"]["pigment_lot"].value() == "L-2291"  # nothing typed is lost
    assert not SessionLog.objects.filter(session=first).exists()
    assert not AftercarePlan.objects.exists() and not CheckIn.objects.exists()
    assert not Reminder.objects.filter(session=first).exists()
    first.appointment.refresh_from_db()
    assert first.appointment.status == AppointmentStatus.BOOKED


def test_logging_a_confirmed_session_completes_its_appointment(treatment, due, as_user):
    due.appointment.status = AppointmentStatus.CONFIRMED
    due.appointment.save(update_fields=["status"])
    response = as_user(treatment.artist).post(_url("session_log", due.pk), _log_data())
    assert response.status_code == 302
    due.appointment.refresh_from_db()
    assert due.appointment.status == AppointmentStatus.COMPLETED


def test_a_session_whose_appointment_was_cancelled_is_booked_again_first(treatment, due, as_user):
    due.appointment.status = AppointmentStatus.CANCELLED
    due.appointment.save(update_fields=["status"])
    response = as_user(treatment.artist).post(_url("session_log", due.pk), _log_data())
    assert response.status_code == 200
    assert "was cancelled: book the session again" in response.content.decode()
    assert not SessionLog.objects.filter(session=due).exists()


def test_a_new_log_starts_with_the_pigment_and_needles_of_the_last_session(treatment, as_user):
    import datetime as dt

    from django.utils import timezone

    first, second, _ = treatment.sessions
    logged_session(
        first,
        when=(timezone.now() - dt.timedelta(days=20)).replace(minute=0, second=0, microsecond=0),
        pigment_brand="Inkredible",
        pigment_shade="Charcoal 2",
        pigment_dilution="1:3",
        pigment_lot="L-1",
        needle_configuration="1RL 0.18",
    )
    when = (timezone.now() - dt.timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    past_appointment(second, when=when)
    form = as_user(treatment.artist).get(_url("session_log", second.pk)).context["form"]
    assert (
        form.initial["pigment_brand"],
        form.initial["pigment_shade"],
        form.initial["pigment_dilution"],
        form.initial["needle_configuration"],
    ) == ("Inkredible", "Charcoal 2", "1:3", "1RL 0.18")
    assert "pigment_lot" not in form.initial  # read off the bottle in use


def test_the_first_log_starts_with_the_plans_pigment(treatment, due, as_user):
    treatment.plan.pigment = "Zen Charcoal 2 (1:3)"
    treatment.plan.save(update_fields=["pigment"])
    form = as_user(treatment.artist).get(_url("session_log", due.pk)).context["form"]
    assert form.initial["pigment_shade"] == "Zen Charcoal 2 (1:3)"


def test_photos_of_the_session_are_added_from_its_log(treatment, due, as_user):
    from photos.models import Photo
    from photos.tests.fixtures import jpeg_bytes, upload

    artist = as_user(treatment.artist)
    page = artist.get(_url("session_log", due.pk))
    link = page.context["photos_url"]
    assert f'href="{link.replace("&", "&amp;")}"' in page.content.decode()
    form = artist.get(link).context["form"]
    assert form.initial["session"] == due.pk and form.initial["stage"] == "after_session"
    response = artist.post(
        link,
        {
            "uploads": upload(jpeg_bytes(), name="crown.jpg"),
            "angle": "crown",
            "stage": "after_session",
            "session": due.pk,
            "shared_with_client": "on",
        },
    )
    assert response.status_code == 302
    assert response.url == _url("session_log", due.pk)  # back to the log
    assert Photo.objects.get().session_id == due.pk
    # Someone else's session in the address is not chosen.
    other = artist.get(link.replace(f"session={due.pk}", "session=999999")).context["form"]
    assert other.initial.get("session") is None


def test_the_first_log_starts_with_the_consultations_pigment(consult, as_user):
    from consultations import services as consultation_services

    c = consult.consultation
    consultation_services.consultation_update(
        c,
        by=consult.artist,
        estimated_sessions=3,
        pigment_brand="Zen",
        pigment_shade="Charcoal 2",
        pigment_dilution="1:3",
    )
    plan = consultation_services.consultation_proceed(c, by=consult.artist)
    first = plan.sessions.order_by("number").first()
    form = as_user(consult.artist).get(_url("session_log", first.pk)).context["form"]
    assert (
        form.initial["pigment_brand"],
        form.initial["pigment_shade"],
        form.initial["pigment_dilution"],
    ) == ("Zen", "Charcoal 2", "1:3")
