"""The staff diary: day and week pages, booking, and each appointment's page and actions.

Views are thin: they read the request, call scheduling.booking (the rules) or
scheduling.calendar (the layout) and render. Who may do what:

- every staff role sees the diary and every appointment;
- manager and front desk book, move, cancel and change statuses;
- an artist may mark their own appointments arrived or completed (they are in
  the room when it happens), nothing else.
"""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from accounts.access import client_editor_required, staff_required
from accounts.models import CLIENT_EDITOR_ROLES, Role, User
from clients.models import Client
from clients.selectors import client_search
from clients.services import client_create
from smpclinic import formats
from smpclinic.clinic import clinic_zone, clock_label, is_repeated, wall_instants

from .access import get_appointment_for_user
from .availability import OUTSIDE_DIARY, free_slots, within_diary
from .booking import (
    MOVABLE_STATUSES,
    TRANSITIONS,
    TREATMENT_KINDS,
    BookingRefused,
    appointment_set_status,
    booking_cancel,
    booking_create,
    booking_move,
    no_show_count,
    status_changes_now,
)
from .calendar import day_plan, describe_event, week_start
from .day_table import day_table_rows
from .forms import (
    BookingForm,
    CancelForm,
    ClinicDateTimeField,
    GoToDateForm,
    MoveForm,
    StatusForm,
    parse_start,
)
from .models import Appointment, AppointmentStatus, AppointmentType, BookingSource, Room
from .page_parts import appointment_parts
from .policy import Actor, ActorRole, Channel
from .rules import STATUSES_BY_ROLE, statuses_for_role
from .week_grid import BY_ARTIST, BY_ROOM, render_blocks, week_grid

CLIENT_RESULTS = 8
# What an artist may record about their own appointment (the booking policy's rule).
ARTIST_STATUSES = STATUSES_BY_ROLE[ActorRole.ARTIST]
# The order status buttons appear in.
STATUS_BUTTONS = [
    (AppointmentStatus.CONFIRMED, gettext_lazy("Mark confirmed")),
    (AppointmentStatus.ARRIVED, gettext_lazy("Mark arrived")),
    (AppointmentStatus.COMPLETED, gettext_lazy("Mark completed")),
    (AppointmentStatus.NO_SHOW, gettext_lazy("Mark no-show")),
]
# Query parameters a booking link may carry, kept while the client is searched for.
BOOKING_PARAMS = ("start", "type", "artist", "room", "minutes", "notes")


def _can_edit_diary(user) -> bool:
    return user.role in CLIENT_EDITOR_ROLES


def _id_param(params, name: str) -> int | None:
    value = params.get(name, "")
    # Longer numbers are no one's id, and overflow the database's integers.
    return int(value) if value.isdigit() and len(value) < 19 else None


def _artist_param(request) -> int | None:
    return _id_param(request.GET, "artist")


# --- the diary pages ---------------------------------------------------------------


@require_safe
@staff_required
def diary_home(request):
    """Today's day view, or the date picked in the diary's "go to date" box.

    A date the diary cannot show (mistyped, or year 1 or 275760 from the browser's
    date box) opens today, saying why.
    """
    day = _picked_day(request)
    view = "scheduling:week" if request.GET.get("view") == "week" else "scheduling:day"
    url = reverse(view, args=[day])
    artist = _artist_param(request)
    return redirect(f"{url}?artist={artist}" if artist else url)


def _picked_day(request) -> dt.date:
    form = GoToDateForm(request.GET)
    if not form.is_valid():
        typed = request.GET.get("date", "").strip()[:40]
        problem = " ".join(form.errors["date"])
        messages.error(
            request,
            _("The diary has no page for “%(typed)s”; showing today. %(problem)s")
            % {"typed": typed, "problem": problem},
        )
        return timezone.localdate()
    return form.cleaned_data["date"] or timezone.localdate()


@require_safe
@staff_required
def week_current(request):
    return redirect("scheduling:week", week_start(timezone.localdate()))


