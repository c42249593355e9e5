"""Error reporting to Sentry (switched on by SENTRY_DSN), with everything that could say who
a client is or what their health is taken out before anything leaves the server.

What leaves: the exception's type, where it happened (file, function, line — no local
variables, no source around the line), the request's method and path with every number in
it replaced, the release and the environment, and the signed-in member of staff's id. What
never leaves: request bodies, query strings, cookies, headers, the exception's message (it
may quote a client's record), log messages and breadcrumbs, SQL, and anyone's name, email,
phone or address.
"""

from __future__ import annotations

import re

NUMBER = re.compile(r"\d+")
KEPT_CONTEXTS = ("runtime", "os", "trace")


def scrub(event: dict, hint: dict | None = None) -> dict:
    """The event as it may leave: see the module's note. Sentry calls it (before_send)."""
    kept: dict = {
        key: event[key]
        for key in ("event_id", "timestamp", "platform", "level", "release", "environment")
        if key in event
    }
    kept["logger"] = event.get("logger", "")
    exceptions = []
    for exception in (event.get("exception") or {}).get("values", []):
        frames = [
            {
                key: frame[key]
                for key in ("filename", "module", "function", "lineno", "in_app")
                if key in frame
            }
            for frame in (exception.get("stacktrace") or {}).get("frames", [])
        ]
        exceptions.append(
            {
                "type": exception.get("type", ""),
                "module": exception.get("module", ""),
                "value": "(message not sent: it may name a client)",
                "stacktrace": {"frames": frames},
            }
        )
    if exceptions:
        kept["exception"] = {"values": exceptions}
    request = event.get("request") or {}
    if request:
        path = NUMBER.sub("N", (request.get("url") or "").split("?")[0])
        kept["request"] = {"method": request.get("method", ""), "url": path}
    user = event.get("user") or {}
    if "id" in user:
        kept["user"] = {"id": user["id"]}
    if event.get("transaction"):
        kept["transaction"] = NUMBER.sub("N", str(event["transaction"]))
    contexts = event.get("contexts") or {}
    kept["contexts"] = {key: contexts[key] for key in KEPT_CONTEXTS if key in contexts}
    return kept


def scrub_breadcrumb(crumb: dict, hint: dict | None = None) -> None:
    """No breadcrumbs at all: log lines and SQL may hold a client's details."""
    return None


def start_error_reporting(dsn: str, *, environment: str, release: str = "") -> bool:
    """Send errors to Sentry when a DSN is set; returns whether it did."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        include_local_variables=False,
        include_source_context=False,
        max_breadcrumbs=0,
        traces_sample_rate=0.0,
        before_send=scrub,
        before_breadcrumb=scrub_breadcrumb,
    )
    return True
