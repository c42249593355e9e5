"""What changed between two versions of a text, for people to read: the words taken out
struck through (<del>), the words put in underlined (<ins>), everything escaped.

Used wherever the clinic compares a draft with what is live (consent forms, the health
questionnaire) or its wording with what the product ships (messages).
"""

from __future__ import annotations

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# A word with the white space after it (or white space opening the text).
_TOKENS = re.compile(r"\S+\s*|\s+")


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall((text or "").replace("\r\n", "\n"))


def _words_diff(old_text: str, new_text: str) -> list[str]:
    old, new = _tokens(old_text), _tokens(new_text)
    parts = []
    # Words are compared without their spacing; the spacing shown is the new text's.
    matcher = difflib.SequenceMatcher(
        None, [t.strip() for t in old], [t.strip() for t in new], autojunk=False
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(new[j1:j2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(old[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(new[j1:j2]))}</ins>")
    return parts


def _alike(old_line: str, new_line: str) -> bool:
    """Whether a changed line is the same line edited (most of its words kept)."""
    return difflib.SequenceMatcher(None, old_line.split(), new_line.split()).ratio() >= 0.7


def _lines(text: str) -> list[str]:
    return (text or "").replace("\r\n", "\n").splitlines(keepends=True)


def diff_html(before: str, after: str) -> SafeString:
    """`after` compared with `before` as HTML: line by line, and word by word within a line
    that changed (white space kept as typed)."""
    old, new = _lines(before), _lines(after)
    parts = []
    matcher = difflib.SequenceMatcher(
        None, [line.strip() for line in old], [line.strip() for line in new], autojunk=False
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(new[j1:j2])))
            continue
        paired = min(i2 - i1, j2 - j1) if op == "replace" else 0
        gone, come = list(old[i1 + paired : i2]), list(new[j1 + paired : j2])
        for k in range(paired):
            if _alike(old[i1 + k], new[j1 + k]):
                parts += _words_diff(old[i1 + k], new[j1 + k])
            else:  # a different line in its place: shown whole, not as a jumble of words
                parts.append(f"<del>{escape(old[i1 + k])}</del><ins>{escape(new[j1 + k])}</ins>")
        if gone:
            parts.append(f"<del>{escape(''.join(gone))}</del>")
        if come:
            parts.append(f"<ins>{escape(''.join(come))}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece escaped


def has_changes(before: str, after: str) -> bool:
    """Whether the words differ (spacing and line breaks aside)."""
    return (before or "").split() != (after or "").split()
