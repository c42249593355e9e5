"""No app reaches into another app's private helpers.

A name starting with an underscore is its module's own business: the owning app may
change it at will. What another app needs is made public in the owning app (and named
for what it is). This walks every module of the project (tests and migrations aside)
and fails on an import of another app's `_name`, or on `module._name` / `Class._name`
where the module or class came from another app.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)

# Django's own documented underscore names, public despite the underscore.
DJANGO_PUBLIC = frozenset({"_meta", "_default_manager", "_base_manager", "_state", "_db"})

# Reaches tolerated for now; none are left, and a new one is not welcome here.
KNOWN: frozenset[tuple[str, str]] = frozenset()


def _apps() -> set[str]:
    return {path.parent.name for path in ROOT.glob("*/apps.py")} | {"smpclinic"}


def _modules(apps: set[str]):
    for app in sorted(apps):
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts:
                continue
            if parts[-1].startswith("test_") or parts[-1] == "conftest.py":
                continue
            yield app, path


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name not in DJANGO_PUBLIC


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def reaches(app: str, source: str, apps: set[str]) -> list[tuple[int, str]]:
    """(line, "otherapp.module._name") for each private name of another app used here."""
    tree = ast.parse(source)
    foreign: dict[str, str] = {}  # local name -> dotted origin in another app
    found: list[tuple[int, str]] = []

    def other_app(module: str) -> bool:
        top = module.split(".")[0]
        return top in apps and top != app

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if not other_app(node.module):
                continue
            for alias in node.names:
                origin = f"{node.module}.{alias.name}"
                if any(_is_private(part) for part in origin.split(".")):
                    found.append((node.lineno, origin))
                foreign[alias.asname or alias.name] = origin
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if not other_app(alias.name):
                    continue
                if any(_is_private(part) for part in alias.name.split(".")):
                    found.append((node.lineno, alias.name))
                if alias.asname:
                    foreign[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    foreign[top] = top
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or not _is_private(node.attr):
            continue
        base = _dotted(node.value)
        if base is None:
            continue
        head, _, rest = base.partition(".")
        if head in foreign:
            origin = foreign[head] + (f".{rest}" if rest else "")
            found.append((node.lineno, f"{origin}.{node.attr}"))
    return found


def test_no_app_uses_another_apps_private_names():
    apps = _apps()
    offences = []
    for app, path in _modules(apps):
        relative = path.relative_to(ROOT).as_posix()
        for line, origin in reaches(app, path.read_text(encoding="utf-8"), apps):
            if (relative, origin) not in KNOWN:
                offences.append(f"{relative}:{line} uses {origin}")
    assert offences == [], "make these public in the owning app:\n" + "\n".join(offences)


def test_the_walk_sees_each_way_of_reaching_in():
    apps = {"scheduling", "portal", "sessions_app"}
    source = "\n".join(
        [
            "from scheduling.ics_views import _ics_response",
            "from sessions_app import plans",
            "import scheduling.booking",
            "import scheduling.availability as availability",
            "from scheduling.models import Appointment",
            "from . import _own_helper",
            "plans._neighbours(session)",
            "scheduling.booking._refuse('x')",
            "availability._slots()",
            "Appointment._private_rule()",
            "Appointment._meta.get_field('starts_at')",
            "_own_helper()",
        ]
    )
    assert [origin for _, origin in reaches("portal", source, apps)] == [
        "scheduling.ics_views._ics_response",
        "sessions_app.plans._neighbours",
        "scheduling.booking._refuse",
        "scheduling.availability._slots",
        "scheduling.models.Appointment._private_rule",
    ]
    assert reaches("scheduling", "from scheduling.booking import _refuse", apps) == []
