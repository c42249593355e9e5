"""What the diary adds to the team pages (accounts.team): the time-off requests waiting
for the manager on the list, and a member's hours, time off and appointment types on
their page. Each part is a fixed number of queries."""

from __future__ import annotations

from accounts.models import Role
from accounts.team import register_member_part, register_team_list_part

from . import staff_hours


@register_team_list_part
def time_off_waiting(members) -> dict:
    """One query: every request waiting for the manager."""
    return {"time_off_waiting": staff_hours.time_off_requests_waiting()}


@register_member_part
def member_diary(member) -> dict:
    """Three queries at most: hours, time off ahead, the types an artist takes."""
    keeps_hours = staff_hours.keeps_hours(member)
    return {
        "member_keeps_hours": keeps_hours,
        "member_week": (
            staff_hours.week_in_words(staff_hours.week_hours(member)) if keeps_hours else []
        ),
        "member_time_off": staff_hours.time_off_ahead(member),
        "member_takes_bookings": member.role == Role.ARTIST,
        "member_types": (staff_hours.offered_types(member) if member.role == Role.ARTIST else []),
    }