@require_safe
@staff_required
def day_view(request, day: dt.date):
    """The day as a grid of free times per artist; by room (`?by=room`), the rooms' lanes of
    the week grid for this one day."""
    plan = day_plan(day=day, artist_id=_artist_param(request))
    context = {
        "plan": plan,
        "view": "day",
        "day": day,
        "today": timezone.localdate(),
        "artist_filter": _artist_param(request),
        "can_book": _can_edit_diary(request.user),
        "by_room": request.GET.get("by") == BY_ROOM,
    }
    if not context["by_room"]:
        context["day_rows"] = day_table_rows(plan, can_book=context["can_book"])
    if context["by_room"]:
        rooms = week_grid(day=day, by=BY_ROOM, artist_id=_artist_param(request), only_day=True)
        appointment_path = reverse("scheduling:appointment_detail", args=[0])[:-2]
        can_move = _can_edit_diary(request.user)
        render_blocks(
            rooms,
            can_move=can_move,
            appointment_path=appointment_path,
            artist_filter=_artist_param(request),
        )
        context.update(rooms=rooms, can_move=can_move, appointment_path=appointment_path)
    return render(request, "scheduling/day.html", context)


@require_safe
@staff_required
def week_view(request, day: dt.date):
    """The week as a time grid: a lane per artist (or per room) each day; filters by
    artist, room and appointment type; blocks the front desk drags to move."""
    by = BY_ROOM if request.GET.get("by") == BY_ROOM else BY_ARTIST
    plan = week_grid(
        day=day,
        by=by,
        artist_id=_artist_param(request),
        room_id=_id_param(request.GET, "room"),
        type_id=_id_param(request.GET, "type"),
    )
    chosen = {
        "artist": plan.selected_artist.pk if plan.selected_artist else None,
        "room": plan.selected_room.pk if plan.selected_room else None,
        "type": plan.selected_type.pk if plan.selected_type else None,
        "by": by if by == BY_ROOM else None,
    }
    filters = {name: value for name, value in chosen.items() if value}
    appointment_path = reverse("scheduling:appointment_detail", args=[0])[:-2]
    render_blocks(
        plan,
        can_move=_can_edit_diary(request.user),
        appointment_path=appointment_path,
        artist_filter=chosen["artist"],
    )
    return render(
        request,
        "scheduling/week.html",
        {
            "plan": plan,
            "view": "week",
            "day": plan.first_day,
            "today": timezone.localdate(),
            "artist_filter": chosen["artist"],
            "filter_query": f"?{urlencode(filters)}" if filters else "",
            "by_room_query": "?" + urlencode({**filters, "by": BY_ROOM}),
            "by_artist_query": "?" + urlencode({k: v for k, v in filters.items() if k != "by"})
            if any(k != "by" for k in filters)
            else "",
            "filters": filters,
            # The filters chosen, by name: ids or None (looked up for each option shown).
            "chosen": chosen,
            "can_book": _can_edit_diary(request.user),
            "can_move": _can_edit_diary(request.user),
            "appointment_path": appointment_path,
        },
    )


# --- booking -----------------------------------------------------------------------


def _booking_initial(params) -> dict:
    """What a diary link (or the client search) says about the booking to make."""
    initial: dict = {}
    start = parse_start(params.get("start", ""))
    if start is not None:
        initial["starts_at"] = start
    for name in ("artist", "room", "client", "minutes"):
        value = params.get(name, "")
        if value.isdigit():
            initial[name] = int(value)
    slug = params.get("type", "")
    if slug:
        initial["type"] = slug
        if "minutes" not in initial:
            minutes = (
                AppointmentType.objects.filter(slug=slug, is_active=True)
                .values_list("default_minutes", flat=True)
                .first()
            )
            if minutes:
                initial["minutes"] = minutes
    if params.get("notes"):
        initial["notes"] = params["notes"][:1000]
    return initial


def _chosen_client(form: BookingForm) -> Client | None:
    if form.is_bound and hasattr(form, "cleaned_data") and form.cleaned_data.get("client"):
        return form.cleaned_data["client"]
    value = form["client"].value()
    if value in (None, ""):
        return None
    try:
        return Client.objects.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        return None


def _form_value(form, name: str):
    """A field's domain value as typed (or pre-filled), or None if it is not valid.

    Read afresh rather than from cleaned_data, which loses a field as soon as a
    refusal is attached to it.
    """
    value = form[name].value()
    if not form.is_bound and name == "starts_at":
        return value
    try:
        return form.fields[name].clean(value)
    except ValidationError:
        return None


