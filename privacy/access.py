"""Fetching erasure requests for the person asking (the policy: accounts/access.py)."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Role, User

from .models import ErasureRequest


def get_erasure_request_for_user(user: User, pk: int) -> ErasureRequest:
    """Any erasure request for a manager, else 404."""
    if not user.is_authenticated or user.role != Role.MANAGER:
        raise Http404
    return get_object_or_404(ErasureRequest.objects.select_related("client", "confirmed_by"), pk=pk)
