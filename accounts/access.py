"""Who may open what: one policy, one family of helpers, for every page.

The policy (the README's "Security and privacy" says the same):

1. Anyone not signed in is sent to sign in (the JSON API answers 401).
2. Health pages do not exist for clients. A staff page that shows or changes health
   records — the client record, consultations and their forms, treatment plans and
   sessions, progress, check-ins, photos, consent signatures and the audit trail —
   answers a signed-in client 404, exactly as an address that does not exist.
3. Staff whose role lacks the right get 403, and the refusal is logged: they know the
   page exists, and a 404 would only send them looking for a broken link.
4. An object the person may not see answers 404 whether it exists or not: another
   client's record, a client's own page asked for by anyone else, an unknown id.
5. Staff who may see an object but not change it (an artist logging a session of
   another artist's client) get 403.
6. Other staff pages (the diary, the client list, reminders, settings) answer clients
   403 like any role without the right: they hold no health record.

How views apply it — nothing else decides access:

- a decorator for the page's audience: `role_required(...)` (rules 1, 3, 6),
  `health_page(...)` (rules 1, 2, 3) or `client_required` (a client's own pages,
  rule 4 for everyone else); the portal's `client_portal_required` (portal/access.py)
  is the portal's door: its own sign-in page, staff sent to their home;
- for one object, `get_<thing>_for_user(user, pk)` in the owning app's `access`
  module: it checks role and ownership, does the `select_related`, and raises 404
  (rule 4) or, for a change the person may not make, 403 (rule 5).

smpclinic/permissions_table.py lists every URL with the outcome each visitor gets,
and smpclinic/tests/test_permission_sweep.py checks it, rule 2 included.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from . import security_log
from .models import CLIENT_EDITOR_ROLES, STAFF_ROLES, Role, User


def role_required(*roles: Role):
    """Anonymous people are sent to sign in; signed-in people of another role get 403."""
    allowed = frozenset(roles)

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if request.user.role not in allowed:
                security_log.access_refused(request, reason="role")
                raise PermissionDenied("Your role does not give access to this page.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def health_page(*roles: Role):
    """A staff page holding health records: clients get 404, staff of another role 403."""
    allowed = frozenset(roles)
    if not allowed <= STAFF_ROLES:
        raise ValueError("health pages are for clinic staff; clients see theirs in the portal")

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if request.user.role not in STAFF_ROLES:
                raise Http404
            if request.user.role not in allowed:
                security_log.access_refused(request, reason="role")
                raise PermissionDenied("Your role does not give access to this page.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def client_required(view):
    """A client's own page: anonymous people sign in, anyone else gets 404."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if request.user.role != Role.CLIENT:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def get_staff_member_for_user(user: User, pk: int) -> User:
    """A member of staff (present or past), for a manager; anyone else finds nothing (404)."""
    if not user.is_authenticated or user.role != Role.MANAGER:
        raise Http404
    return get_object_or_404(User, pk=pk, role__in=STAFF_ROLES)


staff_required = role_required(*STAFF_ROLES)
client_editor_required = role_required(*CLIENT_EDITOR_ROLES)
manager_required = role_required(Role.MANAGER)

health_staff_required = health_page(*STAFF_ROLES)
health_practitioner_required = health_page(Role.ARTIST, Role.MANAGER)
health_editor_required = health_page(*CLIENT_EDITOR_ROLES)
health_manager_required = health_page(Role.MANAGER)
