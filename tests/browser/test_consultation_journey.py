"""The whole consultation, as the clinic and the client live it.

A visitor books a free consultation online; the confirmation email carries the
private forms link; on their phone they answer the health questionnaire (one
answer needs an artist's review) and sign both consent forms. The artist signs
in, signs off the review, records the pigment and the patch test, proceeds, and
books the first session — which the diary refuses before the review and the
patch-test reading are done.
"""

import datetime as dt
import re
from importlib import import_module

import pytest
from django.apps import apps
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from consultations.models import ConsentSignature, Consultation, Outcome, QuestionKind
from consultations.questionnaire import current_questionnaire
from consultations.rules import treatment_booking_problem
from reminders.dispatch import dispatch_due
from scheduling.models import Appointment, AppointmentKind
from tests.browser.conftest import bookable_weekday

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def clinic_with_forms(open_clinic):
    defaults = import_module("consultations.migrations.0003_default_questionnaire_and_consent")
    defaults.add_defaults(apps, None)
    return open_clinic


def test_from_online_booking_to_the_first_session(
    browser, live_server, clinic_with_forms, settings, screenshots
):
    settings.SITE_URL = live_server.url
    people = clinic_with_forms
    day = bookable_weekday()
    day_label = f"{day:%A} {day.day} {day:%B}"

    # 1. The visitor books a free consultation on their phone.
    phone = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    phone.set_default_timeout(10_000)
    client_page = phone.new_page()
    client_page.goto("/book/")
    client_page.get_by_role("link", name=re.compile("At the clinic")).click()
    client_page.get_by_role("link", name=f"10:00 on {day_label}").click()
    client_page.get_by_label("First name").fill("Daniel")
    client_page.get_by_label("Last name").fill("Whitaker")
    client_page.get_by_label("Email").fill("daniel@example.com")
    client_page.get_by_label("Mobile phone").fill("07911 123456")
    client_page.get_by_label("The clinic may contact me").check()
    client_page.get_by_role("button", name="Book my free consultation").click()
    expect(client_page.get_by_role("heading", name="Thank you, you are booked")).to_be_visible()

    appointment = Appointment.objects.select_related("client").get()
    consultation = Consultation.objects.get(appointment=appointment)
    assert appointment.type.kind == AppointmentKind.CONSULTATION

    # 2. The confirmation (sent by the dispatcher) carries the forms link.
    assert dispatch_due() == 1
    [email] = mail.outbox
    forms_link = re.search(r"https?://\S+/consultation-forms/\S+/", email.body).group(0)
    client_page.goto(forms_link)
    expect(client_page.get_by_test_id("progress")).to_have_text("0 of 3 done")
    client_page.get_by_test_id("start").click()

    questions = list(current_questionnaire().questions.order_by("position"))
    keloid = next(q for q in questions if q.contraindication)
    for question in questions:
        box = client_page.locator(f"#question-{question.pk}")
        if question.kind == QuestionKind.YES_NO:
            box.get_by_text("Yes" if question == keloid else "No", exact=True).click()
        elif question.required:
            box.locator("textarea").first.fill("None")
    client_page.locator(f"#question-{keloid.pk} textarea").fill("A raised scar on my shoulder")
    client_page.get_by_role("button", name="Send my answers").click()
    for _ in range(2):
        for box in client_page.get_by_test_id("statement").all():
            box.locator("input").check()
        client_page.get_by_label("Type your full name to sign").fill("Daniel Whitaker")
        client_page.get_by_role("button", name="Sign").click()
    expect(client_page.get_by_test_id("done")).to_contain_text("complete")
    assert ConsentSignature.objects.filter(client=appointment.client).count() == 2
    consultation.refresh_from_db()
    assert consultation.review_required and consultation.reviewed_at is None
    phone.close()

    # 3. The artist signs in and opens the consultation from the list.
    desk = browser.new_context(base_url=live_server.url, viewport={"width": 1024, "height": 768})
    desk.set_default_timeout(10_000)
    page = desk.new_page()
    page.goto("/")
    page.get_by_label("Email").fill(people.artist.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(consultation.get_absolute_url())
    expect(page.get_by_test_id("review-banner")).to_contain_text("A raised scar on my shoulder")

    # While the review is open no treatment can be booked for this client.
    problem = treatment_booking_problem(
        client=appointment.client, starts_at=timezone.now() + dt.timedelta(days=14)
    )
    assert problem is not None and problem.code == "review"
    page.get_by_label("Review note").fill("Keloid on the shoulder only; scalp clear. Go ahead.")
    page.get_by_role("button", name="Sign off the review").click()
    expect(page.get_by_test_id("review-done")).to_contain_text("scalp clear")

    record = page.locator("[data-testid=record-form]")
    record.get_by_label("Pigment brand").fill("Zen")
    record.get_by_label("Shade").fill("Charcoal 2")
    record.get_by_label("Dilution").fill("1:3")
    record.get_by_label("Estimated sessions").select_option("3")
    record.locator("#pigment").get_by_role("button", name="Save").click()
    expect(page.get_by_text("Pigment saved.")).to_be_visible()

    applied = timezone.localtime() - dt.timedelta(days=2)
    patch = page.locator("[data-testid=patch-form]")
    patch.get_by_label("Date").fill(applied.date().isoformat())
    patch.get_by_label("Time").fill(applied.strftime("%H:%M"))
    patch.get_by_label("Where on the skin").fill("Behind the left ear")
    patch.get_by_role("button", name="Save the patch test").click()
    read = page.locator("[data-testid=read-form]")
    read.get_by_label("No reaction").check()
    read.get_by_role("button", name="Save the reading").click()
    expect(page.get_by_text("Patch test read: no reaction.")).to_be_visible()

    outcome = page.locator("[data-testid=outcome-form]")
    outcome.get_by_label("Proceed").check()
    outcome.get_by_role("button", name="Save the outcome").click()
    expect(page.get_by_role("heading", name=re.compile("Book the first session"))).to_be_visible()
    first_day = day + dt.timedelta(days=7)
    while first_day.weekday() >= 5:
        first_day += dt.timedelta(days=1)
    page.get_by_label("Date").fill(first_day.isoformat())
    page.get_by_label("Time").fill("10:00")
    page.get_by_role("button", name="Book session 1").click()
    expect(page.get_by_text("Session 1 booked")).to_be_visible()
    page.screenshot(path=screenshots / "consultation-journey-booked.png", full_page=True)
    desk.close()

    consultation.refresh_from_db()
    assert consultation.outcome == Outcome.PROCEED
    plan = consultation.plan
    assert (plan.planned_sessions, plan.pigment) == (3, "Zen Charcoal 2 (1:3)")
    first = plan.sessions.select_related("appointment").get(number=1)
    assert timezone.localtime(first.appointment.starts_at).date() == first_day
    assert first.appointment.client == appointment.client
