"""The progress page: timeline, photo comparison and scalp maps, and who may see it."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from sessions_app import plans
from sessions_app.models import ExtraReason
from sessions_app.progress import DENSITY_FILLS, UNTREATED_FILL, plan_progress, scalp_map
from sessions_app.tests.fixtures import logged_session
from sessions_app.tests.progress_fixtures import add_photo
from tests.clock import days_ago

pytestmark = pytest.mark.django_db


def url(plan) -> str:
    return reverse("progress:plan", args=[plan.pk])


def region_fill(html: str, uid: str, region: str) -> str:
    """The fill of a region's shape on the scalp map `uid` (e.g. "s2")."""
    svg = html.split(f'data-testid="scalp-map-{uid}"', 1)[1].split("</svg>", 1)[0]
    group = svg.split(f'data-region="{region}"', 1)[1].split("</g>", 1)[0]
    return re.search(r'fill="(#[0-9a-f]{6})"', group).group(1)


def region_group(html: str, uid: str, region: str) -> str:
    svg = html.split(f'data-testid="scalp-map-{uid}"', 1)[1].split("</svg>", 1)[0]
    return svg.split(f'data-region="{region}"', 1)[1].split("</g>", 1)[0]


@pytest.fixture
def progressed(treatment, photo_folder):
    """Sessions 1 and 2 logged (healing judged at 2), session 3 not yet; photos of both."""
    s1, s2, s3 = treatment.sessions
    logged_session(
        s1,
        {"frontal_hairline": 2, "crown": 3},
        days_ago(21),
        focus_next_time="Build density at the crown",
    )
    plans.healing_record(
        session=s2,
        by=treatment.artist,
        assessments={
            "crown": ("patchy", "two gaps on the left"),
            "frontal_hairline": ("retained", ""),
        },
    )
    logged_session(s2, {"crown": 4, "left_temple": 2}, days_ago(14))
    client = treatment.client
    photos = {
        "front_before_1": add_photo(client, angle="front", stage="before_session", session=s1),
        "front_after_1": add_photo(client, angle="front", stage="after_session", session=s1),
        "front_after_2": add_photo(client, angle="front", stage="after_session", session=s2),
        "top_before_1": add_photo(client, angle="top", stage="before_session", session=s1),
        "top_after_2": add_photo(client, angle="top", stage="after_session", session=s2),
        "other_client": add_photo(treatment.other_client, angle="front", stage="after_session"),
    }
    treatment.photos = photos
    treatment.s1, treatment.s2, treatment.s3 = s1, s2, s3
    return treatment


# --- who may see it -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["manager", "artist", "front_desk"])
def test_it_shows_the_progress_to_staff(progressed, as_user, role):
    response = as_user(getattr(progressed.people, role)).get(url(progressed.plan))

    assert response.status_code == 200
    assert response.templates[0].name == "sessions_app/progress.html"
    assert "Progress: Anna Ashby" in response.content.decode()


def test_it_refuses_clients_even_their_own_plan(progressed, as_user):
    response = as_user(progressed.people.client_a).get(url(progressed.plan))

    # A health page: for a client it does not exist (accounts/access.py).
    assert response.status_code == 404
    assert b"Crown" not in response.content


def test_it_sends_anonymous_people_to_sign_in(progressed, client):
    response = client.get(url(progressed.plan))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url(progressed.plan)}"


def test_it_answers_404_for_a_plan_that_does_not_exist(progressed, as_user):
    response = as_user(progressed.artist).get(reverse("progress:plan", args=[999_999]))

    assert response.status_code == 404


def test_it_refuses_post(progressed, as_user):
    response = as_user(progressed.artist).post(url(progressed.plan))

    assert response.status_code == 405


# --- timeline -----------------------------------------------------------------------------


def test_the_timeline_lists_sessions_in_order_with_what_was_done(progressed, as_user):
    extra = plans.plan_add_extra_session(
        plan=progressed.plan, reason=ExtraReason.PATCHY_HEALING, by=progressed.artist
    )

    html = as_user(progressed.artist).get(url(progressed.plan)).content.decode()

    positions = [html.index(f'data-testid="timeline-session-{n}"') for n in (1, 2, 3, 4)]
    assert positions == sorted(positions)
    first = html.split('data-testid="timeline-session-1"')[1].split("</li>\n    \n")[0]
    assert "Planned" in first
    assert "Done" in first
    when = timezone.localtime(days_ago(21))
    assert f"{when:%A} {when.day} {when:%B %Y}, 10:00" in first
    assert "240 min" in first
    assert "Frontal hairline – density 2" in first
    assert "Crown / vertex – density 3" in first
    assert "Focus next time:</span> Build density at the crown" in first
    second = html.split('data-testid="timeline-session-2"')[1].split('data-testid="timeline')[0]
    assert "Crown / vertex: patchy (two gaps on the left)" in second
    assert "Frontal hairline: retained" in second
    third = html.split('data-testid="timeline-session-3"')[1].split('data-testid="timeline')[0]
    assert "Not booked" in third
    assert "No date yet" in third
    assert "180 min planned" in third
    fourth = html.split(f'data-testid="timeline-session-{extra.number}"')[1]
    assert "Extra" in fourth.split("</h3>")[0]


