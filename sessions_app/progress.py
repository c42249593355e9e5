"""The progress of a treatment plan, assembled for the page artists show clients.

Everything the page shows comes from `plan_progress()` in a fixed number of
queries, however many sessions and photos the plan has: the sessions (with their
appointment and log), the regions treated, the healing assessments and the
photos, each read once and put together here.

The client's own portal can reuse this as it is: fetch the plan through the
client's own record (`TreatmentPlan.objects.get(pk=..., client__user=request.user)`,
404 otherwise) and call `plan_progress(plan, for_client=True)`, which keeps only
the photos shared with the client and the notes the artist marked as shareable.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from photos.models import Photo, PhotoAngle, PhotoStage
from smpclinic import formats

from .models import (
    Density,
    HealingStatus,
    Region,
    RegionHealing,
    RegionTreated,
    TreatmentPlan,
    TreatmentSession,
)

# Light to dark grey-brown, one per density 1..5: darker means denser dots.
DENSITY_FILLS = {
    1: "#e3d6cb",
    2: "#c4ab98",
    3: "#9c7f6a",
    4: "#6f5646",
    5: "#43322a",
}
UNTREATED_FILL = "#f7f4f1"
OUTLINE = "#8a8580"

# How each healing status marks a region's outline, so it reads without colour too.
HEALING_STYLES = {
    HealingStatus.RETAINED: {"stroke": "#2f7a4d", "width": 2.5, "dash": "", "pattern": False},
    HealingStatus.FADED: {"stroke": "#b26b00", "width": 2.5, "dash": "5 3", "pattern": False},
    HealingStatus.PATCHY: {"stroke": "#b26b00", "width": 2.5, "dash": "1.5 2.5", "pattern": True},
    HealingStatus.OVER_SATURATED: {
        "stroke": "#b02a37",
        "width": 4,
        "dash": "",
        "pattern": False,
    },
}

# A top-down head, face at the top, the client's left on the left of the page.
# Rectangles (x, y, width, height) are clipped to the head outline in the template;
# each label sits where the clipped shape still has room for it.
REGION_SHAPES = {
    Region.FRONTAL_HAIRLINE: ((65, 22, 70, 36), (100, 45)),
    Region.LEFT_TEMPLE: ((16, 22, 49, 58), (53, 68)),
    Region.RIGHT_TEMPLE: ((135, 22, 49, 58), (147, 68)),
    Region.MID_SCALP: ((65, 58, 70, 72), (100, 98)),
    Region.LEFT_SIDE: ((16, 80, 49, 95), (42, 131)),
    Region.RIGHT_SIDE: ((135, 80, 49, 95), (158, 131)),
    Region.CROWN: ((65, 130, 70, 45), (100, 157)),
    Region.BACK: ((16, 175, 168, 63), (100, 197)),
}
# The scar is drawn as a marker low on the back of the head (a strip scar's usual place).
SCAR_SHAPE = ((66, 207, 68, 13), (100, 216.5))
# Short labels drawn on the map; the full name is in each region's <title>.
REGION_ABBREVIATIONS = {
    Region.FRONTAL_HAIRLINE: "FH",
    Region.LEFT_TEMPLE: "LT",
    Region.RIGHT_TEMPLE: "RT",
    Region.MID_SCALP: "MS",
    Region.LEFT_SIDE: "LS",
    Region.RIGHT_SIDE: "RS",
    Region.CROWN: "CR",
    Region.BACK: "BK",
    Region.SCAR: "SC",
}

STAGE_ORDER = {
    PhotoStage.CONSULTATION: 0,
    PhotoStage.BEFORE_SESSION: 1,
    PhotoStage.AFTER_SESSION: 2,
    PhotoStage.TOUCH_UP: 3,
    PhotoStage.CHECK_IN: 4,
}


def photo_image_url(pk: int, size: str = "web") -> str:
    """The only address a photo is served from: the photos app's permission-checked view."""
    try:
        return reverse("photos:image", args=[pk, size])
    except NoReverseMatch:
        # The photos app names this route; until it does, the path it will have.
        return f"/photos/{pk}/{size}/"


# --- what the page shows ------------------------------------------------------------------


@dataclass(frozen=True)
class RegionCell:
    """One region of one scalp map: its latest density and healing, and how to draw them."""

    region: str
    label: str
    abbreviation: str
    density: int | None
    healing: str | None
    fill: str
    stroke: str
    stroke_width: float
    dash: str
    patterned: bool
    text_colour: str
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float

    @property
    def title(self) -> str:
        density = Density(self.density).label if self.density else _("not treated")
        if self.healing:
            return _("%(region)s: density %(density)s; healing: %(healing)s") % {
                "region": self.label,
                "density": density,
                "healing": HealingStatus(self.healing).label.lower(),
            }
        return _("%(region)s: density %(density)s") % {"region": self.label, "density": density}


