"""The client sends a check-in through the private link (or signed in): once, privately."""

import datetime as dt
import threading
import time

import pytest
from django.core import signing
from django.urls import reverse

from aftercare import services
from aftercare.links import (
    CheckInLinkExpired,
    CheckInLinkInvalid,
    check_in_from_token,
    check_in_token_for,
    check_in_url,
)
from aftercare.models import CheckIn, CheckInKind, CheckInStatus
from photos.models import Photo, PhotoStage
from tests.clock import MONDAY

from .conftest import log, photo


def form_url(token):
    return reverse("check_in:form", args=[token])


def answers(**extra):
    data = {
        "redness": "mild",
        "itching": "none",
        "look_frontal_hairline": "even",
        "note_frontal_hairline": "",
        "look_crown": "patchy",
        "note_crown": "A lighter patch on the left of the crown",
        "questions": "Can I go to the gym on Saturday?",
    }
    data.update(extra)
    return data


def stored_files(photo_store):
    return [p for p in photo_store.rglob("*") if p.is_file()] if photo_store.exists() else []


# --- the link -------------------------------------------------------------------------------


def test_the_link_names_its_check_in_and_is_absolute(fade, settings):
    settings.SITE_URL = "https://clinic.example"
    url = check_in_url(fade.check_in)
    assert url.startswith("https://clinic.example/check-in/")
    assert check_in_from_token(url.rstrip("/").rsplit("/", 1)[1]) == fade.check_in


def test_an_altered_link_is_refused(fade):
    with pytest.raises(CheckInLinkInvalid):
        check_in_from_token(fade.token[:-2] + "xx")
    with pytest.raises(CheckInLinkInvalid):  # signed for something else
        check_in_from_token(signing.dumps(fade.check_in.pk, salt="scheduling.manage-appointment"))


def test_a_link_older_than_sixty_days_has_expired(fade, client, monkeypatch):
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 61 * 24 * 3600)
    with pytest.raises(CheckInLinkExpired):
        check_in_from_token(fade.token)
    response = client.get(form_url(fade.token))
    assert response.status_code == 404
    assert "Check-in links work for 60 days" in response.content.decode()
    assert "Anna" not in response.content.decode()


def test_an_altered_link_shows_a_page_that_names_nobody(fade, client):
    response = client.get(form_url(fade.token + "x"))
    assert response.status_code == 404
    page = response.content.decode()
    assert "This link no longer works" in page
    assert "Anna" not in page


# --- the form -------------------------------------------------------------------------------


def test_the_page_asks_about_the_regions_treated_in_that_session(fade, client):
    response = client.get(form_url(fade.token))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Hello Anna" in page
    assert "Frontal hairline" in page and "Crown / vertex" in page
    assert "Scar" not in page  # not treated in this session
    assert "Ben" not in page
    assert "no-store" in response["Cache-Control"]


def test_a_token_shows_only_its_own_clients_check_in(fade, client):
    other_plan_session = _bens_session(fade)
    bens = CheckIn.objects.get(session=other_plan_session, kind=CheckInKind.FADE)
    page = client.get(form_url(check_in_token_for(bens))).content.decode()
    assert "Hello Ben" in page and "Anna" not in page


def _bens_session(fade):
    from sessions_app import plans

    plan = plans.plan_create(client=fade.other_client, lead_artist=fade.artist)
    session = plan.sessions.get(number=1)
    log(session, day=MONDAY + dt.timedelta(days=1), regions={"scar": 3})
    return session


def test_sending_stores_the_photos_through_the_pipeline_and_the_answers(fade, client):
    data = answers(
        photo_front=photo("front.jpg"), photo_crown=photo("crown.jpg", width=600, height=400)
    )
    response = client.post(form_url(fade.token), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("check_in:thanks", args=[fade.token])
    check_in = CheckIn.objects.get(pk=fade.check_in.pk)
    assert check_in.status == CheckInStatus.SUBMITTED
    assert check_in.submitted_at is not None
    assert (check_in.redness, check_in.itching) == ("mild", "none")
    assert check_in.region_views == {
        "frontal_hairline": {"look": "even", "note": ""},
        "crown": {"look": "patchy", "note": "A lighter patch on the left of the crown"},
    }
    assert check_in.client_questions == "Can I go to the gym on Saturday?"
    photos = list(check_in.photos.order_by("angle"))
    assert [(p.angle, p.stage, p.session_id) for p in photos] == [
        ("crown", PhotoStage.CHECK_IN, fade.session.pk),
        ("front", PhotoStage.CHECK_IN, fade.session.pk),
    ]
    assert all(p.client == fade.client and p.thumbnail.name for p in photos)

    thanks = client.get(response["Location"]).content.decode()
    assert "Thank you, Anna" in thanks


def test_the_link_used_twice_stores_one_check_in(fade, client, photo_store):
    client.post(form_url(fade.token), answers(photo_front=photo()))
    files = len(stored_files(photo_store))

    again = client.post(form_url(fade.token), answers(photo_top=photo(), questions="Second"))

    assert again.status_code == 200
    assert "Already sent, thank you" in again.content.decode()
    assert Photo.objects.count() == 1
    assert len(stored_files(photo_store)) == files
    assert CheckIn.objects.get(pk=fade.check_in.pk).client_questions.startswith("Can I")
    reopened = client.get(form_url(fade.token)).content.decode()
    assert "Check-in sent" in reopened and "not replied yet" in reopened


def test_submitting_twice_through_the_service_refuses_the_second(fade):
    services.check_in_submit(
        check_in=fade.check_in, photos={"front": photo()}, redness="none", itching="none"
    )
    with pytest.raises(services.CheckInAlreadySent):
        services.check_in_submit(
            check_in=fade.check_in, photos={"top": photo()}, redness="mild", itching="mild"
        )
    assert Photo.objects.count() == 1


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_tap_stores_one_check_in(fade, photo_store):
    """Two requests at the same moment: the row lock lets one in; the other sees it sent."""
    results, barrier = [], threading.Barrier(2)

    def send(angle):
        from django.db import connections

        try:
            barrier.wait()
            services.check_in_submit(
                check_in=fade.check_in, photos={angle: photo()}, redness="none", itching="none"
            )
            results.append("stored")
        except services.CheckInAlreadySent:
            results.append("already sent")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(angle,)) for angle in ("front", "top")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["already sent", "stored"]
    check_in = CheckIn.objects.get(pk=fade.check_in.pk)
    assert check_in.photos.count() == 1
    assert Photo.objects.count() == 1
    assert len(stored_files(photo_store)) == 2  # one web copy, one thumbnail


