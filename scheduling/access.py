"""Fetching an appointment for the person asking (the policy: accounts/access.py)."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Role, User

from .ics import with_sequence
from .models import Appointment, TimeOff


def get_appointment_for_user(user: User, pk: int, *, for_calendar: bool = False) -> Appointment:
    """Any appointment for clinic staff, a client's own for that client, else 404.

    `for_calendar` adds the sequence number a calendar file needs to update an event.
    """
    appointments = Appointment.objects.select_related("client", "type", "artist", "room")
    if for_calendar:
        appointments = with_sequence(appointments)
    if not user.is_authenticated:
        raise Http404
    if user.is_clinic_staff:
        return get_object_or_404(appointments.select_related("booked_by"), pk=pk)
    if user.role == Role.CLIENT:
        return get_object_or_404(appointments, pk=pk, client__user=user)
    raise Http404


def get_feed_artist_for_user(user: User, artist_id: str | None) -> User | None:
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


def get_time_off_for_user(user: User, pk: int, *, own_only: bool = False) -> TimeOff:
    """Time off (or a request for it): the manager's to see any of, a member of staff's
    only their own; anything else is 404 whether it exists or not."""
    if not user.is_authenticated or not user.is_clinic_staff:
        raise Http404
    time_off = TimeOff.objects.select_related("artist")
    if user.role == Role.MANAGER and not own_only:
        return get_object_or_404(time_off, pk=pk)
    return get_object_or_404(time_off, pk=pk, artist=user)
