"""Aftercare follows a logged session, registered with scheduling.policy.

The first time a session is logged: the aftercare plan, the fade check-ins and their
reminders, in the log's transaction (aftercare.services.after_session_logged).
"""

from __future__ import annotations

from scheduling.policy import Event, Happened, register_reaction

from .services import after_session_logged


@register_reaction("aftercare.after_session_logged", events=[Event.SESSION_LOGGED], order=50)
def aftercare_after_session_logged(happened: Happened) -> None:
    after_session_logged(happened.subject)
