from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from accounts.access import health_staff_required
from audit.services import record_view
from clients.access import get_client_for_user

from .access import get_photo_for_user
from .forms import PhotoUploadForm
from .models import PhotoAngle, PhotoStage
from .services import latest_photo_per_angle, photos_add_many

RECENT_PHOTOS_SHOWN = 12
PRIVATE_HEADERS = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


def _safe_next(request) -> str | None:
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@require_safe
def photo_image(request, pk: int, size: str):
    photo = get_photo_for_user(request.user, pk)
    fields = {"web": photo.image, "thumb": photo.thumbnail}
    if size not in fields:
        raise Http404
    stored = fields[size]
    if size == "web":  # not thumbnails: list pages show dozens, which would drown the trail
        record_view(request, what="photo", obj=photo, client=photo.client_id)
    try:
        stored.storage.path(stored.name)
    except NotImplementedError:
        # Object storage: a signed URL that expires within minutes (querystring_expire).
        response = HttpResponseRedirect(stored.storage.url(stored.name))
    else:
        try:
            handle = stored.storage.open(stored.name, "rb")
        except FileNotFoundError as error:
            raise Http404 from error
        response = FileResponse(
            handle, content_type="image/jpeg", filename=f"photo-{photo.pk}-{size}.jpg"
        )
    for header, value in PRIVATE_HEADERS.items():
        response[header] = value
    return response


@require_http_methods(["GET", "POST"])
@health_staff_required
def photo_upload(request, client_pk: int):
    client = get_client_for_user(request.user, client_pk)
    angle = request.GET.get("angle")
    stage = request.GET.get("stage")
    initial = {"angle": angle if angle in PhotoAngle.values else PhotoAngle.FRONT}
    if stage in PhotoStage.values:
        initial["stage"] = stage
    form = PhotoUploadForm(request.POST or None, request.FILES or None, client=client)
    # Opened from a session log: that session is chosen (if it is this client's).
    session = request.GET.get("session", "")
    if session.isdigit() and form.fields["session"].queryset.filter(pk=session).exists():
        initial["session"] = int(session)
    form.initial = initial
    if request.method == "POST" and form.is_valid():
        try:
            added = photos_add_many(client=client, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            count = len(added)
            messages.success(
                request,
                ngettext("%(count)s photo added.", "%(count)s photos added.", count)
                % {"count": count},
            )
            return redirect(_safe_next(request) or client.get_absolute_url())
    previous = latest_photo_per_angle(client)
    lineup = [
        {"angle": value, "label": label, "photo": previous.get(value)}
        for value, label in PhotoAngle.choices
    ]
    recent = list(client.photos.order_by("-uploaded_at", "-id")[:RECENT_PHOTOS_SHOWN])
    return render(
        request,
        "photos/photo_upload.html",
        {
            "client": client,
            "form": form,
            "lineup": lineup,
            "photos": recent,
            "cancel_url": _safe_next(request) or client.get_absolute_url(),
            "action": reverse("photos:upload", args=[client.pk])
            + (f"?{request.GET.urlencode()}" if request.GET else ""),
        },
    )