@dataclass(frozen=True)
class ScalpMap:
    """The scalp as it stood after a session: latest density and healing per region."""

    uid: str
    caption: str
    regions: list[RegionCell]
    scar: RegionCell

    def svg(self) -> SafeString:
        return scalp_map_svg(self)


def _region_svg(cell: RegionCell, uid: str, *, scar: bool = False) -> str:
    # Coordinates are written as Python writes numbers, never localised: a decimal
    # comma would break the drawing.
    e = conditional_escape
    corner = ' rx="5"' if scar else ""
    box = f'x="{cell.x}" y="{cell.y}" width="{cell.width}" height="{cell.height}"{corner}'
    dash = f' stroke-dasharray="{e(cell.dash)}"' if cell.dash else ""
    pattern = f'<rect {box} fill="url(#patchy-{e(uid)})"/>' if cell.patterned else ""
    data = (
        f'data-region="{e(cell.region)}" '
        f'data-density="{"" if cell.density is None else cell.density}" '
        f'data-healing="{"" if cell.healing is None else e(cell.healing)}"'
    )
    if scar:
        outer, inner, classes = "  ", "    ", "scalp-region scalp-scar"
        scar_word = _("scar")  # outside the f-string, where makemessages finds it
        label = (
            f'<text x="{cell.label_x}" y="{cell.label_y}" text-anchor="middle" '
            f'class="scalp-map-label scalp-map-scar-label" fill="{e(cell.text_colour)}" '
            f'aria-hidden="true">{e(scar_word)}</text>'
        )
    else:
        outer, inner, classes = "    ", "      ", "scalp-region"
        label = (
            f'<text x="{cell.label_x}" y="{cell.label_y}" text-anchor="middle" '
            f'fill="{e(cell.text_colour)}" class="scalp-map-label" '
            f'aria-hidden="true">{e(cell.abbreviation)}</text>'
        )
    return (
        f'\n{outer}<g class="{classes}" {data}>\n'
        f"{inner}<title>{e(cell.title)}</title>\n"
        f'{inner}<rect {box} fill="{e(cell.fill)}" stroke="{e(cell.stroke)}" '
        f'stroke-width="{cell.stroke_width}"{dash}/>\n'
        f"{inner}{pattern}\n"
        f"{inner}{label}\n"
        f"{outer}</g>\n{outer}"
    )


def scalp_map_svg(drawn: ScalpMap) -> SafeString:
    """The map as SVG, written here rather than by a template: a template spent most of
    the progress page's time on looking up and localising each region's dozen numbers."""
    uid = conditional_escape(drawn.uid)
    title = _("Scalp map, %(caption)s") % {"caption": conditional_escape(drawn.caption)}
    regions = "".join(_region_svg(cell, drawn.uid) for cell in drawn.regions)
    front = _("FRONT")  # outside the f-string, where makemessages finds it
    return mark_safe(  # noqa: S308 - every value escaped above
        f'<svg class="scalp-map" viewBox="0 0 200 252" role="img" '
        f'aria-labelledby="map-title-{uid}" data-testid="scalp-map-{uid}">\n'
        f'  <title id="map-title-{uid}">{title}</title>\n'
        "  <defs>\n"
        f'    <clipPath id="head-{uid}"><ellipse cx="100" cy="130" rx="82" ry="106"/></clipPath>\n'
        f'    <pattern id="patchy-{uid}" width="6" height="6" patternUnits="userSpaceOnUse">\n'
        '      <circle cx="3" cy="3" r="1.3" fill="#f7f4f1" fill-opacity="0.85"/>\n'
        "    </pattern>\n"
        "  </defs>\n"
        '  <text x="100" y="9" text-anchor="middle" class="scalp-map-front">'
        f"{conditional_escape(front)}</text>\n"
        '  <path d="M92 26 L100 13 L108 26 Z" fill="#e9e4df" stroke="#8a8580"/>\n'
        '  <ellipse cx="15" cy="128" rx="6" ry="16" fill="#e9e4df" stroke="#8a8580"/>\n'
        '  <ellipse cx="185" cy="128" rx="6" ry="16" fill="#e9e4df" stroke="#8a8580"/>\n'
        f'  <g clip-path="url(#head-{uid})">\n    {regions}\n'
        "  </g>\n"
        '  <ellipse cx="100" cy="130" rx="82" ry="106" fill="none" stroke="#5b544f" '
        'stroke-width="1.5"/>\n'
        f"  {_region_svg(drawn.scar, drawn.uid, scar=True)}\n"
        "</svg>"
    )


