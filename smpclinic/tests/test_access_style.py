"""Access in one style: views take their decorators from accounts/access.py and fetch
one object with the owning app's `get_<thing>_for_user`; no view module grows its own
access helper again (the policy: accounts/access.py)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Names of the access helpers each app used to grow for itself.
ACCESS_HELPER = re.compile(r"^_?(get_\w+_for_(user|staff|client)|\w+_required|_staff_page)$")


def _view_modules():
    yield from sorted(ROOT.glob("*/*views*.py"))


def test_no_view_module_defines_its_own_access_helper():
    found = []
    for path in _view_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and ACCESS_HELPER.match(node.name):
                found.append(f"{path.relative_to(ROOT).as_posix()}:{node.lineno} {node.name}")
    assert found == [], (
        "use accounts.access decorators and the owning app's get_<thing>_for_user:\n"
        + "\n".join(found)
    )


def test_every_app_that_serves_objects_by_id_has_an_access_module():
    for app in ("clients", "scheduling", "consultations", "sessions_app", "photos", "aftercare"):
        assert (ROOT / app / "access.py").exists(), app
