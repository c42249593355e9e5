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


def diff_html(before: str, after: str) -> SafeString:
    """`after` compared word by word with `before`, as HTML (white space kept as typed)."""
    old, new = _tokens(before), _tokens(after)
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
    return mark_safe("".join(parts))  # noqa: S308 - every piece escaped above


def has_changes(before: str, after: str) -> bool:
    """Whether the words differ (spacing and line breaks aside)."""
    return (before or "").split() != (after or "").split()
