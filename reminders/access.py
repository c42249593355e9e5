"""Fetching a text message from a client for the person asking (the policy: accounts/access.py)."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import CLIENT_EDITOR_ROLES, User

from .models import InboundMessage


def get_inbound_message_for_user(user: User, pk: int) -> InboundMessage:
    """Any text message received, for the front desk and managers; nobody else (404)."""
    if not user.is_authenticated or user.role not in CLIENT_EDITOR_ROLES:
        raise Http404
    return get_object_or_404(InboundMessage.objects.select_related("client", "read_by"), pk=pk)
