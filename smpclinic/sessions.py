"""Django's database sessions, with the session read by a prepared query.

Every signed-in request reads its session first; compiling that one lookup cost about as
much as running it, so it is compiled once (smpclinic/prepared.py). Everything else —
saving, expiry, cycling the key at sign-in — is Django's own.
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db.models import CharField, DateTimeField
from django.utils import timezone

from .prepared import Param, PreparedQuery

_SESSION = PreparedQuery(
    lambda: Session.objects.filter(
        session_key=Param("key", CharField()), expire_date__gt=Param("now", DateTimeField())
    )
)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        found = _SESSION.fetch(key=self.session_key, now=timezone.now())
        if found:
            return found[0]
        self._session_key = None
        return None
