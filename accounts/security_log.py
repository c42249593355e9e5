"""The security log: who signed in, who failed, who was locked out or refused a page.

One line per event on the `security` logger, as `key=value` pairs: the event, who
(user id and email, or the email as typed when nobody matched, cut to 100
characters), the address (smpclinic.net.client_ip) and the time in UTC. Passwords,
codes, session ids and tokens are never written.

This module is loaded by the logging set-up, before the apps: no model imports here.
"""

import datetime
import logging
import re

logger = logging.getLogger("security")

TYPED_USERNAME_MAX = 100

# C0 and C1 control characters, DEL, and the Unicode line and paragraph separators:
# anything a terminal or log viewer may take as the end of a line.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(match: re.Match) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    return _CONTROL.sub(_escaped, text)


class EscapeControlCharacters(logging.Filter):
    """Writes control characters in a record's message and arguments escaped, so text
    someone typed (an email, a URL) cannot end a log line and forge the next one.

    The message is formatted here, once: an argument's own `str()` is escaped too.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string still gets logged
            message = f"{record.msg!r} {record.args!r}"
        record.msg = escape_controls(message)
        record.args = None
        return True


def _utc_now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def _quote(value) -> str:
    text = str(value)
    if not text or any(ch in text for ch in ' "='):
        text = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def record(event: str, *, request=None, user=None, typed_username=None, **details) -> None:
    """Write one security event. `details` must never hold a secret."""
    from smpclinic.net import client_ip

    fields: dict[str, object] = {"event": event}
    if user is not None and getattr(user, "pk", None) is not None:
        fields["user_id"] = user.pk
        fields["email"] = user.email
    elif typed_username is not None:
        fields["typed"] = str(typed_username)[:TYPED_USERNAME_MAX]
    fields["ip"] = (client_ip(request) if request is not None else "") or "-"
    fields["at"] = _utc_now()
    fields.update(details)
    logger.info(" ".join(f"{key}={_quote(value)}" for key, value in fields.items()))


# --- Handlers of Django's and axes' sign-in signals (connected in AccountsConfig) ----


def on_signed_in(sender, request, user, **kwargs) -> None:
    record("sign_in", request=request, user=user, role=user.role)


def on_sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already masked the password in `credentials`; only the email is read.
    step = credentials.get("step", "password")
    record(
        "sign_in_failed",
        request=request,
        typed_username=credentials.get("username", ""),
        step=step,
    )


def on_signed_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record("sign_out", request=request, user=user)


def on_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    record("locked_out", request=request, typed_username=username or "")


def access_refused(request, reason: str) -> None:
    """A signed-in person opened a page their role does not allow (a 403)."""
    record(
        "access_refused",
        request=request,
        user=request.user,
        role=getattr(request.user, "role", ""),
        path=request.path[:200],
        reason=reason,
    )
