"""The artist's day and the manager's to-do list: what each sees, what they must not see,
and a fixed number of queries however much there is.

Dates come from tests/clock.py (today on the clinic's clock, days ago, weekdays ahead), so
nothing here depends on the date the suite runs.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aftercare.models import CheckIn, CheckInKind, CheckInStatus
from consultations.consent import consent_version_copy_as_draft, consent_version_publish
from consultations.models import ConsentVersion, Consultation, PatchReading
from consultations.tests.factories import flag_for_review, patch_test_row
from privacy.models import ErasureRequest
from reports.tests.fixtures import money_clinic, outcomes_clinic
from scheduling.models import Appointment, AppointmentStatus
from sessions_app import plans
from sessions_app.tests.fixtures import logged_session, past_appointment
from smpclinic.home_pages import trend
from smpclinic.tests.home_fixtures import (
    appointment,
    ben_plan_with_alex,
    consultation_today,
    failed_message,
    stale_review,
    submitted_check_in,
)
from tests.clock import at, day, days_ago, today, weekday_ahead

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def section(html: str, testid: str) -> str:
    """The part of the page inside one list (empty when the list is not shown)."""
    if f'data-testid="{testid}"' not in html:
        return ""
    return html.split(f'data-testid="{testid}"')[1].split("</section>")[0]


# --- My day ------------------------------------------------------------------------------------


def test_my_day_shows_the_plan_session_and_what_each_appointment_waits_for(treatment, as_user):
    sam, alex = treatment.artist, treatment.artist2
    # Anna's second session today with Sam; the clinic has since published a new consent
    # version, and an older consultation of hers still waits for its contraindication review.
    past_appointment(treatment.sessions[1], when=at(today(), "10:00"))
    v1 = ConsentVersion.objects.get(template__slug="smp-treatment", number=1)
    consent_version_publish(version=consent_version_copy_as_draft(version=v1))
    flagged = Consultation.objects.create(client=treatment.client, artist=sam)
    flag_for_review(flagged)
    # Ben's consultation this afternoon with Sam: no questionnaire yet, and a patch test that
    # cannot be read until tomorrow.
    ben = consultation_today(treatment.other_client, sam, "15:00")
    patch_test_row(
        ben, read_after=timezone.now() + dt.timedelta(days=1), reading=PatchReading.PENDING
    )
    # Alex's appointment today must not be on Sam's page.
    consultation_today(treatment.other_client, alex, "12:00")

    html = as_user(sam).get(HOME).content.decode()
    day = section(html, "my-day")
    rows = day.split('<li class="day-row')[1:]
    assert len(rows) == 2
    anna_row, ben_row = rows
    assert "10:00" in anna_row and "Anna Ashby" in anna_row
    assert "Session 2 of 3" in anna_row
    assert 'data-flag="review"' in anna_row
    assert flagged.get_absolute_url() in anna_row
    assert 'data-flag="consent"' in anna_row and "Consent to sign" in anna_row
    assert "15:00" in ben_row and "Ben Barker" in ben_row and "Consultation" in ben_row
    assert 'data-flag="forms"' in ben_row and "health questionnaire" in ben_row
    # At a consultation the new consent version is one of the forms to do, not a re-signing.
    assert "1 consent form" in ben_row and 'data-flag="consent"' not in ben_row
    assert 'data-flag="patch_test_too_early"' in ben_row
    assert 'data-flag="review"' not in ben_row
    assert "12:00" not in day
    assert 'data-count="my-day">2<' in html


def test_a_patch_test_ready_to_read_says_so(treatment, as_user):
    consultation = consultation_today(treatment.client, treatment.artist, "11:00")
    patch_test_row(consultation, read_after=days_ago(1), reading=PatchReading.PENDING)
    html = as_user(treatment.artist).get(HOME).content.decode()
    assert 'data-flag="patch_test_pending"' in section(html, "my-day")
    assert "Patch test not read yet" in html


def test_an_empty_day_and_empty_lists_say_so(treatment, as_user):
    html = as_user(treatment.artist).get(HOME).content.decode()
    assert "No appointments today." in html
    assert "No check-ins waiting for you." in html
    assert "Every session you have done is logged." in html
    assert 'data-count="check-ins">0<' in html and 'data-count="to-log">0<' in html


# --- Check-ins to review ----------------------------------------------------------------------


def test_an_artist_reviews_only_the_check_ins_of_plans_they_lead(treatment, as_user):
    anna_old = submitted_check_in(treatment.sessions[0], days=3)
    anna_new = submitted_check_in(treatment.sessions[1], days=1)
    CheckIn.objects.create(
        client=treatment.client,
        session=treatment.sessions[2],
        kind=CheckInKind.FADE,
        status=CheckInStatus.REVIEWED,
        submitted_at=days_ago(5),
    )
    bens = ben_plan_with_alex(treatment)
    ben_session = bens.sessions.order_by("number").first()
    ben_check_in = submitted_check_in(ben_session, days=2)

    sam_html = as_user(treatment.artist).get(HOME).content.decode()
    sam_list = section(sam_html, "check-ins-to-review")
    assert sam_list.index(f'data-check-in="{anna_old.pk}"') < sam_list.index(
        f'data-check-in="{anna_new.pk}"'
    )  # oldest first
    assert reverse("aftercare:review", args=[anna_old.pk]) in sam_list
    assert f'data-check-in="{ben_check_in.pk}"' not in sam_html
    assert "Ben Barker" not in sam_list
    assert 'data-count="check-ins">2<' in sam_html

    alex_html = as_user(treatment.artist2).get(HOME).content.decode()
    alex_list = section(alex_html, "check-ins-to-review")
    assert f'data-check-in="{ben_check_in.pk}"' in alex_list
    assert "Anna Ashby" not in alex_list
    assert 'data-count="check-ins">1<' in alex_html


# --- Sessions not yet logged ------------------------------------------------------------------


def test_sessions_not_yet_logged_are_this_artists_past_unlogged_ones(treatment, as_user):
    first, second, third = treatment.sessions
    logged_session(first, when=days_ago(14))
    past_appointment(second, when=days_ago(3))
    future = at(weekday_ahead(3), "10:00")
    past_appointment(third, when=future)
    # Alex's past session with Ben, and a cancelled one of Sam's: neither is Sam's to log.
    bens = ben_plan_with_alex(treatment, sessions=3)
    ben_first, ben_second = bens.sessions.order_by("number")[:2]
    past_appointment(ben_first, when=days_ago(2))
    cancelled = past_appointment(ben_second, when=days_ago(4), artist=treatment.artist)
    Appointment.objects.filter(pk=cancelled.pk).update(status=AppointmentStatus.CANCELLED)

    html = as_user(treatment.artist).get(HOME).content.decode()
    to_log = section(html, "sessions-to-log")
    assert f'data-session="{second.pk}"' in to_log
    assert reverse("sessions_app:session_log", args=[second.pk]) in to_log
    for absent in (first, third, ben_first, ben_second):
        assert f'data-session="{absent.pk}"' not in to_log
    assert 'data-count="to-log">1<' in html


# --- A fixed number of queries ---------------------------------------------------------------


def _artist_home_queries(browser) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert browser.get(HOME).status_code == 200
    return len(ctx.captured_queries)


def test_the_artists_home_costs_the_same_queries_with_one_row_or_many(treatment, as_user):
    sam = treatment.artist
    browser = as_user(sam)

    def one_of_each(client, hhmm, day_offset):
        plan = plans.plan_create(client=client, lead_artist=sam, planned_sessions=2, by=sam)
        first, second = plan.sessions.order_by("number")
        past_appointment(first, when=days_ago(day_offset))  # not logged yet
        submitted_check_in(first, days=day_offset)
        consultation = consultation_today(client, sam, hhmm)
        patch_test_row(consultation, read_after=days_ago(1), reading=PatchReading.PENDING)
        flag_for_review(Consultation.objects.create(client=client, artist=sam))

    one_of_each(treatment.client, "09:00", 2)
    before = _artist_home_queries(browser)
    from clients.services import client_create

    for i in range(6):
        client = client_create(first_name=f"C{i}", last_name="More", email=f"c{i}@example.com")
        one_of_each(client, f"{10 + i}:00", 3 + i)
    html = browser.get(HOME).content.decode()
    assert 'data-count="my-day">7<' in html and 'data-count="to-log">7<' in html
    assert _artist_home_queries(browser) == before
    # Each list is one query, its first rows and its count together.
    assert before == 12


def test_the_managers_home_costs_the_same_queries_with_one_need_or_many(people, as_user):
    from clients.services import client_create

    browser = as_user(people.manager)
    ErasureRequest.objects.create(client=people.record_a)
    with CaptureQueriesContext(connection) as ctx:
        browser.get(HOME)
    before = len(ctx.captured_queries)
    for i in range(8):
        client = client_create(first_name=f"E{i}", last_name="More", email=f"e{i}@example.com")
        ErasureRequest.objects.create(client=client)
        failed_message(client)
        stale_review(client, people.artist)
    with CaptureQueriesContext(connection) as ctx:
        browser.get(HOME)
    assert len(ctx.captured_queries) == before
    # Each list of what needs a manager is one query, its first rows and its count together.
    assert before == 15


# --- Needs a manager --------------------------------------------------------------------------


def test_the_manager_sees_what_waits_for_a_manager_with_links_to_act(people, as_user):
    from reminders.inbound import inbound_receive

    erasure = ErasureRequest.objects.create(client=people.record_a)
    failed_message(people.record_b)
    inbound_receive(provider_message_id="SMneeds1", from_number="+447700900555", body="Hi?")
    old = stale_review(people.record_b, people.artist, days=3)
    recent = stale_review(people.record_a, people.artist, days=0)
    reviewed = stale_review(people.record_a, people.artist, days=5)
    Consultation.objects.filter(pk=reviewed.pk).update(reviewed_at=timezone.now())

    html = as_user(people.manager).get(HOME).content.decode()
    needs = html.split('data-testid="manager-needs"')[1].split("</section>")[0]
    assert 'data-count="erasure">1<' in needs
    assert erasure.get_absolute_url() in needs and reverse("privacy:requests") in needs
    assert 'data-count="failed">1<' in needs
    assert "/reminders/?tab=failed" in needs
    assert 'data-count="texts">1<' in needs and reverse("reminders:inbox") in needs
    assert 'data-count="review">1<' in needs
    assert old.get_absolute_url() in needs
    assert recent.get_absolute_url() not in needs
    assert reviewed.get_absolute_url() not in needs


def test_nothing_waiting_shows_zero_and_no_links(people, as_user):
    html = as_user(people.manager).get(HOME).content.decode()
    needs = html.split('data-testid="manager-needs"')[1].split("</section>")[0]
    for key in ("erasure", "failed", "texts", "review"):
        assert f'data-count="{key}">0<' in needs
    assert "<a " not in needs


# --- Trends -----------------------------------------------------------------------------------


def test_the_week_and_no_show_figures_compare_with_the_period_before(people, as_user):
    for days in (1, 2, 3):
        appointment(people, at(today() + dt.timedelta(days=days), "10:00"))
    appointment(people, days_ago(3), status=AppointmentStatus.COMPLETED)
    appointment(people, days_ago(5), status=AppointmentStatus.CANCELLED)  # not counted
    appointment(people, days_ago(9), status=AppointmentStatus.COMPLETED)  # before the 7 days
    appointment(people, days_ago(40), status=AppointmentStatus.NO_SHOW)
    appointment(people, days_ago(45), status=AppointmentStatus.NO_SHOW)
    appointment(people, days_ago(70), status=AppointmentStatus.NO_SHOW)  # too long ago

    response = as_user(people.manager).get(HOME)
    diary = response.context["diary"]
    assert (diary["next_7_days"], diary["previous_7_days"]) == (3, 1)
    assert (diary["no_shows_30_days"], diary["no_shows_previous_30_days"]) == (0, 2)
    html = response.content.decode()
    assert 'data-trend="appointments-week">↑ 2 on the previous 7 days<' in html
    assert 'data-trend="no-shows">↓ 2 on the previous 30 days<' in html


def test_trend_wording():
    assert trend(5, 2, "7 days") == "↑ 3 on the previous 7 days"
    assert trend(1, 4, "30 days") == "↓ 3 on the previous 30 days"
    assert trend(2, 2, "7 days") == "Same as the previous 7 days"


# --- Money and treatment in brief ---------------------------------------------------------


def test_the_manager_sees_money_and_treatment_in_brief_against_the_30_days_before(
    clinic, as_user, freeze_now
):
    """The reports' hand-built April (reports/tests/test_outcomes.py), seen on 30 April:
    the last 30 days are all of April, the 30 before are 2 to 31 March."""
    outcomes_clinic(clinic)
    money_clinic(clinic)
    freeze_now(at(day(4, 30), "12:00"))
    html = as_user(clinic.people.manager).get(HOME).content.decode()
    for key, value, trend_text in (
        ("money-taken", "£100.00", "↓ £200.00 on the previous 30 days"),
        (
            "deposits-kept",
            "£50.00",
            "1 no-show or late cancellation · ↑ £50.00 on the previous 30 days",
        ),
        ("plans-completed", "2", "↑ 1 on the previous 30 days"),
        ("check-ins-answered", "75.0%", "3 of 4 · previous 30 days: 50.0%"),
    ):
        assert f'data-stat="{key}">{value}<' in html, key
        assert f'data-trend="{key}">{trend_text}<' in html, key
    assert reverse("reports:outcomes") + "?start=" in html


def test_with_no_check_ins_sent_the_brief_says_so_rather_than_zero_per_cent(people, as_user):
    html = as_user(people.manager).get(HOME).content.decode()
    assert 'data-stat="check-ins-answered">—<' in html
    assert 'data-trend="check-ins-answered">None sent · previous 30 days: none sent<' in html
    assert 'data-stat="money-taken">£0.00<' in html


# --- The day sheet ------------------------------------------------------------------------------


def test_the_day_sheet_lists_an_artists_day_with_what_each_visit_waits_for(treatment, as_user):
    sam, alex = treatment.artist, treatment.artist2
    past_appointment(treatment.sessions[1], when=at(today(), "10:00"))
    flag_for_review(Consultation.objects.create(client=treatment.client, artist=sam))
    consultation_today(treatment.other_client, alex, "12:00")
    desk = as_user(treatment.people.front_desk)
    url = reverse("day_sheet", args=[today()])

    with CaptureQueriesContext(connection) as ctx:
        page = desk.get(url, {"artist": sam.pk}).content.decode()
    few = len(ctx.captured_queries)
    sheet = page.split('data-testid="day-sheet"')[1].split("</table>")[0]
    assert sheet.count("<tr data-appointment") == 1
    assert "10:00" in sheet and "Anna Ashby" in sheet and "Session 2 of 3" in sheet
    assert 'data-flag="review"' in sheet and "12:00" not in sheet
    alexs = desk.get(url, {"artist": alex.pk}).content.decode()
    assert "Ben Barker" in alexs and "Anna Ashby" not in alexs.split("<h1")[1]

    for hhmm in ("14:00", "15:30", "17:00"):
        consultation_today(treatment.other_client, sam, hhmm)
    with CaptureQueriesContext(connection) as ctx:
        more = desk.get(url, {"artist": sam.pk}).content.decode()
    assert more.split('data-testid="day-sheet"')[1].count("<tr data-appointment") == 4
    assert len(ctx.captured_queries) == few
    # An unknown artist shows the first; the day view links to the sheet.
    assert desk.get(url, {"artist": "x"}).status_code == 200
    day_page = desk.get(reverse("scheduling:day", args=[today()])).content.decode()
    assert url in day_page
