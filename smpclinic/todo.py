"""The front desk's to-do list, put together from the apps' selectors.

Each rule lives in the app that owns it (README, "one place per rule"); this module
only composes them for the home page, each part in a fixed number of queries whatever
the size of the clinic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from aftercare.selectors import check_ins_unanswered
from billing.selectors import deposits_due
from consultations.selectors import consultations_with_forms_to_do
from reminders.selectors import failed_reminders, texts_to_read
from scheduling.selectors import listed_today_and_unconfirmed_tomorrow
from sessions_app.selectors import sessions_to_chase
from waitlist.selectors import open_times_on

from .home_pages import todays_list
from .selectors import first_rows_and_count

# Rows each list shows; its count says how many there are in all.
LIST_LIMIT = 10


@dataclass(frozen=True)
class ToDo:
    rows: list
    count: int

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


def _to_do(queryset) -> ToDo:
    # One query, rows and count together, however long the list is.
    rows, count = first_rows_and_count(queryset, LIST_LIMIT)
    return ToDo(rows=rows, count=count)


def front_desk_todo(*, today: dt.date, now: dt.datetime) -> dict:
    """What the front desk has to do today, list by list, with today's appointments."""
    forms = consultations_with_forms_to_do(now=now)
    tomorrow = today + dt.timedelta(days=1)
    todays, unconfirmed = listed_today_and_unconfirmed_tomorrow(today=today)
    return {
        "todays_appointments": todays_list(today, todays),
        "tomorrow": tomorrow,
        "to_confirm": ToDo(rows=unconfirmed[:LIST_LIMIT], count=len(unconfirmed)),
        "forms_to_do": ToDo(rows=forms[:LIST_LIMIT], count=len(forms)),
        "to_chase": _to_do(sessions_to_chase()),
        "check_ins_unanswered": _to_do(check_ins_unanswered(now=now)),
        "failed_messages": _to_do(failed_reminders()),
        # Clients' texts the app did not answer itself (questions, "C" with nothing to confirm).
        "texts_to_read": _to_do(texts_to_read()),
        "deposits_due": _to_do(deposits_due(now=now)),
        "freed_times": _to_do(open_times_on(today, tomorrow)),
    }
