"""The front desk's to-do list, put together from the apps' selectors.

Each rule lives in the app that owns it (README, "one place per rule"); this module
only composes them for the home page, each part in a fixed number of queries whatever
the size of the clinic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import DateTimeField

from aftercare.selectors import check_ins_unanswered
from billing.selectors import deposits_due
from consultations.selectors import consultations_with_forms_to_do
from reminders.selectors import failed_reminders, texts_to_read
from scheduling.selectors import listed_today_and_unconfirmed_tomorrow
from sessions_app.selectors import sessions_to_chase
from waitlist.selectors import open_times_between

from .clinic import local_days
from .home_pages import todays_list
from .prepared import Param, PreparedQuery
from .selectors import first_rows_counted, rows_and_count

# Rows each list shows; its count says how many there are in all.
LIST_LIMIT = 10


@dataclass(frozen=True)
class ToDo:
    rows: list
    count: int

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


def _counted(build) -> PreparedQuery:
    # One query, rows and count together, however long the list is; compiled once.
    return PreparedQuery(lambda: first_rows_counted(build(), LIST_LIMIT))


def _to_do(query: PreparedQuery, **values) -> ToDo:
    rows, count = rows_and_count(query.fetch(**values))
    return ToDo(rows=rows, count=count)


_NOW = Param("now", DateTimeField())
_TO_CHASE = _counted(sessions_to_chase)
_CHECK_INS_UNANSWERED = _counted(lambda: check_ins_unanswered(now=_NOW))
_FAILED_MESSAGES = _counted(failed_reminders)
_TEXTS_TO_READ = _counted(texts_to_read)
_DEPOSITS_DUE = _counted(lambda: deposits_due(now=_NOW))
_FREED_TIMES = _counted(
    lambda: open_times_between(Param("start", DateTimeField()), Param("end", DateTimeField()))
)


def front_desk_todo(*, today: dt.date, now: dt.datetime) -> dict:
    """What the front desk has to do today, list by list, with today's appointments."""
    forms = consultations_with_forms_to_do(now=now)
    tomorrow = today + dt.timedelta(days=1)
    todays, unconfirmed = listed_today_and_unconfirmed_tomorrow(today=today)
    freed_from, freed_until = local_days(today, tomorrow)
    return {
        "todays_appointments": todays_list(today, todays),
        "tomorrow": tomorrow,
        "to_confirm": ToDo(rows=unconfirmed[:LIST_LIMIT], count=len(unconfirmed)),
        "forms_to_do": ToDo(rows=forms[:LIST_LIMIT], count=len(forms)),
        "to_chase": _to_do(_TO_CHASE),
        "check_ins_unanswered": _to_do(_CHECK_INS_UNANSWERED, now=now),
        "failed_messages": _to_do(_FAILED_MESSAGES),
        # Clients' texts the app did not answer itself (questions, "C" with nothing to confirm).
        "texts_to_read": _to_do(_TEXTS_TO_READ),
        "deposits_due": _to_do(_DEPOSITS_DUE, now=now),
        "freed_times": _to_do(_FREED_TIMES, start=freed_from, end=freed_until),
    }
