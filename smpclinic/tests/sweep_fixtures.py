"""The clinic of the permission sweep: Anna (client A) owns one of everything.

`build_clinic(people, settings)` is shared by the sweep (smpclinic/tests/
test_permission_sweep.py), the fuzzing tests (tests/fuzz) and the browser's
Content-Security-Policy check; the six visitors are the root conftest's `people`
(and nobody signed in).
"""

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from photos.tests.fixtures import jpeg_bytes, upload


def build_clinic(people, settings) -> SimpleNamespace:
    """A working clinic where Anna (client A) owns one of everything."""
    from aftercare.links import check_in_token_for
    from aftercare.models import CheckIn
    from consultations.links import forms_token_for
    from consultations.models import ConsentSignature, Consultation, HairlineStyle
    from consultations.services import hairline_design_add
    from consultations.tests.factories import flag_for_review, patch_test_row, sign_all_consent
    from photos.models import PhotoAngle, PhotoStage
    from photos.services import photo_add
    from reminders.models import Reminder
    from scheduling import public_views
    from scheduling.booking import booking_create
    from scheduling.confirm_tokens import confirm_token_for
    from scheduling.models import CalendarFeed
    from scheduling.public_forms import format_start
    from scheduling.tests.diary_fixtures import open_the_clinic
    from scheduling.tokens import manage_token_for
    from sessions_app import plans
    from sessions_app.tests.fixtures import logged_session
    from tests.clock import MONDAY, at, weekday_ahead

    settings.TIME_ZONE = "Europe/London"
    opened = open_the_clinic(people, rooms=("Room 1",), saturday_closes=dt.time(18))
    alex, room = opened.alex, opened.room1

    consultation_type = opened.consultation
    appointment = booking_create(
        client=people.record_a,
        appointment_type=consultation_type,
        artist=people.artist,
        starts_at=at(MONDAY, "10:00"),
        by=people.front_desk,
    )
    consultation = Consultation.objects.get(appointment=appointment)
    flag_for_review(consultation)
    signatures = sign_all_consent(people.record_a, consultation=consultation)
    signature = (
        signatures[0]
        if signatures
        else ConsentSignature.objects.filter(client=people.record_a).first()
    )
    patch_test = patch_test_row(consultation, read_after=timezone.now() - dt.timedelta(days=1))
    photo = photo_add(
        client=people.record_a,
        angle=PhotoAngle.FRONT,
        stage=PhotoStage.CONSULTATION,
        upload=upload(jpeg_bytes()),
        by=people.artist,
    )
    hairline = hairline_design_add(
        consultation=consultation, by=people.artist, style=HairlineStyle.choices[0][0]
    )

    plan = plans.plan_create(
        client=people.record_a,
        lead_artist=people.artist,
        planned_sessions=3,
        pigment="Charcoal 2",
        hairline_design="Soft, slightly receded at the temples",
        target_look="Short buzz cut",
        by=people.front_desk,
    )
    sessions = list(plan.sessions.order_by("number"))
    log = logged_session(sessions[0])
    check_in = CheckIn.objects.filter(client=people.record_a).order_by("pk").first()
    reminder = Reminder.objects.filter(client=people.record_a).order_by("pk").first()
    # A text message from Anna waiting at the desk.
    from reminders.inbound import inbound_receive

    inbound = inbound_receive(
        provider_message_id="SMsweep0000000000000000000000001",
        from_number=people.record_a.phone.as_e164,
        body="Can I wash my hair tonight?",
    )
    feed = CalendarFeed.objects.create(artist=people.artist)
    erasure = _erasure_request(people.record_a)
    from billing.models import Deposit
    from billing.online import pay_token

    deposit = Deposit.objects.create(appointment=appointment, client=people.record_a, amount=50)
    from billing import ledger

    payment = ledger.record_payment(
        client=people.record_a, amount="50", method="cash", description="Deposit"
    )

    # Anna waits for a sooner consultation; a time freed with Alex was offered to her.
    from waitlist import services as waitlist_services
    from waitlist.models import FreedTime
    from waitlist.tokens import claim_token

    waiting = waitlist_services.entry_add(
        client=people.record_a, appointment_type=consultation_type, by=people.front_desk
    )
    freed = FreedTime.objects.create(
        artist=alex,
        starts_at=at(weekday_ahead(4), "11:00"),
        ends_at=at(weekday_ahead(4), "12:00"),
        why="Cancelled",
    )
    offer = waitlist_services.offer_by_hand(freed, waiting, by=people.front_desk)

    # A free time for the online booking pages, a few working days ahead.
    free_start = at(weekday_ahead(3), "14:00")
    confirmed_url = public_views._confirmed_url(appointment)

    return SimpleNamespace(
        people=people,
        alex=alex,
        room=room,
        client=people.record_a,
        other_client=people.record_b,
        appointment=appointment,
        consultation=consultation,
        signature=signature,
        patch_test=patch_test,
        photo=photo,
        hairline=hairline,
        plan=plan,
        sessions=sessions,
        log=log,
        check_in=check_in,
        reminder=reminder,
        inbound=inbound,
        feed=feed,
        day=MONDAY,
        today=timezone.localdate(),
        erasure=erasure,
        payment=payment,
        free_start=format_start(free_start),
        tokens=SimpleNamespace(
            confirmed=confirmed_url.rstrip("/").rsplit("/", 1)[-1],
            forms=forms_token_for(consultation),
            check_in=check_in_token_for(check_in) if check_in else "none",
            manage=manage_token_for(appointment),
            confirm=confirm_token_for(appointment),
            feed=feed.token,
            portal_signin=_portal_signin_token(people.record_a),
            pay=pay_token(deposit),
            offer=claim_token(offer),
        ),
        waitlist_entry=waiting,
        freed=freed,
    )


def _portal_signin_token(client) -> str:
    """A one-time sign-in link of the client portal, as its email would carry."""
    import secrets

    try:
        from portal import signin
        from portal.models import LoginLink
    except ImportError:  # pragma: no cover - the portal is optional here
        return "none"
    token = secrets.token_urlsafe(32)
    LoginLink.objects.create(
        client=client,
        token_sha256=signin.token_hash(token),
        expires_at=timezone.now() + signin.LINK_LIFETIME,
    )
    return token


def _erasure_request(client):
    try:
        from privacy.models import ErasureRequest
    except ImportError:  # pragma: no cover - the privacy app is optional here
        return None
    return ErasureRequest.objects.create(client=client, reason="Moving abroad")
