"""Keep private pages out of browser and proxy caches.

Everything a signed-in person sees may be health data, and a token link (forms,
check-in, managing a booking) shows one client's details to whoever holds it: none
of it may be stored by a shared computer's browser cache or a proxy on the way.
"""

import logging
from urllib.parse import unquote_plus

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.template.response import SimpleTemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext

from .database import BUSY_PAGE_MESSAGE, RETRY_AFTER_SECONDS, database_busy
from .validators import has_nul

logger = logging.getLogger(__name__)

# Pages reached through a private link in a message, shown without signing in.
TOKEN_LINK_PREFIXES = (
    "/consultation-forms/",
    "/check-in/",
    "/book/manage/",
    "/book/confirmed/",
    "/ics/",
    "/reminders/confirm/",
    "/portal/",
    "/my-data/",
)


def needs_no_store(request) -> bool:
    path = request.path_info
    static_prefix = "/" + settings.STATIC_URL.lstrip("/")
    if path.startswith(static_prefix):
        return False
    if path.startswith(TOKEN_LINK_PREFIXES):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class NoStoreForPrivatePagesMiddleware:
    """`Cache-Control: no-store, private` for signed-in people and token-link pages,
    unless the view chose its own Cache-Control."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control") and needs_no_store(request):
            patch_cache_control(response, no_store=True, private=True)
        return response


class RefuseNulCharactersMiddleware:
    """400 for an address or query string holding a NUL character.

    No page of the app takes one, and PostgreSQL refuses it in any query (a search
    box, a token looked up): the visitor gets a plain "bad request" instead of a
    server error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = unquote_plus(request.META.get("QUERY_STRING", ""), errors="replace")
        if has_nul(request.path_info) or has_nul(query):
            message = "This address holds a character that is not allowed."
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class DatabaseBusyMiddleware:
    """503 "try again in a moment" when SQLite stayed busy past its lock timeout.

    A page that writes waits for the write lock (smpclinic.database); if a burst
    of writers outlasts the wait, nothing was saved and the visitor is told to try
    again, with Retry-After, instead of getting a server error. Pages with an answer
    of their own (online booking, the booking API) catch it first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_busy(exception):
            return None
        logger.warning("%s %s: the database stayed busy", request.method, request.path_info)
        if request.path_info.startswith("/api/"):
            response = JsonResponse({"error": "busy", "detail": BUSY_PAGE_MESSAGE}, status=503)
        else:
            response = SimpleTemplateResponse(
                "503.html", {"message": gettext(BUSY_PAGE_MESSAGE)}, status=503
            ).render()
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
