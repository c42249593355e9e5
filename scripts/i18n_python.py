"""Wrap the user-facing string literals of Python modules in gettext_lazy `_()`.

    python scripts/i18n_python.py portal/forms.py portal/views.py

What it wraps: form field labels, help texts and error messages, messages.success/
error/info/warning texts and ValidationError messages. f-strings are listed, not
wrapped: they need a named placeholder (`_("… %(name)s") % {"name": …}`), by hand.
Review the diff afterwards.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

KEYWORDS = {"label", "help_text", "empty_label"}
MESSAGE_CALLS = {"success", "error", "info", "warning"}
IMPORT = "from django.utils.translation import gettext_lazy as _\n"


def _is_text(node) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and any(ch.isalpha() for ch in node.value)
    )


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def targets(tree) -> tuple[list[ast.Constant], list[ast.JoinedStr]]:
    found, fstrings = [], []
    wrapped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _call_name(node) in ("_", "gettext", "gettext_lazy"):
            wrapped.update(id(arg) for arg in node.args)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        candidates = []
        for keyword in node.keywords:
            if keyword.arg in KEYWORDS:
                candidates.append(keyword.value)
            if keyword.arg == "error_messages" and isinstance(keyword.value, ast.Dict):
                candidates.extend(keyword.value.values)
        name = _call_name(node)
        if name in MESSAGE_CALLS and len(node.args) >= 2:
            candidates.append(node.args[1])
        if name in ("_refuse", "refuse", "Problem") and len(node.args) >= 2:
            candidates.append(node.args[1])
        if name == "ValidationError" and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Dict):
                for value in arg.values:
                    candidates.extend(value.elts if isinstance(value, ast.List) else [value])
            else:
                candidates.append(arg)
        for candidate in candidates:
            if id(candidate) in wrapped:
                continue
            if _is_text(candidate):
                found.append(candidate)
            elif isinstance(candidate, ast.JoinedStr):
                fstrings.append(candidate)
    return found, fstrings


def wrap(source: str) -> tuple[str, list[int]]:
    tree = ast.parse(source)
    found, fstrings = targets(tree)
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def position(lineno, col):
        # ast columns are UTF-8 byte offsets.
        line = lines[lineno - 1]
        return offsets[lineno - 1] + len(line.encode()[:col].decode())

    spans = sorted(
        {
            (position(n.lineno, n.col_offset), position(n.end_lineno, n.end_col_offset))
            for n in found
        },
        reverse=True,
    )
    for start, end in spans:
        text = source[start:end]
        inner = f"_({text})"
        source = source[:start] + inner + source[end:]
    if spans and IMPORT not in source:
        tree = ast.parse(source)
        last_import = 0
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                last_import = node.end_lineno
        lines = source.splitlines(keepends=True)
        at = last_import
        lines.insert(at, IMPORT)
        source = "".join(lines)
    return source, [f.lineno for f in fstrings]


def main(paths: list[str]) -> None:
    for path in paths:
        file = Path(path)
        source, fstring_lines = wrap(file.read_text())
        file.write_text(source)
        for line in fstring_lines:
            print(f"{path}:{line}: f-string left as it is")


if __name__ == "__main__":
    main(sys.argv[1:])