def _free_times(form, *, exclude_appointment_id: int | None = None, appointment_type=None):
    """Free start times that day for the chosen artist and type, to pick from."""
    appointment_type = appointment_type or _form_value(form, "type")
    artist = _form_value(form, "artist")
    starts_at = _form_value(form, "starts_at")
    if not (appointment_type and artist and starts_at):
        return None
    day = timezone.localtime(starts_at).date()
    slots = free_slots(
        appointment_type=appointment_type,
        start_date=day,
        days=1,
        artist_id=artist.pk,
        minutes=_form_value(form, "minutes"),
        source=BookingSource.FRONT_DESK,
        exclude_appointment_id=exclude_appointment_id,
    )
    return {
        "day": day,
        "artist": artist,
        "times": [timezone.localtime(slot.start) for slot in slots],
    }


def _book(form: BookingForm, user) -> Appointment:
    data = form.cleaned_data
    booking = dict(
        appointment_type=data["type"],
        artist=data["artist"],
        starts_at=data["starts_at"],
        minutes=data["minutes"],
        room=data["room"],
        source=BookingSource.FRONT_DESK,
        by=user,
        actor=Actor.of(user),
        channel=Channel.DIARY,
        notes=data["notes"].strip(),
        outside_hours_note=data.get("outside_hours_note", ""),
    )
    if data["client"] is not None:
        return booking_create(client=data["client"], **booking)
    # One transaction: a refused booking does not leave a new client behind,
    # so sending the form again does not trip over a "duplicate" of them.
    with transaction.atomic():
        client = client_create(created_by=user, **form.new_client_fields())
        return booking_create(client=client, **booking)


def _keep_params(params) -> str:
    """The booking details in a link, so choosing a client keeps them."""
    kept = {}
    # The live search sends the booking form's own fields. A time the clocks repeat
    # keeps its UTC offset, so the second 01:15 of the night they go back stays so.
    if params.get("starts_at_0") and params.get("starts_at_1"):
        kept["start"] = f"{params['starts_at_0']}T{params['starts_at_1']}"
        try:
            moment = ClinicDateTimeField().clean(
                [params["starts_at_0"], params["starts_at_1"], params.get("starts_at_2", "")]
            )
        except ValidationError:
            moment = None
        if moment is not None and is_repeated(moment):
            kept["start"] = moment.isoformat(timespec="minutes")
    for name in BOOKING_PARAMS:
        if params.get(name) and name not in kept:
            kept[name] = params[name]
    return urlencode(kept)


def _client_results(query: str) -> list[Client]:
    return list(client_search(query=query)[:CLIENT_RESULTS]) if query else []


@require_http_methods(["GET", "POST"])
@client_editor_required
def book(request):
    initial = _booking_initial(request.GET)
    typed_start = request.GET.get("start", "").strip()
    if request.method == "GET" and typed_start and "starts_at" not in initial:
        messages.error(
            request,
            _(
                "The link's start “%(start)s” is not a date and time the diary has; "
                "choose them below. %(outside)s"
            )
            % {"start": typed_start[:40], "outside": OUTSIDE_DIARY},
        )
    form = BookingForm(
        request.POST if request.method == "POST" else None, initial=initial, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            appointment = _book(form, request.user)
        except BookingRefused as refused:
            form.add_problem(refused.problem)
        except ValidationError as error:
            # Someone saved the same new client a moment ago.
            form.add_client_errors(error)
        else:
            start = timezone.localtime(appointment.starts_at)
            messages.success(
                request,
                _("Booked: %(type)s for %(client)s, %(day)s %(time)s with %(artist)s.")
                % {
                    "type": appointment.type,
                    "client": appointment.client.full_name,
                    "day": formats.show(start, "DAY_SHORT_FORMAT"),
                    "time": clock_label(start),
                    "artist": appointment.artist,
                },
            )
            url = reverse("scheduling:day", args=[start.date()])
            return redirect(f"{url}#appointment-{appointment.pk}")
    client = _chosen_client(form)
    query = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "scheduling/book.html",
        {
            "form": form,
            "client": client,
            "no_shows": no_show_count(client) if client else None,
            "query": query,
            "results": _client_results(query),
            "keep": _keep_params(request.GET),
            "free_times": _free_times(form),
        },
    )


@require_safe
@client_editor_required
def client_picker(request):
    """The live client search on the booking page (an htmx partial)."""
    query = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "scheduling/_client_results.html",
        {"query": query, "results": _client_results(query), "keep": _keep_params(request.GET)},
    )