def test_fade_check_ins_are_an_empty_list_until_aftercare_adds_them(progressed):
    assert plan_progress(progressed.plan).check_ins == []


# --- photo comparison ---------------------------------------------------------------------


def test_it_compares_the_earliest_and_latest_photo_of_the_angle_with_most_photos(
    progressed, as_user
):
    html = as_user(progressed.artist).get(url(progressed.plan)).content.decode()

    before, after = progressed.photos["front_before_1"], progressed.photos["front_after_2"]
    side_by_side = html.split('data-testid="side-by-side"')[1].split("data-overlay")[0]
    assert f'src="/photos/{before.pk}/web/"' in side_by_side
    assert f'src="/photos/{after.pk}/web/"' in side_by_side
    assert "Before session 1" in side_by_side
    assert "After session 2" in side_by_side
    assert side_by_side.index("Before session 1") < side_by_side.index("After session 2")
    # The overlay slider is there for the browser to reveal; without JS it stays hidden.
    assert 'type="range"' in html
    assert re.search(r'class="photo-overlay[^"]*" hidden', html)
    # Nothing of another client, and no file address outside the photos view.
    assert f"/photos/{progressed.photos['other_client'].pk}/" not in html
    assert before.image.name not in html and before.thumbnail.name not in html


def test_it_compares_the_angle_and_photos_asked_for(progressed, as_user):
    top_before = progressed.photos["top_before_1"]
    top_after = progressed.photos["top_after_2"]

    html = (
        as_user(progressed.artist)
        .get(url(progressed.plan), {"angle": "top", "first": top_after.pk, "second": top_before.pk})
        .content.decode()
    )

    side_by_side = html.split('data-testid="side-by-side"')[1].split("data-overlay")[0]
    assert side_by_side.index(f"/photos/{top_after.pk}/web/") < side_by_side.index(
        f"/photos/{top_before.pk}/web/"
    )
    assert '<option value="top" selected>Top (2)</option>' in html
    assert "Front (3)" in html


def test_another_clients_photo_id_falls_back_to_the_default(progressed, as_user):
    stranger = progressed.photos["other_client"]

    html = (
        as_user(progressed.artist)
        .get(url(progressed.plan), {"angle": "front", "first": stranger.pk, "second": "nonsense"})
        .content.decode()
    )

    assert f"/photos/{stranger.pk}/" not in html
    assert f"/photos/{progressed.photos['front_before_1'].pk}/web/" in html
    assert f"/photos/{progressed.photos['front_after_2'].pk}/web/" in html


def test_a_plan_without_photos_says_so(treatment, as_user):
    html = as_user(treatment.artist).get(url(treatment.plan)).content.decode()

    assert "No photos for this plan yet." in html
    assert 'type="range"' not in html


# --- scalp maps ---------------------------------------------------------------------------


def test_there_is_one_scalp_map_per_session_coloured_by_the_latest_density(progressed, as_user):
    html = as_user(progressed.artist).get(url(progressed.plan)).content.decode()

    for uid in ("s1", "s2", "s3"):
        assert f'data-testid="scalp-map-{uid}"' in html
    assert region_fill(html, "s1", "crown") == DENSITY_FILLS[3]
    assert region_fill(html, "s1", "frontal_hairline") == DENSITY_FILLS[2]
    assert region_fill(html, "s1", "left_temple") == UNTREATED_FILL
    # Session 2 darkened the crown and added the left temple; the hairline stays as it was.
    assert region_fill(html, "s2", "crown") == DENSITY_FILLS[4]
    assert region_fill(html, "s2", "left_temple") == DENSITY_FILLS[2]
    assert region_fill(html, "s2", "frontal_hairline") == DENSITY_FILLS[2]
    # Not logged yet: the map after session 3 still shows where session 2 left things.
    assert region_fill(html, "s3", "crown") == DENSITY_FILLS[4]
    assert "Session 3 (not logged yet)" in html
    # With JS the maps are stepped through, starting at the latest logged session.
    assert re.search(r'data-caption="After session 2" data-stepper-start', html)
    # Healing judged at session 2 outlines the regions from then on, and every region says so.
    crown = region_group(html, "s2", "crown")
    assert "<title>Crown / vertex: density 4 – dense; healing: patchy</title>" in crown
    assert 'fill="url(#patchy-s2)"' in crown
    assert "url(#patchy-s1)" not in region_group(html, "s1", "crown")
    right_side = region_group(html, "s2", "right_side")
    assert "<title>Right side: density not treated</title>" in right_side
    assert "<title>Scar: density not treated</title>" in html
    assert "Over-saturated" in html  # the legend


