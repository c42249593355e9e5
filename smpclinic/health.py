"""Is the app able to do its work? Used by /healthz and by `make run`'s checks."""

import os
from dataclasses import dataclass

from django.conf import settings
from django.db import connections


@dataclass(frozen=True)
class Status:
    ok: bool
    detail: str


def database_status(alias: str = "default") -> Status:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; the reason is reported
        return Status(False, f"{type(exc).__name__}")
    return Status(True, connections[alias].vendor)


def broker_status(url: str | None = None, timeout: float | None = None) -> Status:
    """Connect to the Celery broker once, without retrying for long."""
    from smpclinic.celery import app

    url = url or settings.CELERY_BROKER_URL
    timeout = settings.HEALTHZ_BROKER_TIMEOUT if timeout is None else timeout
    if url.startswith("filesystem://"):
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
        if os.path.isdir(folder) and os.access(folder, os.W_OK):
            return Status(True, "filesystem")
        return Status(False, "broker folder missing or not writable")
    try:
        with app.connection_for_write(
            url, connect_timeout=timeout, transport_options={"socket_timeout": timeout}
        ) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)
            transport = conn.transport_cls
    except Exception as exc:  # any failure means "down"; the reason is reported
        return Status(False, f"{type(exc).__name__}")
    return Status(True, str(transport))
