"""Who may open which screen. Views use these decorators, never ad-hoc checks."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from . import security_log
from .models import CLIENT_EDITOR_ROLES, STAFF_ROLES, Role


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


staff_required = role_required(*STAFF_ROLES)
client_editor_required = role_required(*CLIENT_EDITOR_ROLES)