def test_scalp_map_styles_come_from_density_and_healing():
    drawn = scalp_map(
        uid="x",
        caption="After session 1",
        densities={"crown": 5, "scar": 1},
        healing={"crown": "over_saturated", "back": "faded"},
    )
    cells = {cell.region: cell for cell in [*drawn.regions, drawn.scar]}

    assert cells["crown"].fill == DENSITY_FILLS[5]
    assert cells["crown"].stroke_width > cells["mid_scalp"].stroke_width
    assert cells["crown"].text_colour == "#ffffff"
    assert cells["back"].fill == UNTREATED_FILL
    assert cells["back"].dash
    assert cells["scar"].fill == DENSITY_FILLS[1]
    assert len(cells) == 9


def test_the_map_is_drawn_in_the_readers_language_with_plain_coordinates():
    drawn = scalp_map(
        uid="s1",
        caption="Sesión <1>",
        densities={"crown": 4},
        healing={"back": "patchy"},
    )
    with translation.override("es"):
        svg = str(drawn.svg())
    # Coordinates never take a decimal comma, whatever the language.
    assert 'y="216.5"' in svg and 'stroke-width="2.5"' in svg and "216,5" not in svg
    assert "Mapa del cuero cabelludo, Sesión &lt;1&gt;" in svg
    assert ">FRENTE</text>" in svg and ">cicatriz</text>" in svg
    assert 'data-region="crown" data-density="4" data-healing=""' in svg
    assert 'fill="url(#patchy-s1)"' in svg
    assert svg.startswith('<svg class="scalp-map"') and svg.endswith("</svg>")


# --- a fixed number of queries ------------------------------------------------------------


def build_sessions(treatment, total: int, *, shift_days: int = 0) -> None:
    """`total` logged sessions with healing and two photos each, a week apart."""
    plan = treatment.plan
    while plan.sessions.count() < total:
        plans.plan_add_extra_session(plan=plan, reason=ExtraReason.PATCHY_HEALING)
    for session in plan.sessions.order_by("number"):
        logged_session(
            session,
            {"crown": 1 + session.number % 5, "mid_scalp": 3},
            days_ago(7 * (total + 1 - session.number) + shift_days),
            focus_next_time="Blend the crown",
        )
        plans.healing_record(
            session=session, by=treatment.artist, assessments={"crown": ("faded", "")}
        )
        add_photo(treatment.client, angle="front", stage="before_session", session=session)
        add_photo(treatment.client, angle="top", stage="after_session", session=session)


def count_queries(client, path) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_the_page_takes_the_same_queries_for_5_and_50_sessions(
    treatment,
    photo_folder,
    as_user,
    people,
):
    build_sessions(treatment, 5)
    small, small_html = count_queries(as_user(treatment.artist), url(treatment.plan))
    # A second client's plan of 50 sessions, led by the same artist.
    other = plans.plan_create(client=people.record_b, lead_artist=treatment.artist)
    big = type(treatment)(**{**vars(treatment), "plan": other, "client": people.record_b})
    build_sessions(big, 50, shift_days=3)

    large, large_html = count_queries(as_user(treatment.artist), url(other))

    assert small_html.count('data-testid="scalp-map-s') == 5
    assert large_html.count('data-testid="scalp-map-s') == 50
    assert large_html.count('data-testid="timeline-session-') == 50
    assert "Front (50)" in large_html and "Top (50)" in large_html
    assert small == large, (small, large)
    assert large <= 8, large


# --- what the client's portal will reuse --------------------------------------------------


def test_for_the_client_only_shared_photos_and_notes_remain(progressed):
    hidden = progressed.photos["front_after_2"]
    hidden.shared_with_client = False
    hidden.save()

    staff = plan_progress(progressed.plan)
    mine = plan_progress(progressed.plan, for_client=True)

    assert hidden.pk in [p.pk for p in staff.comparison.choices]
    assert hidden.pk not in [p.pk for p in mine.comparison.choices]
    assert staff.sessions[0].focus_next_time == "Build density at the crown"
    assert mine.sessions[0].focus_next_time == ""


def test_the_plan_page_links_to_the_progress_view(treatment, as_user):
    plan = treatment.plan
    page = as_user(treatment.people.artist).get(plan.get_absolute_url()).content.decode()
    assert f'href="{reverse("progress:plan", args=[plan.pk])}"' in page