def test_a_fake_photo_is_refused_and_the_answers_are_kept(fade, client, photo_store):
    from photos.tests.fixtures import upload

    response = client.post(
        form_url(fade.token),
        answers(
            photo_front=photo("good.jpg"),
            photo_top=upload(b"this is not a picture", name="top.jpg"),
        ),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was sent yet" in page and "choose your photos again" in page
    assert "top.jpg" in page  # the refused file is named next to its field
    assert "Can I go to the gym on Saturday?" in page
    assert "A lighter patch on the left of the crown" in page
    assert 'value="mild" autocomplete="off" checked' in page
    assert Photo.objects.count() == 0
    assert stored_files(photo_store) == []  # the good photo's files were removed too
    assert CheckIn.objects.get(pk=fade.check_in.pk).status == CheckInStatus.INVITED


def test_a_huge_photo_is_refused_with_a_clear_message(fade, client, settings):
    from photos.tests.fixtures import jpeg_bytes, upload

    response = client.post(
        form_url(fade.token),
        answers(photo_front=upload(jpeg_bytes(width=9000, height=9000, quality=20))),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was sent yet" in page
    assert Photo.objects.count() == 0


def test_at_least_one_photo_and_the_answers_are_required(fade, client):
    response = client.post(form_url(fade.token), {"questions": "Hello"})
    page = response.content.decode()
    assert "Add at least one photo of your scalp." in page
    assert "Choose how red your scalp is." in page
    assert "Choose how much it itches." in page
    assert "Hello" in page
    assert CheckIn.objects.get(pk=fade.check_in.pk).status == CheckInStatus.INVITED


def test_wrong_values_are_refused_next_to_their_field(fade, client):
    response = client.post(
        form_url(fade.token),
        answers(photo_front=photo(), redness="purple", look_crown="sparkly", questions="x" * 2001),
    )
    page = response.content.decode()
    assert "Choose none, mild, moderate or strong." in page
    assert "Choose one of the descriptions." in page
    assert "Keep it under 2000 characters." in page
    assert Photo.objects.count() == 0


def test_the_service_refuses_regions_not_treated(fade):
    with pytest.raises(Exception) as error:
        services.check_in_submit(
            check_in=fade.check_in,
            photos={"front": photo()},
            redness="none",
            itching="none",
            region_views={"scar": {"look": "even"}},
        )
    assert "region_views" in error.value.message_dict
    assert Photo.objects.count() == 0


def test_get_and_post_only(fade, client):
    assert client.put(form_url(fade.token)).status_code == 405
    assert client.post(reverse("check_in:thanks", args=[fade.token])).status_code == 405


# --- signed in -----------------------------------------------------------------------------


def test_a_signed_in_client_sends_their_own_check_in(fade, as_user):
    browser = as_user(fade.people.client_a)
    url = reverse("check_in:mine", args=[fade.check_in.pk])
    assert "Hello Anna" in browser.get(url).content.decode()

    response = browser.post(url, answers(photo_hairline=photo()))

    assert response["Location"] == reverse("check_in:mine_thanks", args=[fade.check_in.pk])
    check_in = CheckIn.objects.get(pk=fade.check_in.pk)
    assert check_in.status == CheckInStatus.SUBMITTED
    assert check_in.photos.get().uploaded_by == fade.people.client_a


def test_another_clients_check_in_is_not_found(fade, as_user, client):
    url = reverse("check_in:mine", args=[fade.check_in.pk])
    assert as_user(fade.people.client_b).get(url).status_code == 404
    assert as_user(fade.people.artist).get(url).status_code == 404
    assert client.get(reverse("check_in:mine", args=[999999])).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


def test_the_reply_shows_when_the_client_opens_the_link_again(fade, client):
    services.check_in_submit(
        check_in=fade.check_in, photos={"front": photo()}, redness="none", itching="none"
    )
    services.check_in_review(
        check_in=fade.check_in, by=fade.artist, reply="Healing nicely. See you next week!"
    )
    page = client.get(form_url(fade.token)).content.decode()
    assert "Your artist replied" in page
    assert "Healing nicely. See you next week!" in page


def test_the_thank_you_page_says_how_to_reach_the_clinic(fade, client, settings):
    settings.CLINIC_PHONE = "+44 20 7946 0000"
    settings.CLINIC_EMAIL = ""
    settings.DEFAULT_FROM_EMAIL = "Hairline Studio <hello@hairline.example>"
    response = client.post(form_url(fade.token), answers(photo_front=photo("front.jpg")))
    thanks = client.get(response["Location"]).content.decode()
    assert 'href="tel:+44 20 7946 0000"' in thanks
    # No separate clinic address: replies go to the address the emails come from.
    assert 'href="mailto:hello@hairline.example"' in thanks
    assert "Please contact the clinic." not in thanks
