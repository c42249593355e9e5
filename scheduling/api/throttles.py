"""How often the API answers one caller.

Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] ("anon", "user", "bookings"),
read on every request rather than once at import as DRF's own classes do, so a
changed setting takes effect without a restart.
"""

from django.core.exceptions import ImproperlyConfigured
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from accounts.models import STAFF_ROLES


def client_address(request) -> str:
    """The caller's IP address.

    X-Forwarded-For is believed only as far as REST_FRAMEWORK["NUM_PROXIES"] says
    there are proxies in front of the app. DRF trusts the whole header when
    NUM_PROXIES is unset, which would let anyone dodge a limit by sending a
    made-up header; here unset means no proxy.
    """
    remote = request.META.get("REMOTE_ADDR") or ""
    proxies = api_settings.NUM_PROXIES or 0
    forwarded = request.headers.get("x-forwarded-for")
    if proxies <= 0 or not forwarded:
        return remote
    addresses = [address.strip() for address in forwarded.split(",")]
    return addresses[-min(proxies, len(addresses))] or remote


class _RateFromSettings:
    scope: str

    def get_rate(self):
        try:
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        except KeyError:
            raise ImproperlyConfigured(
                f'REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] has no rate for "{self.scope}".'
            ) from None

    def get_ident(self, request):
        return client_address(request)


class AnonymousThrottle(_RateFromSettings, AnonRateThrottle):
    """Anonymous callers, per IP address ("anon" rate)."""


class SignedInThrottle(_RateFromSettings, UserRateThrottle):
    """Signed-in callers (session or token), per person ("user" rate)."""


class BookingThrottle(_RateFromSettings, SimpleRateThrottle):
    """New bookings from the public, per IP address ("bookings" rate).

    Staff are counted by SignedInThrottle instead: a clinic's own integration
    books more than a member of the public would.
    """

    scope = "bookings"

    def get_cache_key(self, request, view):
        user = request.user
        if user and user.is_authenticated and user.role in STAFF_ROLES:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