@dataclass(frozen=True)
class PhotoEntry:
    pk: int
    angle: str
    angle_label: str
    stage: str
    label: str
    width: int
    height: int
    web_url: str
    thumb_url: str
    sort_key: tuple


@dataclass
class SessionEntry:
    session: TreatmentSession
    number: int
    kind_label: str
    starts_at: dt.datetime | None
    status_label: str
    minutes: int
    minutes_are_planned: bool
    regions: list[RegionTreated]
    focus_next_time: str
    healing: list[RegionHealing]
    photo_count: int
    scalp_map: ScalpMap


@dataclass(frozen=True)
class Comparison:
    angle: str
    angle_label: str
    angles: list[tuple[str, str, int]]  # (value, label, photo count), only angles with photos
    choices: list[PhotoEntry]  # the photos of the chosen angle, in order
    first: PhotoEntry | None
    second: PhotoEntry | None


@dataclass
class PlanProgress:
    plan: TreatmentPlan
    sessions: list[SessionEntry]
    comparison: Comparison
    legend: list[dict]
    healing_legend: list[dict]
    # The map a stepper opens on: the latest logged session (else the first).
    start_map_number: int | None = None
    # Fade check-ins (aftercare) will join the timeline here, each with its date,
    # photos and per-region judgement; until that module exists the list is empty.
    check_ins: list = field(default_factory=list)


# --- assembly ------------------------------------------------------------------------------


def _cell(
    region: str,
    density: int | None,
    healing: str | None,
    shape,
    *,
    plain_width: float = 1,
    plain_dash: str = "",
) -> RegionCell:
    style = HEALING_STYLES.get(healing) if healing else None
    (x, y, width, height), (label_x, label_y) = shape
    return RegionCell(
        region=region,
        label=Region(region).label,
        abbreviation=REGION_ABBREVIATIONS[region],
        density=density,
        healing=healing,
        fill=DENSITY_FILLS[density] if density else UNTREATED_FILL,
        stroke=style["stroke"] if style else OUTLINE,
        stroke_width=style["width"] if style else plain_width,
        dash=style["dash"] if style else plain_dash,
        patterned=bool(style and style["pattern"]),
        text_colour="#ffffff" if density and density >= 3 else "#3b3330",
        x=x,
        y=y,
        width=width,
        height=height,
        label_x=label_x,
        label_y=label_y,
    )


def scalp_map(
    *, uid: str, caption: str, densities: dict[str, int], healing: dict[str, str]
) -> ScalpMap:
    """A map from the latest density and healing status of each region."""
    regions = [
        _cell(region, densities.get(region), healing.get(region), shape)
        for region, shape in REGION_SHAPES.items()
    ]
    # Unassessed, the scar keeps a dashed outline so it reads as a marker, not a region.
    scar = _cell(
        Region.SCAR,
        densities.get(Region.SCAR),
        healing.get(Region.SCAR),
        SCAR_SHAPE,
        plain_width=1.5,
        plain_dash="3 2",
    )
    return ScalpMap(uid=uid, caption=caption, regions=regions, scar=scar)


def _photo_label(photo: Photo) -> str:
    stage = PhotoStage(photo.stage)
    session = photo.session
    if session is not None and stage == PhotoStage.BEFORE_SESSION:
        return _("Before session %(number)s") % {"number": session.number}
    if session is not None and stage == PhotoStage.AFTER_SESSION:
        return _("After session %(number)s") % {"number": session.number}
    day = timezone.localtime(photo.uploaded_at)
    when = formats.show(day, "DATE_MEDIUM_FORMAT")
    if session is not None:
        return _("%(stage)s, session %(number)s (%(when)s)") % {
            "stage": stage.label,
            "number": session.number,
            "when": when,
        }
    return f"{stage.label} ({when})"


def _photo_sort_key(photo: Photo) -> tuple:
    # Consultation photos come first, then by session and before/after, then the
    # unattached check-ins; upload time breaks ties.
    if photo.session is not None:
        number = photo.session.number
    elif photo.stage == PhotoStage.CONSULTATION:
        number = 0
    else:
        number = 10_000
    return (number, STAGE_ORDER.get(photo.stage, 9), photo.uploaded_at, photo.pk)


