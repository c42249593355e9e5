"""The JavaScript catalogue: the texts our scripts show, in one language, as a script.

Served from our own origin at /jsi18n/<language>.js, so the Content-Security-Policy's
`script-src 'self'` lets it run (Django's catalogue defines gettext() and interpolate()
as functions; nothing inline, nothing evaluated). The language is in the address, not
taken from the visitor, so one cached copy fits everyone who reads that language; the
copy is kept an hour and then checked again by its ETag (a deploy with new texts is
picked up within the hour; until then the scripts show their English).

A page loads it before its scripts with {% include "includes/js_catalog.html" %}.
"""

from __future__ import annotations

from django.http import Http404
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.views.decorators.http import require_safe
from django.views.i18n import JavaScriptCatalog

from .i18n import supported

CACHE_SECONDS = 60 * 60

_catalogue = JavaScriptCatalog.as_view(domain="djangojs")


@require_safe
def javascript_catalog(request, language: str):
    code = supported(language)
    if code is None or code != language.lower():
        raise Http404("No such language.")
    with translation.override(code):
        response = _catalogue(request)
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    set_response_etag(response)
    return get_conditional_response(request, etag=response["ETag"], response=response)
