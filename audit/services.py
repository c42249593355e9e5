"""Writing the view half of the audit trail. The change half is django-auditlog's."""

from django.http import HttpRequest

from smpclinic.net import client_ip

from .models import RecordView

# Only these methods show a record; a POST is a change, and auditlog records it.
_VIEWING_METHODS = frozenset({"GET", "HEAD"})


def record_view(request: HttpRequest, *, what: str, obj=None, client) -> None:
    """Note that the signed-in member of staff is looking at part of a client's record.

    One INSERT and nothing else: `client` may be a Client or its id, and `obj` is only
    read for its pk, so callers pass what the view already loaded.

    Not recorded: a client looking at their own record (it says nothing about who in the
    clinic saw it), anonymous requests, and form submissions (POST), whose changes the
    change log holds.
    """
    user = request.user
    if request.method not in _VIEWING_METHODS or not getattr(user, "is_clinic_staff", False):
        return
    RecordView.objects.create(
        user=user,
        ip=client_ip(request) or None,
        client_id=getattr(client, "pk", client),
        what=what[:40],
        object_id=getattr(obj, "pk", None),
        path=request.get_full_path()[:500],
    )
