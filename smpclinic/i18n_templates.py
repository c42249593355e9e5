"""Find (and with --mark, wrap) user-facing text in templates that is not marked for translation.

    python -m smpclinic.i18n_templates templates/portal            # list what is left
    python -m smpclinic.i18n_templates --mark templates/portal     # wrap it, then review the diff

Text between tags becomes {% translate "…" %}; a sentence with values in it (and inline
tags such as <strong> or <a href="{{ url }}">) becomes one {% blocktranslate %}, so the
translation can reorder it. The human-facing attributes (alt, title, aria-label,
placeholder) are wrapped too. The check in smpclinic/tests/test_translations.py uses
`unmarked()` over the client-facing template folders.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from django.template.base import Lexer, TokenType

INLINE = {"a", "strong", "em", "b", "i", "span", "br", "abbr", "code", "small", "time"}
ATTRS = ("alt", "title", "aria-label", "placeholder")
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*?(/?)>", re.S)
ATTR = re.compile(r"\b(" + "|".join(ATTRS) + r')="([^"]*)"')
LETTER = re.compile(r"[A-Za-zÀ-ÿ]")
VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
PLAIN_TEXT = False  # set while marking a .txt template: its line breaks are kept
SKIP_BLOCKS = {"comment": "endcomment", "verbatim": "endverbatim"}


def _has_words(text: str) -> bool:
    # Words, not entities (&nbsp;) or stray symbols.
    return bool(LETTER.search(re.sub(r"&[a-zA-Z]+;|&#\d+;", "", text)))


def _pieces(source: str):
    """(kind, text) pieces: text, tag (an HTML tag, may hold {{ }}), var, block, skip."""
    tokens = Lexer(source).tokenize()
    out = []
    skip_until = None
    in_script = False
    pending_tag = None  # an HTML tag split by template tokens: list of pieces
    for token in tokens:
        raw = token.token_type
        if raw == TokenType.BLOCK:
            word = token.contents.split()[0] if token.contents.split() else ""
            text = "{% " + token.contents + " %}"
            if skip_until:
                (pending_tag if pending_tag is not None else out).append(("skip", text))
                if word == skip_until:
                    skip_until = None
                continue
            if word in ("blocktranslate", "blocktrans"):
                skip_until = "endblocktranslate" if word == "blocktranslate" else "endblocktrans"
            elif word in SKIP_BLOCKS:
                skip_until = SKIP_BLOCKS[word]
            if pending_tag is not None:
                pending_tag.append(("block", text))
            else:
                out.append(("block" if not skip_until else "skip", text))
            continue
        if raw == TokenType.COMMENT:
            out.append(("skip", "{# " + token.contents + " #}"))
            continue
        if raw == TokenType.VAR:
            text = "{{ " + token.contents + " }}"
            if skip_until:
                (pending_tag if pending_tag is not None else out).append(("skip", text))
            elif pending_tag is not None:
                pending_tag.append(("var", text))
            else:
                out.append(("var", text))
            continue
        text = token.contents
        if skip_until:
            (pending_tag if pending_tag is not None else out).append(("skip", text))
            continue
        position = 0
        while position < len(text):
            if pending_tag is not None:
                end = text.find(">", position)
                if end == -1:
                    pending_tag.append(("text", text[position:]))
                    break
                pending_tag.append(("text", text[position : end + 1]))
                out.append(("tag", pending_tag))
                pending_tag = None
                position = end + 1
                continue
            if in_script:
                end = text.find("</script>", position)
                if end == -1:
                    out.append(("skip", text[position:]))
                    break
                out.append(("skip", text[position:end]))
                position = end
                in_script = False
                continue
            start = text.find("<", position)
            if start == -1:
                out.append(("text", text[position:]))
                break
            if start > position:
                out.append(("text", text[position:start]))
            end = text.find(">", start)
            if end == -1:
                pending_tag = [("text", text[start:])]
                break
            tag = text[start : end + 1]
            out.append(("tag", [("text", tag)]))
            if re.match(r"<(script|style)\b", tag):
                in_script = True
            position = end + 1
    if pending_tag is not None:
        out.append(("tag", pending_tag))
    return out


def _tag_text(tag_pieces) -> str:
    return "".join(text for _kind, text in tag_pieces)


def _tag_name(tag_pieces) -> tuple[str, bool]:
    text = _tag_text(tag_pieces)
    match = re.match(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)", text)
    if not match:
        return "", False
    return match.group(2).lower(), bool(match.group(1))


def _inline_tag(tag_pieces) -> bool:
    name, _closing = _tag_name(tag_pieces)
    if name not in INLINE:
        return False
    return all(kind in ("text", "var") for kind, _ in tag_pieces)


def _attr_words(tag_pieces) -> list[str]:
    text = _tag_text(tag_pieces)
    return [
        value
        for _name, value in ATTR.findall(text)
        if _has_words(re.sub(r"\{\{.*?\}\}", "", value)) and "{%" not in value
    ]


# A text handed to an included template: {% include "x.html" with heading="Today" %}
# (one that starts with a capital or ends a sentence; "booking-form", "mb-0 small" and
# "portal/_contact.html" are ids, classes and names, not texts).
INCLUDE_TEXT = re.compile(r'\b\w+="([A-Z][^"]*|[^"]*[.!?…:])"')


def _include_words(block: str) -> list[str]:
    if not block.startswith("{% include ") or " with " not in block:
        return []
    _head, _with, values = block.partition(" with ")
    return [value for value in INCLUDE_TEXT.findall(values) if _has_words(value)]


def unmarked(source: str) -> list[str]:
    """The user-facing texts of a template that are not marked for translation."""
    found = []
    for kind, value in _pieces(source):
        if kind == "text" and _has_words(value):
            found.append(" ".join(value.split()))
        elif kind == "tag":
            found.extend(_attr_words(value))
        elif kind == "block":
            found.extend(_include_words(value))
    return found


# --- marking ------------------------------------------------------------------------------


def _var_name(expression: str, taken: dict) -> str:
    head = expression.split("|")[0].strip()
    name = head.split(".")[-1]
    if not VAR_NAME.fullmatch(name) or name in {"count", "with", "as", "trimmed", "context"}:
        name = "value"
    base, n = name, 2
    while name in taken and taken[name] != expression:
        name = f"{base}{n}"
        n += 1
    taken[name] = expression
    return name


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _wrap_attrs(tag_pieces) -> str:
    text = _tag_text(tag_pieces)

    def wrap(match):
        name, value = match.group(1), match.group(2)
        if not _has_words(re.sub(r"\{\{.*?\}\}", "", value)) or "{%" in value:
            return match.group(0)
        if "{{" in value:
            taken: dict = {}
            body = re.sub(
                r"\{\{\s*(.*?)\s*\}\}",
                lambda m: "{{ " + _var_name(m.group(1), taken) + " }}",
                value,
            )
            withs = " ".join(f"{k}={v}" for k, v in taken.items())
            return f'{name}="{{% blocktranslate with {withs} %}}{body}{{% endblocktranslate %}}"'
        if re.search(r"[<>&']", value):
            return f'{name}="{{% blocktranslate %}}{value}{{% endblocktranslate %}}"'
        return f'{name}="{{% translate {_quote(value)} %}}"'

    return ATTR.sub(wrap, text)


def _is_blank(piece) -> bool:
    return piece[0] == "tag" or (piece[0] == "text" and not piece[1].strip())


def _raw(pieces) -> str:
    return "".join(_wrap_attrs(v) if k == "tag" else v for k, v in pieces)


def _unbalanced(body) -> set[int]:
    stack, bad = [], set()
    for i, (kind, value) in enumerate(body):
        if kind != "tag":
            continue
        name, closing = _tag_name(value)
        if name == "br" or _tag_text(value).endswith("/>"):
            continue
        if closing:
            if stack and stack[-1][0] == name:
                stack.pop()
            else:
                bad.add(i)
        else:
            stack.append((name, i))
    return bad | {i for _name, i in stack}


def _message(body) -> str:
    first_text = body[0][1] if body[0][0] == "text" else ""
    lead = first_text[: len(first_text) - len(first_text.lstrip())]
    last_text = body[-1][1] if body[-1][0] == "text" else ""
    trail = last_text[len(last_text.rstrip()) :]
    taken: dict = {}
    text = []
    for kind, value in body:
        if kind == "text":
            text.append(value)
        elif kind == "var":
            text.append("{{ " + _var_name(value[3:-3], taken) + " }}")
        else:
            for sub_kind, sub in value:
                if sub_kind == "var":
                    text.append("{{ " + _var_name(sub[3:-3], taken) + " }}")
                else:
                    text.append(sub)
    joined = "".join(text).strip()
    if not taken and "\n" not in joined and not re.search(r"[<>&'\"]", joined):
        return lead + "{% translate " + _quote(joined) + " %}" + trail
    withs = (" with " + " ".join(f"{k}={v}" for k, v in taken.items())) if taken else ""
    trimmed = " trimmed" if "\n" in joined and not PLAIN_TEXT else ""
    opening = "{% blocktranslate" + withs + trimmed + " %}"
    return lead + opening + joined + "{% endblocktranslate %}" + trail


def _wrap_run(run) -> str:
    start, end = 0, len(run)
    while start < end and _is_blank(run[start]):
        start += 1
    while end > start and _is_blank(run[end - 1]):
        end -= 1
    head, body, tail = run[:start], run[start:end], run[end:]
    if not any(kind == "text" and _has_words(value) for kind, value in body):
        return _raw(run)
    # Take in the closing tags of tags opened inside (e.g. "<a href=…>link</a>").
    bad = _unbalanced(body)
    while bad and tail:
        opened = [i for i in bad if body[i][0] == "tag" and not _tag_name(body[i][1])[1]]
        if not opened:
            break
        moved = False
        while tail and (tail[0][0] == "text" and not tail[0][1].strip()):
            body.append(tail.pop(0))
        if tail and tail[0][0] == "tag" and _tag_name(tail[0][1])[1]:
            body.append(tail.pop(0))
            moved = True
        if not moved:
            break
        new_bad = _unbalanced(body)
        if len(new_bad) >= len(bad):
            bad = new_bad
            break
        bad = new_bad
    if bad:
        out, current = [], []
        for i, piece in enumerate(body):
            if i in bad:
                out.append(_wrap_run(current) if current else "")
                out.append(_raw([piece]))
                current = []
            else:
                current.append(piece)
        if current:
            out.append(_wrap_run(current))
        return _raw(head) + "".join(out) + _raw(tail)
    return _raw(head) + _message(body) + _raw(tail)


def mark(source: str) -> str:
    pieces = _pieces(source)
    out: list[str] = []
    run: list = []
    for kind, value in pieces:
        if kind in ("text", "var") or (kind == "tag" and _inline_tag(value)):
            run.append((kind, value))
            continue
        if run:
            out.append(_wrap_run(run))
            run = []
        out.append(_wrap_attrs(value) if kind == "tag" else value)
    if run:
        out.append(_wrap_run(run))
    result = "".join(out)
    if result != source and not re.search(r"\{% load [^%]*\bi18n\b", result):
        if result.startswith("{% extends"):
            line_end = result.index("%}") + 2
            result = result[:line_end] + "{% load i18n %}" + result[line_end:]
        else:
            result = "{% load i18n %}" + result
    return result


def main(argv: list[str]) -> int:
    import django

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smpclinic.settings")
    django.setup()
    do_mark = "--mark" in argv
    paths = [Path(a) for a in argv if not a.startswith("--")]
    files = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.rglob("*.html")) + sorted(path.rglob("*.txt")))
        else:
            files.append(path)
    left = 0
    for file in files:
        source = file.read_text()
        if do_mark:
            global PLAIN_TEXT
            PLAIN_TEXT = file.suffix == ".txt"
            marked = mark(source)
            if marked != source:
                file.write_text(marked)
            source = marked
        for text in unmarked(source):
            left += 1
            print(f"{file}: {text}")
    return 1 if left and not do_mark else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
