"""The embedded SQLite database's one way of saying "too busy": a lock wait that ran out.

SQLite has one writer at a time. Each transaction that writes takes the write lock
when it begins (IMMEDIATE mode) and waits for it up to the connection's timeout
(settings.SQLITE_BUSY_TIMEOUT_SECONDS); past that it raises OperationalError
"database is locked". Nothing was written and nothing was decided, so the answer
is "try again in a moment", never a server error. PostgreSQL never raises it.
"""

from django.db import OperationalError
from django.utils.translation import gettext_noop

# What a "try again" answer tells the browser or API caller to wait, in seconds.
RETRY_AFTER_SECONDS = 5

# In English for the API; pages show it in the reader's language (gettext at display).
BUSY_PAGE_MESSAGE = gettext_noop(
    "Many people are using the clinic's system at this moment and we could not finish "
    "yours in time. Nothing was changed: please try again in a moment."
)


def database_busy(error: BaseException) -> bool:
    """Whether `error` is SQLite giving up on waiting for another transaction's lock."""
    if not isinstance(error, OperationalError):
        return False
    text = str(error)
    return "database is locked" in text or "database table is locked" in text
