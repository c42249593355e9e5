"""The language of each page, message and PDF.

- A signed-in staff member sees their own language (User.language), or the clinic's.
- A client's own pages (the portal, the links in their messages, their PDFs) use the
  client's language (Client.language): the view that knows the client calls
  `use_client_language`.
- Everyone else (the public booking pages) chooses with `?lang=es`, which a cookie then
  keeps; without a choice the browser's preference decides. A browser asking for any
  English gets the clinic's own English, so a British clinic stays British.

A language code that is not one of settings.LANGUAGES (a typed URL, an old cookie, a
tampered form) falls back to the clinic's default language: never an error.
"""

from __future__ import annotations

import gettext as gettext_module

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

LANG_PARAM = "lang"


def default_language() -> str:
    return settings.LANGUAGE_CODE.lower()


def supported(code: str | None) -> str | None:
    """The supported language for a code (es-MX → es), or None when there is none.

    English without a region ("en") is the clinic's own English.
    """
    if not code or not isinstance(code, str) or len(code) > 20:
        return None
    code = code.strip().lower().replace("_", "-")
    default = default_language()
    if code == default.split("-")[0]:
        return default
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def language_or_default(code: str | None) -> str:
    """The code when it is supported, otherwise the clinic's default language."""
    return supported(code) or default_language()


def language_choices() -> list[tuple[str, str]]:
    return [(code, name) for code, name in settings.LANGUAGES]


def other_languages() -> list[tuple[str, str]]:
    """The languages a client may read other than the clinic's own, for the clinic's texts
    (its English variants share the clinic's wording, so an English clinic is asked only
    for Spanish)."""
    own = default_language()
    return [(code, name) for code, name in settings.LANGUAGES if code[:2] != own[:2]]


def _browser_language(request) -> str:
    cookie = supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    if cookie:
        return cookie
    accept = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in translation.trans_real.parse_accept_lang_header(accept):
        if code == "*":
            break
        found = supported(code)
        if found:
            # The browser's English is the clinic's English (dates and words stay local).
            if found.split("-")[0] == default_language().split("-")[0]:
                return default_language()
            return found
    return default_language()


def chosen_language(request) -> str | None:
    """The language picked through `?lang=` on this request, when supported."""
    return supported(request.GET.get(LANG_PARAM))


def activate(request, code: str) -> None:
    translation.activate(code)
    _skip_empty_catalogues(code)
    request.LANGUAGE_CODE = translation.get_language()


def _skip_empty_catalogues(code: str) -> None:
    """Unlink the catalogues that hold no text from a language's chain of fallbacks.

    For British English, Django and each of its bundled apps bring a plain English
    catalogue that holds only its header; each is chained behind the last, so a text
    without a British spelling (most of them) was looked for in seven catalogues in
    turn, 6 µs each time, a few hundred times a page. A catalogue without texts can
    answer nothing, so skipping it changes no translation. Done once per language (the
    catalogues are built once per process).
    """
    from django.utils.translation import trans_real

    catalogue = trans_real.translation(code)
    if getattr(catalogue, "_empty_fallbacks_skipped", False):
        return
    link = catalogue
    while link is not None:
        following = link._fallback
        while following is not None and _holds_no_texts(following):
            following = following._fallback
        link._fallback = following
        link = following
    catalogue._empty_fallbacks_skipped = True


def _holds_no_texts(catalogue) -> bool:
    texts = getattr(catalogue, "_catalog", None)
    return (
        type(catalogue) is gettext_module.GNUTranslations
        and isinstance(texts, dict)
        and all(key == "" for key in texts)
    )


def use_client_language(request, client) -> str:
    """Show this page in the client's language (a choice made on the page itself wins)."""
    code = chosen_language(request) or language_or_default(getattr(client, "language", ""))
    activate(request, code)
    return code


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = chosen_language(request)
        activate(request, self.language_for(request, chosen))
        response = self.get_response(request)
        if chosen:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                chosen,
                max_age=365 * 24 * 60 * 60,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
            )
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", translation.get_language())
        translation.deactivate()
        return response

    @staticmethod
    def language_for(request, chosen: str | None) -> str:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "language", ""):
            from accounts.models import Role

            if user.role != Role.CLIENT:
                return language_or_default(user.language)
        if chosen:
            return chosen
        return _browser_language(request)


def _local_name(code: str) -> str:
    """A language's name in itself: "español", "British English"; Django knows American
    English only as "English", so its name comes from settings.LANGUAGES."""
    info = translation.get_language_info(code)
    return info["name_local"] if info["code"] == code else dict(settings.LANGUAGES)[code]


def public_languages() -> list[tuple[str, str]]:
    """The languages a visitor can pick: the clinic's own, and those of other tongues."""
    default = default_language()
    base = default.split("-")[0]
    shown = [(default, _local_name(default))]
    for code, _name in settings.LANGUAGES:
        if code.split("-")[0] != base:
            shown.append((code, _local_name(code)))
    if len(shown) > 1 and base == "en":
        shown[0] = (default, "English")
    return shown


def languages(request):
    """Template context: the page's language, and links to the same page in the others."""
    current = translation.get_language() or default_language()
    links = []
    user = getattr(request, "user", None)
    if not getattr(user, "is_clinic_staff", False):
        for code, name in public_languages():
            query = request.GET.copy()
            query[LANG_PARAM] = code
            links.append(
                {
                    "code": code,
                    "name": name,
                    # Relative: the same page (its path may carry a private token).
                    "url": f"?{query.urlencode()}",
                    "current": code == current,
                }
            )
    return {"page_language": current, "language_links": links}
