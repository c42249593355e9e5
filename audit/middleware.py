"""Tells django-auditlog who is making a change, and from which address."""

from auditlog.middleware import AuditlogMiddleware

from smpclinic.net import client_ip


class AuditActorMiddleware(AuditlogMiddleware):
    """auditlog's middleware with two differences.

    - The address is smpclinic.net.client_ip: the one the sign-in lockout and the rate
      limits use, which believes X-Forwarded-For only as far as the clinic's own proxies
      (API_NUM_PROXIES). auditlog's own would take the left-most, caller-chosen value.
    - Nothing is looked up until a change is actually written: the signed-in user stays
      the lazy request.user and the address a callable, so a page that changes nothing
      costs no extra query.
    """

    def get_extra_data(self, request):
        return {
            "actor": getattr(request, "user", None),
            "remote_addr": lambda: client_ip(request) or None,
            "remote_port": None,
        }