@require_safe
@client_editor_required
def free_times(request):
    """The booking page's free times as the type, artist and day are chosen (htmx partial).

    Only the day of the start counts, so a day without a time yet is enough.
    """
    data = request.GET.copy()
    if data.get("starts_at_0") and not data.get("starts_at_1"):
        data["starts_at_1"] = "12:00"
    form = BookingForm(data, initial={}, user=request.user)
    return render(
        request,
        "scheduling/_free_times.html",
        {"free": _free_times(form), "form_id": "booking-form", "hint": True},
    )


# --- one appointment ---------------------------------------------------------------


def _status_buttons(user, appointment: Appointment) -> list[tuple[str, str]]:
    """The status changes this person may make now (TRANSITIONS decides what may follow)."""
    allowed = status_changes_now(appointment)
    if not _can_edit_diary(user):
        if user.role != Role.ARTIST or appointment.artist_id != user.pk:
            return []
        allowed = statuses_for_role(ActorRole.ARTIST, allowed)
    return [(status, label) for status, label in STATUS_BUTTONS if status in allowed]


def _move_initial(appointment: Appointment) -> dict:
    return {
        "starts_at": timezone.localtime(appointment.starts_at),
        "artist": appointment.artist_id,
        "room": appointment.room_id,
        "minutes": appointment.minutes,
    }


def _render_appointment(request, appointment, *, move_form=None, cancel_form=None):
    user = request.user
    can_edit = _can_edit_diary(user)
    events = appointment.events.select_related("by").order_by("at", "id")
    return render(
        request,
        "scheduling/appointment_detail.html",
        {
            "appointment": appointment,
            "no_shows": no_show_count(appointment.client),
            "history": [describe_event(event) for event in events],
            "status_buttons": _status_buttons(user, appointment),
            "can_edit": can_edit,
            # Only a booked or confirmed appointment can move (booking_move says
            # why anything else cannot, should someone try).
            "can_move": can_edit and appointment.status in MOVABLE_STATUSES,
            "can_cancel": can_edit
            and AppointmentStatus.CANCELLED in TRANSITIONS[appointment.status],
            "move_form": move_form or MoveForm(initial=_move_initial(appointment), user=user),
            "move_open": move_form is not None,
            "is_treatment": appointment.type.kind in TREATMENT_KINDS,
            "move_free_times": _free_times(
                move_form,
                exclude_appointment_id=appointment.pk,
                appointment_type=appointment.type,
            )
            if move_form is not None and move_form.errors
            else None,
            "cancel_form": cancel_form or CancelForm(),
            "cancel_open": cancel_form is not None,
            # What other apps add (the deposit and its actions, from billing).
            "appointment_parts": appointment_parts(appointment, user),
        },
    )


@require_safe
@staff_required
def appointment_detail(request, pk: int):
    appointment = get_appointment_for_user(request.user, pk)
    return _render_appointment(request, appointment)


@require_http_methods(["POST"])
@client_editor_required
def appointment_move(request, pk: int):
    appointment = get_appointment_for_user(request.user, pk)
    form = MoveForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            booking_move(
                appointment=appointment,
                starts_at=data["starts_at"],
                artist=data["artist"],
                room=data["room"],
                minutes=data["minutes"],
                by=request.user,
                actor=Actor.of(request.user),
                channel=Channel.DIARY,
                outside_hours_note=data.get("outside_hours_note", ""),
                # For the plan's gap check (sessions_app): a manager's reason to book closer.
                context={"gap_override_reason": data.get("gap_override_reason", "")},
            )
        except BookingRefused as refused:
            form.add_problem(refused.problem)
        else:
            start = timezone.localtime(appointment.starts_at)
            messages.success(
                request,
                _("Moved to %(day)s %(time)s with %(artist)s.")
                % {
                    "day": formats.show(start, "DAY_SHORT_FORMAT"),
                    "time": clock_label(start),
                    "artist": appointment.artist,
                },
            )
            return redirect(appointment)
    return _render_appointment(request, appointment, move_form=form)


