import sys

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, InterfaceError
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import timezone
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.access import health_staff_required
from accounts.models import Role
from clients.selectors import clients_added_recently
from reminders.health import overdue_alert
from scheduling.selectors import diary_overview

from .health import broker_status, database_status
from .home_pages import (
    artist_home,
    day_rows,
    diary_trends,
    manager_brief,
    manager_needs,
    todays_list,
)
from .selectors import clinic_overview
from .todo import front_desk_todo

HOME_TEMPLATES = {
    Role.MANAGER: "home/manager.html",
    Role.ARTIST: "home/artist.html",
    Role.FRONT_DESK: "home/front_desk.html",
    Role.CLIENT: "home/client.html",
}


@require_safe
@login_required
def home(request):
    """Each role lands on its own page with today's real information."""
    user = request.user
    context = {"today": timezone.localdate()}
    if user.role in (Role.MANAGER, Role.FRONT_DESK, Role.ARTIST):
        context["recent_clients"] = clients_added_recently(limit=5)
    if user.role == Role.MANAGER:
        # The artist's own day comes with its flags (artist_home below), the front desk's
        # with tomorrow's to confirm (front_desk_todo).
        context["todays_appointments"] = todays_list(context["today"])
    if user.role == Role.ARTIST:
        context.update(artist_home(user, context["today"], timezone.now()))
    if user.role == Role.FRONT_DESK:
        context.update(front_desk_todo(today=context["today"], now=timezone.now()))
    if user.role == Role.MANAGER:
        context["overview"] = clinic_overview()
        context["diary"] = diary_overview(today=context["today"])
        context["trends"] = diary_trends(context["diary"])
        context["needs"] = manager_needs(context["today"], timezone.now())
        context["brief"] = manager_brief(context["today"])
    if user.role == Role.CLIENT:
        context["client"] = getattr(user, "client_record", None)
        if context["client"] is not None:
            # A client's home is their portal: plan, appointments, aftercare, forms.
            return redirect("portal:home")
    return render(request, HOME_TEMPLATES[Role(user.role)], context)


@require_safe
@never_cache
def healthz(request):
    """200 when the database and the broker both answer, 503 otherwise; reminders late by
    more than 10 minutes make the status "degraded"."""
    database = database_status()
    broker = broker_status()
    healthy = database.ok and broker.ok
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": {"ok": database.ok, "detail": database.detail},
        "broker": {"ok": broker.ok, "detail": broker.detail},
    }
    if database.ok:
        # Reminders late by more than 10 minutes: the app answers, but something
        # (worker, beat) is not doing its work. Reported, and the status says so.
        alert = overdue_alert()
        body["reminders"] = {"ok": alert is None, "detail": alert or "on time"}
        if alert and healthy:
            body["status"] = "degraded"
    return JsonResponse(body, status=200 if healthy else 503)


@require_safe
@health_staff_required
def day_sheet(request, day):
    """A printable sheet of one artist's day: clients, times, what each comes for (the
    plan session), and what each waits for (review, patch test, consent, deposit)."""
    from django.http import Http404

    from accounts.models import User

    artists = list(User.objects.filter(role=Role.ARTIST, is_active=True).order_by("first_name"))
    if not artists:
        raise Http404("No artists in the diary.")
    chosen = request.GET.get("artist", "")
    artist = next((a for a in artists if str(a.pk) == chosen), None)
    if artist is None:
        artist = request.user if request.user.role == Role.ARTIST else artists[0]
    return render(
        request,
        "home/day_sheet.html",
        {
            "day": day,
            "artist": artist,
            "artists": artists,
            "rows": day_rows(artist.pk, day, timezone.now()),
        },
    )


@require_safe
@never_cache
def livez(request):
    """The process answers (nothing else is asked): for a supervisor that restarts a web
    process that has hung."""
    return JsonResponse({"status": "alive"})


@require_safe
@never_cache
def readyz(request):
    """200 when the database answers, 503 otherwise: for a load balancer deciding whether to
    send this node requests. The broker being down does not take a node out (bookings are
    kept and their messages wait in the outbox); /healthz, for a monitor, says so."""
    database = database_status()
    body = {"status": "ready" if database.ok else "unavailable", "database": database.detail}
    return JsonResponse(body, status=200 if database.ok else 503)


DATABASE_DOWN = (
    "The clinic's system cannot reach its database just now: nothing was saved. "
    "Please try again in a few minutes."
)


def server_error(request):
    """The 500 handler: the API answers in JSON (503 when the database is down, so a caller
    knows to retry); every other page shows the plain error page."""
    if request.path.startswith("/api/"):
        error = sys.exc_info()[1]
        if isinstance(error, DatabaseError | InterfaceError):
            response = JsonResponse({"error": "unavailable", "detail": DATABASE_DOWN}, status=503)
            response["Retry-After"] = "60"
            return response
        return JsonResponse(
            {
                "error": "server_error",
                "detail": "Something went wrong on our side; nothing you sent was saved.",
            },
            status=500,
        )
    # As Django's own: no request context (its processors may need the database).
    page = loader.get_template(defaults.ERROR_500_TEMPLATE_NAME)
    return HttpResponseServerError(page.render({"reported": bool(settings.SENTRY_DSN)}))


@require_safe
def clinic_logo(request, version: int):
    """The clinic's logo, public (booking pages and emails show it). The address changes
    with each new logo, so browsers may keep it for a year."""
    from django.http import Http404

    from .clinic import clinic_profile

    profile = clinic_profile()
    if not profile.logo_png:
        raise Http404("No logo")
    response = HttpResponse(bytes(profile.logo_png), content_type="image/png")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
