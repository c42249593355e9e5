from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from smpclinic.clinic import clinic_logo_url, clinic_name

from .models import Role


def _nav_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    items = [{"label": _("Today"), "url": reverse("home"), "name": "home"}]
    if user.is_clinic_staff:
        items.append(
            {
                "label": _("Diary"),
                "url": reverse("scheduling:day", args=[timezone.localdate()]),
                "name": "scheduling",
            }
        )
        items.append({"label": _("Clients"), "url": reverse("clients:list"), "name": "clients"})
        consultations = reverse("consultations:list")
        items.append({"label": _("Consultations"), "url": consultations, "name": "consultations"})
        items.append(
            {"label": _("Check-ins"), "url": reverse("aftercare:queue"), "name": "aftercare"}
        )
        items.append(
            {
                "label": pgettext("navigation", "Waitlist"),
                "url": reverse("waitlist:list"),
                "name": "waitlist",
            }
        )
        items.append(
            {"label": _("Reminders"), "url": reverse("reminders:list"), "name": "reminders"}
        )
    if user.can_edit_clients:
        items.append(
            {"label": _("New client"), "url": reverse("clients:create"), "name": "client-new"}
        )
    if user.role in (Role.MANAGER, Role.ARTIST):
        items.append({"label": _("Reports"), "url": reverse("reports:report"), "name": "reports"})
    if user.role == Role.CLIENT and getattr(user, "client_record", None) is not None:
        # The portal's own tabs lead to the rest (appointments, aftercare, forms…).
        items = [
            {"label": _("My plan"), "url": reverse("portal:home"), "name": "portal"},
            {"label": _("My data"), "url": reverse("privacy:mine"), "name": "privacy"},
        ]
    return items


def _account_items_for(user) -> list[dict]:
    """The signed-in person's own settings, in the account menu."""
    if not user.is_authenticated:
        return []
    items = [{"label": _("Change password"), "url": reverse("accounts:password_change")}]
    if user.is_clinic_staff:
        items.append({"label": _("Two-factor sign-in"), "url": reverse("accounts:two_factor")})
        items.append({"label": _("My hours"), "url": reverse("staff_hours:my_hours")})
    if user.role in (Role.ARTIST, Role.MANAGER):
        items.append({"label": _("Calendar feed"), "url": reverse("ics:my_feed")})
    if user.can_edit_clients:
        items.append({"label": _("Takings"), "url": reverse("billing_takings:takings")})
    if user.is_manager:
        # The manager's tools, in their menu: the main bar stays on one line at 1280 px.
        items.append({"label": _("Team"), "url": reverse("team:list")})
        items.append({"label": _("Audit"), "url": reverse("audit:staff_list")})
        items.append({"label": _("Prices and deposits"), "url": reverse("billing_settings:prices")})
        items.append({"label": _("Settings"), "url": reverse("clinic_settings:index")})
    return items


def _second_step_owed(request) -> bool:
    from .two_factor import SESSION_STEP_KEY, Step, is_verified

    step = request.session.get(SESSION_STEP_KEY) if hasattr(request, "session") else None
    return step == Step.ENROL or (step == Step.CODE and not is_verified(request))


# The two menus depend only on what is in the key below: the role (and, for a client,
# whether they have a record), the page's language, the day (the diary link) and the
# address map. Every signed-in page shows them, so each process builds them once per
# key instead of reversing about twenty addresses and translating their labels on every
# request. Nothing a person or the clinic edits changes them, so nothing needs clearing
# but a change of settings (tests that swap the address map or the languages).
_menus: dict[tuple, tuple[tuple[dict, ...], tuple[dict, ...]]] = {}


@receiver(setting_changed)
def _forget_menus(**kwargs) -> None:
    _menus.clear()


def _menus_for(user) -> tuple[tuple[dict, ...], tuple[dict, ...]]:
    has_record = user.role == Role.CLIENT and getattr(user, "client_record", None) is not None
    today = timezone.localdate()
    key = (
        user.role,
        has_record,
        translation.get_language(),
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
        today,
    )
    menus = _menus.get(key)
    if menus is None:
        if any(other[-1] != today for other in list(_menus)):
            # A new day: yesterday's diary links are of no more use.
            _menus.clear()
        menus = _menus[key] = (tuple(_nav_for(user)), tuple(_account_items_for(user)))
    return menus


def _marked_active(items: tuple[dict, ...], request) -> list[dict]:
    """The main menu's entries, the one for the page's own part of the app marked."""
    match = getattr(request, "resolver_match", None)
    here = {match.url_name, match.app_name} if match is not None else set()
    return [{**item, "active": item["name"] in here} for item in items]


def navigation(request):
    """The menu shows only what the signed-in person's role may use (nothing while
    they still owe the two-factor step: none of it would open)."""
    user = getattr(request, "user", None)
    show = user is not None and user.is_authenticated and not _second_step_owed(request)
    nav_items, account_items = _menus_for(user) if show else ((), ())
    return {
        "clinic_name": clinic_name(),
        "clinic_logo_url": clinic_logo_url(),
        "nav_items": _marked_active(nav_items, request),
        "account_items": account_items,
    }
