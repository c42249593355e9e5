"""Calendar files: staff download one appointment, clients their own, artists subscribe."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from icalendar import Calendar

from accounts.access import role_required, staff_required
from accounts.models import Role, User
from smpclinic.i18n import use_client_language

from .access import get_appointment_for_user, get_feed_artist_for_user
from .ics import (
    artist_feed_calendar,
    calendar_host,
    client_calendar,
    feed_appointments,
    feed_renew,
    feed_revoke,
    staff_calendar,
)
from .models import CalendarFeed
from .tokens import ManageLinkInvalid, appointment_from_manage_token


def ics_response(calendar: Calendar, filename: str) -> HttpResponse:
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Feeds and files carry people's appointments: no shared cache may keep them.
    response["Cache-Control"] = "no-store"
    return response


@require_safe
@staff_required
def appointment_ics(request, pk: int):
    appointment = get_appointment_for_user(request.user, pk, for_calendar=True)
    calendar = staff_calendar(
        appointment,
        host=calendar_host(),
        url=request.build_absolute_uri(appointment.get_absolute_url()),
    )
    return ics_response(calendar, f"appointment-{appointment.pk}.ics")


@require_safe
def manage_appointment_ics(request, token: str):
    try:
        appointment = appointment_from_manage_token(token)
    except ManageLinkInvalid as error:
        raise Http404(str(error)) from error
    use_client_language(request, appointment.client)
    calendar = client_calendar(
        appointment,
        host=calendar_host(),
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
        feed.artist, feed_appointments(feed.artist_id), host=calendar_host()
    )
    return ics_response(calendar, "appointments.ics")


@require_http_methods(["GET", "POST"])
@role_required(Role.ARTIST, Role.MANAGER)
def my_feed(request):
    artist = get_feed_artist_for_user(request.user, request.GET.get("artist"))
    if artist is None:
        artists = User.objects.filter(role=Role.ARTIST, is_active=True).order_by(
            "first_name", "last_name", "id"
        )
        return render(request, "ics/choose_artist.html", {"artists": artists})
    own = artist == request.user
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            feed_revoke(artist=artist)
            messages.success(
                request, _("The calendar feed is off. The old address no longer works.")
            )
        else:
            feed_renew(artist=artist)
            messages.success(
                request,
                _("A new calendar address is ready. Any address given out before no longer works."),
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
