"""Sign-in lockout (django-axes) as the clinic's pages use it."""

import ipaddress

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.shortcuts import render

from smpclinic.net import client_ip


def lockout_ip(request) -> str:
    """The address failures are counted against (AXES_CLIENT_IP_CALLABLE): the client's
    address through the clinic's proxies, if it is an address at all. A forwarded
    header is partly the caller's to write; junk there must not break sign-in (the
    database column holds addresses only), so the connection's own address is used."""
    candidate = client_ip(request)
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return request.META.get("REMOTE_ADDR", "")


def _credentials(username: str) -> dict:
    return {"username": username}


def locked_out_now(request, username: str) -> bool:
    return AxesProxyHandler.is_locked(request, _credentials(username))


def lockout_clear(request, username: str) -> None:
    """Forget this address's failures for this person once they are fully signed in."""
    ip = lockout_ip(request)
    if ip and username:
        AxesProxyHandler.reset_attempts(ip_address=ip, username=username.strip().lower())


def lockout_response(request, original_response=None, credentials=None):
    """The page for a locked-out sign-in (AXES_LOCKOUT_CALLABLE). It reads the same
    whether or not the typed email has an account."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes},
        status=429,
    )
