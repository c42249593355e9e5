"""Who may handle money (see accounts.access for the policy).

The front desk and the manager take payments, record charges and waive deposits; the
manager alone refunds, credits, withdraws a charge and overrides the cancellation
policy. Artists do not handle money; clients see their own account in the portal.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.models import CLIENT_EDITOR_ROLES, Role

from .models import Deposit, LedgerEntry


def may_handle_money(user) -> bool:
    return user.is_authenticated and user.role in CLIENT_EDITOR_ROLES


def may_approve(user) -> bool:
    """Refunds, credits, withdrawn charges and policy overrides."""
    return user.is_authenticated and user.role == Role.MANAGER


def require_manager(user) -> None:
    if not may_approve(user):
        raise PermissionDenied("Only the manager can do this.")


def get_deposit_for_user(user, pk: int) -> Deposit:
    if not may_handle_money(user):
        raise PermissionDenied("Your role does not handle money.")
    return get_object_or_404(
        Deposit.objects.select_related("appointment__type", "appointment__artist", "client"),
        pk=pk,
    )


def get_entry_for_user(user, pk: int) -> LedgerEntry:
    require_manager(user)
    return get_object_or_404(LedgerEntry.objects.select_related("client"), pk=pk)
