"""Sign-in lockout, in front of Django's own email + password check."""

from axes.backends import AxesStandaloneBackend


def lockout_username(request, credentials) -> str:
    """The email a lockout is counted against, as typed but case-folded: `Desk@...`
    and `desk@...` are one person to the lockout as they are to sign-in."""
    if credentials:
        typed = credentials.get("username")
    else:
        typed = getattr(request, "POST", {}).get("username")
    return (typed or "").strip().lower()[:255]


class LockoutBackend(AxesStandaloneBackend):
    """Refuses sign-in for a locked-out email + address pair; signs no one in itself.

    Sign-in pages always pass the request. Code that authenticates without one (a
    shell, the test client's `login()`) has no address to count failures against, so
    it is not checked here; a wrong password is still refused by the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
