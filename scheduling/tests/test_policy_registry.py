"""The booking policy's registry: each app's checks and reactions, in their order, and a
diary that does not reach up into the apps that build on it."""

import ast
from pathlib import Path

from scheduling import policy

SCHEDULING = Path(__file__).resolve().parent.parent
ABOVE_SCHEDULING = {
    "consultations",
    "sessions_app",
    "photos",
    "billing",
    "aftercare",
    "waitlist",
    "portal",
    "privacy",
}


def test_every_app_registers_its_own_rules_in_order():
    names = policy.registered()
    assert names["checks"] == [
        "scheduling.client_change_notice",
        "scheduling.status_by_role",
        "scheduling.attendance_on_the_day",
        "sessions_app.lead_artist",
        "sessions_app.gap",
        "consultations.treatment_gates",
        "billing.policy_accepted",
    ]
    assert names["terms"] == ["billing.cancellation_policy"]
    # Records first, then what follows from them, then the client's messages.
    assert names["reactions"] == [
        "consultations.open_record",
        "billing.deposit_for_booking",
        "billing.cancellation_policy",
        "sessions_app.keep_gap_override",
        "aftercare.after_session_logged",
        "scheduling.messages_booked",
        "scheduling.messages_moved",
        "scheduling.messages_cancelled",
        "waitlist.offer_freed_time",
    ]


def test_the_diary_imports_none_of_the_apps_that_build_on_it():
    found = []
    for path in SCHEDULING.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules = [node.module or ""]
            else:
                continue
            found += [
                f"{path.relative_to(SCHEDULING)}: {m}"
                for m in modules
                if m.split(".")[0] in ABOVE_SCHEDULING
            ]
    assert found == []
