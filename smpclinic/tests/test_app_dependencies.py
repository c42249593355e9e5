"""Dependencies between the apps point one way (the README's layout says which).

accounts, reminders and audit at the bottom; then clients; the diary (scheduling); the
clinical record (consultations, sessions_app, photos, billing); aftercare and the waitlist;
the readers (portal, privacy, reports). `smpclinic` is the project package (settings, urls,
home pages, clinic-wide helpers) and may import any app, as may admin modules, commands and
tests.

A module may import apps of its own rank or below. The reaches upward that are still
there are listed in KNOWN: this test fails on a new one, and on a listed one that has
gone (so the list only shrinks).
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)

RANK = {
    "accounts": 0,
    "reminders": 0,
    "audit": 0,
    "clients": 1,
    "scheduling": 2,
    "consultations": 3,
    "sessions_app": 3,
    "photos": 3,
    "billing": 3,
    "aftercare": 4,
    "waitlist": 4,
    "portal": 5,
    "privacy": 5,
    "reports": 5,
    "clinic_settings": 5,
}

# Every upward reach is gone; a new one fails this test.
KNOWN: frozenset[tuple[str, str]] = frozenset()

EXEMPT_PARTS = {"tests", "migrations", "management"}
EXEMPT_FILES = {"admin.py", "admin_forms.py", "conftest.py"}


def _modules():
    for app in RANK:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if EXEMPT_PARTS & set(relative.parts) or path.name in EXEMPT_FILES:
                continue
            yield app, relative.as_posix(), path


def imported_apps(source: str) -> set[str]:
    """Every app a module imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
    return found & set(RANK)


def upward_reaches() -> set[tuple[str, str]]:
    reaches = set()
    for app, relative, path in _modules():
        for other in imported_apps(path.read_text(encoding="utf-8")):
            if RANK[other] > RANK[app]:
                reaches.add((relative, other))
    return reaches


def test_no_app_imports_an_app_above_it():
    reaches = upward_reaches()
    new = sorted(reaches - KNOWN)
    assert new == [], "these import an app above them; use a registered check or reaction:\n" + (
        "\n".join(f"{module} imports {app}" for module, app in new)
    )


def test_the_list_of_known_reaches_only_shrinks():
    gone = sorted(KNOWN - upward_reaches())
    assert gone == [], f"remove these from KNOWN, they are fixed: {gone}"


def test_the_diary_imports_none_of_the_apps_that_build_on_it():
    diary = {
        other
        for app, _, path in _modules()
        if app == "scheduling"
        for other in imported_apps(path.read_text(encoding="utf-8"))
    }
    assert diary <= {"accounts", "audit", "clients", "reminders", "scheduling"}


def test_the_walk_sees_imports_inside_functions():
    source = "def f():\n    from aftercare.models import CheckIn\nimport portal.views as v\n"
    assert imported_apps(source) == {"aftercare", "portal"}
