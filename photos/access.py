"""Fetching a photo for the person asking (the policy: accounts/access.py)."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Role, User

from .models import Photo


def get_photo_for_user(user: User, pk: int) -> Photo:
    """The photo if this person may see it, else 404 (never 403 or a sign-in page,
    so a photo's URL tells an outsider nothing, not even that it exists).

    Every staff role sees every client's photos: artists work on whoever is booked
    with them, and the front desk shows clients their progress. A client sees their
    own photos that the clinic has shared with them.
    """
    photos = Photo.objects.only("pk", "client_id", "image", "thumbnail", "shared_with_client")
    if not user.is_authenticated:
        raise Http404
    if user.is_clinic_staff:
        return get_object_or_404(photos, pk=pk)
    if user.role == Role.CLIENT:
        return get_object_or_404(photos, pk=pk, client__user=user, shared_with_client=True)
    raise Http404
