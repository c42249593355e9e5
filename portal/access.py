"""Who may open the portal: a signed-in client with a client record.

Staff who open a portal page are sent to their own home page. Every portal page
refreshes the client's session expiry: two hours after the last page they opened,
they must sign in again (a phone left on a table does not stay signed in all day).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

from accounts.models import Role
from clients.access import client_of_user
from smpclinic.i18n import chosen_language, use_client_language

# Two hours after the last portal page, the sign-in ends.
CLIENT_IDLE_SECONDS = 60 * 60 * 2


def client_portal_required(view):
    """The view gets `request.client` (the signed-in person's client record)."""

    @wraps(view)
    @login_required(login_url="portal:signin")
    @never_cache
    def wrapped(request, *args, **kwargs):
        user = request.user
        if user.role != Role.CLIENT:
            return redirect("home")
        client = client_of_user(user)
        if client is None:
            raise PermissionDenied("This sign-in is not linked to a client record.")
        request.client = client
        chosen = chosen_language(request)
        if chosen and chosen != client.language:
            # Picked on a portal page: their messages and PDFs follow from now on.
            client.language = chosen
            client.save(update_fields=["language"])
        use_client_language(request, client)
        request.session.set_expiry(CLIENT_IDLE_SECONDS)
        return view(request, *args, **kwargs)

    return wrapped