def _photo_entry(photo: Photo) -> PhotoEntry:
    return PhotoEntry(
        pk=photo.pk,
        angle=photo.angle,
        angle_label=PhotoAngle(photo.angle).label,
        stage=photo.stage,
        label=_photo_label(photo),
        width=photo.width,
        height=photo.height,
        web_url=photo_image_url(photo.pk, "web"),
        thumb_url=photo_image_url(photo.pk, "thumb"),
        sort_key=_photo_sort_key(photo),
    )


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def comparison_choose(
    photos: list[PhotoEntry], *, angle: str | None = None, first=None, second=None
) -> Comparison:
    """The two photos to compare.

    By default the angle with the most photos and its earliest and latest photo.
    A chosen angle or photo that is not among the plan's photos falls back to the
    default, so an edited address never shows another client's photo.
    """
    counts = Counter(photo.angle for photo in photos)
    angles = [(value, label, counts[value]) for value, label in PhotoAngle.choices if counts[value]]
    if angle not in counts:
        # Ties go to the angle listed first (front before top, and so on).
        angle = max(angles, key=lambda a: a[2])[0] if angles else PhotoAngle.FRONT
    choices = sorted((p for p in photos if p.angle == angle), key=lambda p: p.sort_key)
    by_pk = {p.pk: p for p in choices}
    chosen_first = by_pk.get(_as_int(first)) or (choices[0] if choices else None)
    chosen_second = by_pk.get(_as_int(second)) or (choices[-1] if choices else None)
    return Comparison(
        angle=angle,
        angle_label=PhotoAngle(angle).label,
        angles=angles,
        choices=choices,
        first=chosen_first,
        second=chosen_second,
    )


def _status_label(session: TreatmentSession) -> str:
    appointment = session.appointment
    if session.is_logged:
        return _("Done")
    if appointment is None:
        return _("Not booked")
    return appointment.get_status_display()


def plan_progress(
    plan: TreatmentPlan,
    *,
    angle: str | None = None,
    first=None,
    second=None,
    for_client: bool = False,
) -> PlanProgress:
    """Timeline, photo comparison and one scalp map per session, in four queries.

    `angle`, `first` and `second` are what the person asked to compare (raw
    query-string values are fine). `for_client` keeps only what the client may see.
    """
    sessions = list(
        TreatmentSession.objects.filter(plan=plan)
        .select_related("appointment", "log")
        .prefetch_related(
            Prefetch("log__regions", queryset=RegionTreated.objects.order_by("region")),
            Prefetch("healing", queryset=RegionHealing.objects.order_by("region")),
        )
        .order_by("number")
    )
    photo_filter = Q(session__plan=plan) | Q(session__isnull=True, client_id=plan.client_id)
    # Reference pictures show the look wanted, not this scalp: never part of a comparison.
    photos = (
        Photo.objects.filter(photo_filter)
        .exclude(stage=PhotoStage.REFERENCE)
        .select_related("session")
    )
    if for_client:
        photos = photos.filter(shared_with_client=True)
    photo_rows = list(photos)
    photos_per_session = Counter(photo.session_id for photo in photo_rows)

    densities: dict[str, int] = {}
    healing_now: dict[str, str] = {}
    entries = []
    for session in sessions:
        log = session.log if session.is_logged else None
        regions = list(log.regions.all()) if log else []
        healing = list(session.healing.all())
        for assessment in healing:
            healing_now[assessment.region] = assessment.status
        for treated in regions:
            densities[treated.region] = treated.density
        appointment = session.appointment
        starts_at = timezone.localtime(appointment.starts_at) if appointment else None
        focus = log.focus_next_time if log else ""
        if for_client and log and not log.shared_with_client:
            focus = ""
        entries.append(
            SessionEntry(
                session=session,
                number=session.number,
                kind_label=session.get_kind_display(),
                starts_at=starts_at,
                status_label=_status_label(session),
                minutes=log.minutes_taken if log else session.planned_minutes,
                minutes_are_planned=log is None,
                regions=regions,
                focus_next_time=focus,
                healing=healing,
                photo_count=photos_per_session[session.pk],
                scalp_map=scalp_map(
                    uid=f"s{session.number}",
                    caption=(
                        _("After session %(number)s")
                        if log
                        else _("Session %(number)s (not logged yet)")
                    )
                    % {"number": session.number},
                    densities=dict(densities),
                    healing=dict(healing_now),
                ),
            )
        )

    logged_numbers = [entry.number for entry in entries if not entry.minutes_are_planned]
    return PlanProgress(
        plan=plan,
        sessions=entries,
        start_map_number=max(logged_numbers, default=entries[0].number if entries else None),
        comparison=comparison_choose(
            [_photo_entry(photo) for photo in photo_rows],
            angle=angle,
            first=first,
            second=second,
        ),
        legend=[
            {"label": _("Not treated"), "fill": UNTREATED_FILL},
            *({"label": label, "fill": DENSITY_FILLS[value]} for value, label in Density.choices),
        ],
        healing_legend=[
            {"value": value, "label": label, **HEALING_STYLES[value]}
            for value, label in HealingStatus.choices
        ],
    )