@require_http_methods(["POST"])
@client_editor_required
def appointment_cancel(request, pk: int):
    appointment = get_appointment_for_user(request.user, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            booking_cancel(
                appointment=appointment,
                reason=form.cleaned_data["reason"],
                by=request.user,
                actor=Actor.of(request.user),
                channel=Channel.DIARY,
            )
        except BookingRefused as refused:
            form.add_error(
                "reason" if refused.problem.field != "status" else None, refused.problem.message
            )
        else:
            messages.success(request, _("The appointment was cancelled."))
            return redirect(appointment)
    return _render_appointment(request, appointment, cancel_form=form)


@require_http_methods(["POST"])
@staff_required
def appointment_status(request, pk: int):
    appointment = get_appointment_for_user(request.user, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status to record."))
        return redirect(appointment)
    status = form.cleaned_data["status"]
    if not _can_edit_diary(request.user) and not (
        request.user.role == Role.ARTIST
        and appointment.artist_id == request.user.pk
        and status in ARTIST_STATUSES
    ):
        raise PermissionDenied("Only the front desk and managers change this.")
    try:
        appointment_set_status(
            appointment=appointment,
            status=status,
            by=request.user,
            actor=Actor.of(request.user),
            channel=Channel.DIARY,
        )
    except BookingRefused as refused:
        messages.error(request, refused.problem.message)
    else:
        messages.success(
            request, _("Marked %(status)s.") % {"status": appointment.get_status_display().lower()}
        )
    return redirect(appointment)


# --- dragging in the week grid -------------------------------------------------------


# Refusals a manager may override with a reason (scheduling.booking, sessions_app's gap).
REASON_OVERRIDES = frozenset({"outside_hours", "gap"})


def _drop_answer(ok: bool, message: str, status: int = 200, **extra) -> JsonResponse:
    return JsonResponse({"ok": ok, "message": message, **extra}, status=status)


@require_http_methods(["POST"])
@client_editor_required
def appointment_drop(request, pk: int):
    """A block dropped in the week grid (or moved there by keyboard): the same move as the
    appointment page's, through the same service and rules, answered in JSON for the page
    to show in place. `version` is the appointment's last change as the page saw it: if
    someone changed it since, nothing moves and the page is told to refresh."""
    appointment = get_appointment_for_user(request.user, pk)
    data = request.POST
    try:
        day = dt.date.fromisoformat(data.get("day", ""))
        hour, minute = (int(part) for part in data.get("time", "").split(":"))
        wall = dt.time(hour, minute)
    except ValueError:
        return _drop_answer(False, _("Drop the appointment on a day and a time."), 400)
    if not within_diary(day):
        return _drop_answer(False, OUTSIDE_DIARY, 400)
    artist_id, room_id = _id_param(data, "artist"), _id_param(data, "room")
    minutes = _id_param(data, "minutes")
    artist = User.objects.filter(pk=artist_id).first() if artist_id else appointment.artist
    room = Room.objects.filter(pk=room_id).first() if room_id else appointment.room
    if artist is None or (room_id and room is None):
        return _drop_answer(False, _("That artist or room is not in the diary."), 400)
    instants = wall_instants(day, wall, clinic_zone())
    if not instants:
        return _drop_answer(
            False, _("That time does not exist on this day (the clocks change)."), 400
        )
    with transaction.atomic():
        current = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if data.get("version") != current.updated_at.isoformat():
            return _drop_answer(
                False,
                _(
                    "Someone changed this appointment since the page was shown: the week has "
                    "been refreshed, try again."
                ),
                409,
                stale=True,
            )
        reason = data.get("reason", "").strip()[:300]
        try:
            booking_move(
                appointment=current,
                starts_at=instants[0],
                artist=artist,
                room=room if room_id else None,
                minutes=minutes or None,
                by=request.user,
                actor=Actor.of(request.user),
                channel=Channel.DIARY,
                # A manager's reason to book outside the hours or closer than the plan's gap.
                outside_hours_note=reason,
                context={"gap_override_reason": reason},
            )
        except BookingRefused as refused:
            # Where the policy lets a manager go ahead with a reason, the page asks for one.
            needs_reason = (
                request.user.role == Role.MANAGER
                and not reason
                and refused.reason in REASON_OVERRIDES
            )
            message = refused.text
            if needs_reason:
                message += " " + _("Give your reason to move it there anyway.")
            return _drop_answer(False, message, 409, code=refused.reason, needs_reason=needs_reason)
    current.refresh_from_db()
    start = timezone.localtime(current.starts_at)
    return _drop_answer(
        True,
        (
            _("Moved to %(day)s %(time)s with %(artist)s, %(minutes)s minutes.")
            if minutes
            else _("Moved to %(day)s %(time)s with %(artist)s.")
        )
        % {
            "day": formats.show(start, "DAY_SHORT_FORMAT"),
            "time": clock_label(start),
            "artist": current.artist,
            "minutes": current.minutes,
        },
        version=current.updated_at.isoformat(),
    )
