"""The team pages: what each app knows about the clinic's staff, gathered in one place.

Working hours, time off and the appointment types an artist offers belong to the diary
(scheduling), which sits above accounts: it registers parts of the team list and of a
member's page from its `AppConfig.ready()`, as the client record gathers its parts
(clients.record). A list part is `fn(members) -> dict` and a member part
`fn(member) -> dict`, each in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import STAFF_ROLES, MemberStatus, User

TeamPart = Callable[..., dict]
_list_parts: list[TeamPart] = []
_member_parts: list[TeamPart] = []

# The list shows who works here first, then who is joining, then who has left.
_STATUS_ORDER = {MemberStatus.ACTIVE: 0, MemberStatus.INVITED: 1, MemberStatus.DEACTIVATED: 2}


def register_team_list_part(fn: TeamPart) -> TeamPart:
    if fn not in _list_parts:
        _list_parts.append(fn)
    return fn


def register_member_part(fn: TeamPart) -> TeamPart:
    if fn not in _member_parts:
        _member_parts.append(fn)
    return fn


def team_members() -> list[User]:
    """Every member of staff, present, invited or past, with whether they have set up
    two-factor sign-in (`has_two_factor`): one query."""
    app = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    members = list(
        User.objects.filter(role__in=STAFF_ROLES)
        .annotate(has_two_factor=Exists(app))
        .order_by("first_name", "last_name", "email")
    )
    return sorted(members, key=lambda m: _STATUS_ORDER[m.member_status])


def team_list_context(members: list[User]) -> dict:
    context: dict = {}
    for part in _list_parts:
        context.update(part(members))
    return context


def member_context(member: User) -> dict:
    context: dict = {}
    for part in _member_parts:
        context.update(part(member))
    return context
