"""Fetching check-ins for the person asking (the policy: accounts/access.py)."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Role, User
from photos.models import Photo

from .models import CheckIn

PHOTO_FIELDS = ("pk", "width", "height", "angle", "uploaded_at")


def staff_check_ins() -> QuerySet[CheckIn]:
    """Check-ins as the staff pages show them, with what each row needs."""
    return CheckIn.objects.select_related(
        "client",
        "session__plan__lead_artist",
        "session__appointment",
        "session__aftercare_plan",
        "reviewed_by",
    ).prefetch_related(
        Prefetch("photos", queryset=Photo.objects.only(*PHOTO_FIELDS).order_by("pk"))
    )


def get_check_in_for_user(user: User, pk: int) -> CheckIn:
    """Any check-in for clinic staff, a client's own for that client, else 404."""
    if not user.is_authenticated:
        raise Http404
    if user.is_clinic_staff:
        return get_object_or_404(staff_check_ins(), pk=pk)
    if user.role == Role.CLIENT:
        return get_object_or_404(
            CheckIn.objects.select_related("client", "session__plan", "session__appointment"),
            pk=pk,
            client__user=user,
        )
    raise Http404
