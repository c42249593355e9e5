"""Calendar files: staff download one appointment, clients their own, artists subscribe."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe
from icalendar import Calendar

from accounts.access import role_required, staff_required
from accounts.models import Role, User

from .ics import (
    artist_feed_calendar,
    client_calendar,
    feed_appointments,
    feed_renew,
    feed_revoke,
    staff_calendar,
    with_sequence,
)
from .models import Appointment, CalendarFeed
from .tokens import ManageLinkInvalid, appointment_from_manage_token


def calendar_host(request) -> str:
    domain, _port = split_domain_port(request.get_host())
    return domain or "localhost"


def ics_response(calendar: Calendar, filename: str) -> HttpResponse:
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Feeds and files carry people's appointments: no shared cache may keep them.
    response["Cache-Control"] = "no-store"
    return response


def _get_appointment_for_user(user, pk: int) -> Appointment:
    """Any appointment for clinic staff (the decorator has checked the role), else 404."""
    return get_object_or_404(with_sequence(Appointment.objects.all()), pk=pk)


def _get_feed_artist_for_user(user, artist_id: str | None) -> User | None:
    """Whose feed this person may manage: their own, or (a manager) any artist's.

    None means a manager has not chosen an artist yet.
    """
    artists = User.objects.filter(role=Role.ARTIST, is_active=True)
    if user.role == Role.ARTIST:
        if artist_id not in (None, "", str(user.pk)):
            raise Http404("Artists manage only their own feed.")
        return user
    if not artist_id:
        return None
    if not artist_id.isdigit():
        raise Http404("No such artist.")
    return get_object_or_404(artists, pk=int(artist_id))


@require_safe
@staff_required
def appointment_ics(request, pk: int):
    appointment = _get_appointment_for_user(request.user, pk)
    calendar = staff_calendar(
        appointment,
        host=calendar_host(request),
        url=request.build_absolute_uri(appointment.get_absolute_url()),
    )
    return ics_response(calendar, f"appointment-{appointment.pk}.ics")


@require_safe
def manage_appointment_ics(request, token: str):
    try:
        appointment = appointment_from_manage_token(token)
    except ManageLinkInvalid as error:
        raise Http404(str(error)) from error
    calendar = client_calendar(
        appointment,
        host=calendar_host(request),
        manage_url=request.build_absolute_uri(reverse("booking:manage", args=[token])),
    )
    return ics_response(calendar, f"{appointment.type.slug}.ics")


@require_safe
def artist_feed(request, token: str):
    feed = get_object_or_404(
        CalendarFeed.objects.select_related("artist"),
        token=token,
        artist__role=Role.ARTIST,
        artist__is_active=True,
    )
    calendar = artist_feed_calendar(
        feed.artist, feed_appointments(feed.artist_id), host=calendar_host(request)
    )
    return ics_response(calendar, "appointments.ics")


@require_http_methods(["GET", "POST"])
@role_required(Role.ARTIST, Role.MANAGER)
def my_feed(request):
    artist = _get_feed_artist_for_user(request.user, request.GET.get("artist"))
    if artist is None:
        artists = User.objects.filter(role=Role.ARTIST, is_active=True).order_by(
            "first_name", "last_name", "id"
        )
        return render(request, "ics/choose_artist.html", {"artists": artists})
    own = artist == request.user
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            feed_revoke(artist=artist)
            messages.success(request, "The calendar feed is off. The old address no longer works.")
        else:
            feed_renew(artist=artist)
            messages.success(
                request,
                "A new calendar address is ready. Any address given out before no longer works.",
            )
        url = reverse("ics:my_feed")
        return redirect(url if own else f"{url}?artist={artist.pk}")
    feed = CalendarFeed.objects.filter(artist=artist).first()
    feed_url = (
        request.build_absolute_uri(reverse("ics:artist_feed", args=[feed.token])) if feed else ""
    )
    return render(
        request,
        "ics/my_feed.html",
        {
            "artist": artist,
            "own": own,
            "feed": feed,
            "feed_url": feed_url,
            "webcal_url": feed_url.replace("https://", "webcal://").replace("http://", "webcal://"),
        },
    )
