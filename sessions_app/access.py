"""Fetching plans and sessions for the person asking (the policy: accounts/access.py).

Plans and sessions are reached by id only by clinic staff; a client sees their own
in the portal, which never takes a plan's or a session's id.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User

from .models import TreatmentPlan, TreatmentSession
from .plans import may_log_session


def _staff_only(user: User) -> None:
    if not user.is_authenticated or not user.is_clinic_staff:
        raise Http404


def get_plan_for_user(user: User, pk: int) -> TreatmentPlan:
    """Any plan for clinic staff, else 404."""
    _staff_only(user)
    return get_object_or_404(TreatmentPlan.objects.select_related("client", "lead_artist"), pk=pk)


def get_session_for_user(user: User, pk: int, *, to_log: bool = False) -> TreatmentSession:
    """Any session for clinic staff, else 404.

    `to_log`: the person will log the session or judge its healing, which only the
    plan's or the session's artist, or a manager, may do (403 for other staff).
    """
    _staff_only(user)
    session = get_object_or_404(
        TreatmentSession.objects.select_related(
            "plan__client", "plan__lead_artist", "appointment__artist"
        ),
        pk=pk,
    )
    if to_log and not may_log_session(user, session):
        raise PermissionDenied("Only the client's artist or a manager can log this session.")
    return session
