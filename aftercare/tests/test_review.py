"""Artists review check-ins from a queue; their proposals reach the front desk."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from aftercare import services
from aftercare.models import CheckIn, CheckInKind, CheckInStatus, Proposal
from photos.models import PhotoStage
from photos.services import photo_add
from reminders.models import Reminder, ReminderKind, ReminderStatus
from sessions_app import plans
from sessions_app.models import RegionHealing, SessionKind
from tests.clock import MONDAY

from .conftest import log, photo

QUEUE = reverse("aftercare:queue")
PROPOSALS = reverse("aftercare:proposals")


def submit(check_in, **photos):
    return services.check_in_submit(
        check_in=check_in,
        photos=photos or {"front": photo()},
        redness="mild",
        itching="none",
        region_views={"crown": {"look": "patchy", "note": "Lighter on the left"}},
        questions="Is the patchiness normal?",
    )


def review_url(check_in):
    return reverse("aftercare:review", args=[check_in.pk])


def review_data(**extra):
    data = {
        "status_crown": "patchy",
        "healing_note_crown": "Left side of the crown faded",
        "status_frontal_hairline": "retained",
        "healing_note_frontal_hairline": "",
        "reply": "Patchiness is normal after the first session; we fill it in next time.",
        "proposal": "",
        "proposal_note": "",
    }
    data.update(extra)
    return data


@pytest.fixture
def sent(fade):
    submit(fade.check_in)
    fade.check_in.refresh_from_db()
    return fade


# --- the queue -------------------------------------------------------------------------------


def test_the_queue_lists_sent_check_ins_oldest_first(sent, as_user):
    other = plans.plan_create(client=sent.other_client, lead_artist=sent.artist)
    later_session = other.sessions.get(number=1)
    log(later_session, day=MONDAY + dt.timedelta(days=1), regions={"crown": 2})
    submit(CheckIn.objects.get(session=later_session))

    page = as_user(sent.artist).get(QUEUE).content.decode()
    assert page.index("Anna Ashby") < page.index("Ben Barker")
    assert reverse("photos:image", args=[sent.check_in.photos.get().pk, "thumb"]) in page
    assert "Session 1" in page
    assert "no-store" in as_user(sent.artist).get(QUEUE)["Cache-Control"]


def test_invited_and_reviewed_check_ins_are_not_in_the_queue(fade, as_user):
    page = as_user(fade.artist).get(QUEUE).content.decode()
    assert "No check-ins waiting" in page
    assert "Anna Ashby" not in page


def test_the_queue_takes_the_same_queries_whatever_its_length(
    sent, as_user, django_assert_max_num_queries
):
    browser = as_user(sent.artist)
    browser.get(QUEUE)  # session and user rows warmed up
    with django_assert_max_num_queries(6) as few:
        browser.get(QUEUE)
    for number in (2, 3):
        session = sent.plan.sessions.get(number=number)
        log(session, day=MONDAY + dt.timedelta(days=7 * (number - 1)))
        submit(CheckIn.objects.get(session=session, kind=CheckInKind.FADE), top=photo())
    for kind in CheckInKind:
        for check_in in CheckIn.objects.filter(kind=kind, status=CheckInStatus.INVITED):
            submit(check_in, crown=photo(), front=photo())
    assert CheckIn.objects.filter(status=CheckInStatus.SUBMITTED).count() == 4
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = browser.get(QUEUE).content.decode()
    assert page.count('data-testid="check-in-row"') == 4


def test_who_may_open_the_queue(sent, as_user, client):
    response = client.get(QUEUE)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert as_user(sent.people.client_a).get(QUEUE).status_code == 404
    for person in (sent.people.front_desk, sent.people.manager, sent.artist):
        assert as_user(person).get(QUEUE).status_code == 200
    assert as_user(sent.artist).post(QUEUE).status_code == 405


# --- the review page ---------------------------------------------------------------------------


def test_the_review_page_shows_the_photos_next_to_the_after_session_photos(sent, as_user):
    after = photo_add(
        client=sent.client,
        angle="front",
        stage=PhotoStage.AFTER_SESSION,
        upload=photo(),
        session=sent.session,
        by=sent.artist,
    )
    page = as_user(sent.artist).get(review_url(sent.check_in)).content.decode()
    assert reverse("photos:image", args=[sent.check_in.photos.get().pk, "web"]) in page
    assert reverse("photos:image", args=[after.pk, "web"]) in page
    assert "Lighter on the left" in page and "Is the patchiness normal?" in page
    assert "Send the reply" in page
    assert "healing before session 2" in page


def test_the_front_desk_can_read_a_check_in_but_not_review_it(sent, as_user):
    browser = as_user(sent.people.front_desk)
    page = browser.get(review_url(sent.check_in)).content.decode()
    assert "Is the patchiness normal?" in page
    assert "Send the reply" not in page
    assert browser.post(review_url(sent.check_in), review_data()).status_code == 403
    assert CheckIn.objects.get(pk=sent.check_in.pk).status == CheckInStatus.SUBMITTED


def test_a_client_cannot_open_a_review_page(sent, as_user):
    assert as_user(sent.people.client_a).get(review_url(sent.check_in)).status_code == 404
    assert as_user(sent.people.client_b).get(review_url(sent.check_in)).status_code == 404


def test_another_artist_may_look_but_not_review(sent, as_user):
    browser = as_user(sent.artist2)
    assert "Send the reply" not in browser.get(review_url(sent.check_in)).content.decode()
    assert browser.post(review_url(sent.check_in), review_data()).status_code == 403


def test_an_unknown_check_in_is_not_found(sent, as_user):
    assert as_user(sent.artist).get(reverse("aftercare:review", args=[99999])).status_code == 404


def test_the_artist_reviews_records_healing_replies_and_proposes(sent, as_user):
    response = as_user(sent.artist).post(
        review_url(sent.check_in),
        review_data(proposal=Proposal.EXTRA_SESSION, proposal_note="Crown needs one more pass"),
    )

    assert response.status_code == 302 and response["Location"] == QUEUE
    check_in = CheckIn.objects.get(pk=sent.check_in.pk)
    assert check_in.status == CheckInStatus.REVIEWED
    assert check_in.reviewed_by == sent.artist
    assert check_in.reply.startswith("Patchiness is normal")
    assert check_in.healing == {
        "crown": {"status": "patchy", "note": "Left side of the crown faded"},
        "frontal_hairline": {"status": "retained", "note": ""},
    }
    assert (check_in.proposal, check_in.proposal_note) == (
        Proposal.EXTRA_SESSION,
        "Crown needs one more pass",
    )
    # The healing is what session 2 starts from.
    second = sent.plan.sessions.get(number=2)
    assert dict(RegionHealing.objects.filter(session=second).values_list("region", "status")) == {
        "crown": "patchy",
        "frontal_hairline": "retained",
    }
    reply = Reminder.objects.get(key=f"check-in:{check_in.pk}:reply")
    assert reply.kind == ReminderKind.CHECK_IN_REPLY
    assert reply.status == ReminderStatus.PENDING
    assert reply.due_at <= timezone.now()
    assert reply.data == {"check_in_id": check_in.pk}
    assert "Anna Ashby" not in as_user(sent.artist).get(QUEUE).content.decode()


def test_a_reply_is_required_and_nothing_typed_is_lost(sent, as_user):
    response = as_user(sent.artist).post(review_url(sent.check_in), review_data(reply="  "))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Write a reply to the client." in page
    assert "Left side of the crown faded" in page
    assert CheckIn.objects.get(pk=sent.check_in.pk).status == CheckInStatus.SUBMITTED
    assert not RegionHealing.objects.exists()
    assert not Reminder.objects.filter(kind=ReminderKind.CHECK_IN_REPLY).exists()


def test_a_proposal_needs_a_note_and_wrong_values_are_refused(sent, as_user):
    browser = as_user(sent.artist)
    page = browser.post(
        review_url(sent.check_in), review_data(proposal=Proposal.TOUCH_UP)
    ).content.decode()
    assert "Tell the front desk what to book." in page
    page = browser.post(
        review_url(sent.check_in), review_data(status_crown="glowing", proposal="everything")
    ).content.decode()
    assert "Choose retained, faded, patchy or over-saturated." in page
    assert "Choose what you propose." in page or "Select a valid choice" in page
    assert CheckIn.objects.get(pk=sent.check_in.pk).status == CheckInStatus.SUBMITTED


def test_with_no_later_session_the_healing_stays_with_the_check_in(treatment, as_user):
    third = treatment.sessions[2]
    log(third)
    final = CheckIn.objects.get(session=third, kind=CheckInKind.FINAL)
    submit(final)
    page = as_user(treatment.artist).get(review_url(final)).content.decode()
    assert "kept with this check-in only" in page

    services.check_in_review(
        check_in=final, by=treatment.artist, reply="All settled.", healing={"crown": ("faded", "")}
    )
    final.refresh_from_db()
    assert final.healing == {"crown": {"status": "faded", "note": ""}}
    assert not RegionHealing.objects.exists()


def test_a_check_in_cannot_be_reviewed_before_it_is_sent_or_twice(fade):
    with pytest.raises(ValidationError, match="not sent this check-in yet"):
        services.check_in_review(check_in=fade.check_in, by=fade.artist, reply="Hi")
    submit(fade.check_in)
    services.check_in_review(check_in=fade.check_in, by=fade.artist, reply="Hi")
    with pytest.raises(ValidationError, match="already been reviewed"):
        services.check_in_review(check_in=fade.check_in, by=fade.artist, reply="Again")
    assert Reminder.objects.filter(kind=ReminderKind.CHECK_IN_REPLY).count() == 1


def test_healing_only_for_regions_treated(sent):
    with pytest.raises(ValidationError):
        services.check_in_review(
            check_in=sent.check_in, by=sent.artist, reply="Hi", healing={"scar": ("faded", "")}
        )


# --- proposals ---------------------------------------------------------------------------------


@pytest.fixture
def proposed(sent):
    services.check_in_review(
        check_in=sent.check_in,
        by=sent.artist,
        reply="We will add one more session for the crown.",
        healing={"crown": ("patchy", "")},
        proposal=Proposal.EXTRA_SESSION,
        proposal_note="Crown needs one more pass",
    )
    return sent


def test_the_front_desk_sees_the_proposal(proposed, as_user, django_assert_max_num_queries):
    browser = as_user(proposed.people.front_desk)
    browser.get(PROPOSALS)
    with django_assert_max_num_queries(6):
        page = browser.get(PROPOSALS).content.decode()
    assert "Sam proposes an extra session for Anna Ashby" in page
    assert "Crown needs one more pass" in page


def test_adding_the_extra_session_marks_the_proposal_handled(proposed, as_user):
    browser = as_user(proposed.people.front_desk)
    url = reverse("aftercare:proposal_handled", args=[proposed.check_in.pk])

    response = browser.post(url, {"add_session": "1"})

    assert response["Location"] == PROPOSALS
    extra = proposed.plan.sessions.get(kind=SessionKind.EXTRA)
    assert (extra.number, extra.extra_note) == (4, "Crown needs one more pass")
    check_in = CheckIn.objects.get(pk=proposed.check_in.pk)
    assert check_in.proposal_handled_at is not None
    assert check_in.proposal_handled_by == proposed.people.front_desk
    assert "No proposals waiting" in browser.get(PROPOSALS).content.decode()
    # A second press (another tab) adds nothing more.
    browser.post(url, {"add_session": "1"})
    assert proposed.plan.sessions.filter(kind=SessionKind.EXTRA).count() == 1


def test_marking_handled_without_adding_a_session(proposed, as_user):
    as_user(proposed.people.manager).post(
        reverse("aftercare:proposal_handled", args=[proposed.check_in.pk])
    )
    assert CheckIn.objects.get(pk=proposed.check_in.pk).proposal_handled_at is not None
    assert not proposed.plan.sessions.filter(kind=SessionKind.EXTRA).exists()


def test_who_may_handle_proposals(proposed, as_user):
    url = reverse("aftercare:proposal_handled", args=[proposed.check_in.pk])
    assert as_user(proposed.artist).get(PROPOSALS).status_code == 403
    assert as_user(proposed.artist).post(url).status_code == 403
    assert as_user(proposed.people.client_a).get(PROPOSALS).status_code == 404
    assert as_user(proposed.people.front_desk).get(url).status_code == 405
    assert CheckIn.objects.get(pk=proposed.check_in.pk).proposal_handled_at is None


def test_a_touch_up_proposal_adds_a_touch_up(sent, as_user):
    services.check_in_review(
        check_in=sent.check_in,
        by=sent.people.manager,
        reply="A touch-up in a year.",
        proposal=Proposal.TOUCH_UP,
        proposal_note="Hairline",
    )
    as_user(sent.people.front_desk).post(
        reverse("aftercare:proposal_handled", args=[sent.check_in.pk]), {"add_session": "1"}
    )
    assert sent.plan.sessions.filter(kind=SessionKind.TOUCH_UP).count() == 1
