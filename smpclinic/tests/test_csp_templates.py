"""No template may carry inline script or style: the Content-Security-Policy would block it.

E-mail templates are exempt: mail clients need inline styles and the policy does not
apply to a message.
"""

import re
from pathlib import Path

from django.conf import settings

EXEMPT = ("email",)

_TAG = re.compile(r"<[a-zA-Z][^<>]*>", re.S)
_STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)
_HANDLER_ATTRIBUTE = re.compile(r"\son[a-z]+\s*=", re.I)
_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.I)
_STYLE_ELEMENT = re.compile(r"<style\b", re.I)
_HX_ON = re.compile(r"\bhx-on\b", re.I)
_JAVASCRIPT_URL = re.compile(r"javascript:", re.I)


def template_files():
    roots = [Path(folder) for folder in settings.TEMPLATES[0]["DIRS"]]
    roots += [
        Path(settings.BASE_DIR) / app / "templates"
        for app in settings.INSTALLED_APPS
        if (Path(settings.BASE_DIR) / app / "templates").is_dir()
    ]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if not path.is_file() or path.suffix not in {".html", ".txt", ".svg", ".xml"}:
                continue
            relative = path.relative_to(root)
            if relative.parts[0] in EXEMPT:
                continue
            yield root, path


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def problems_in(text: str) -> list[tuple[int, str]]:
    found = []
    for tag in _TAG.finditer(text):
        markup = tag.group(0)
        if match := _STYLE_ATTRIBUTE.search(markup):
            found.append((line_of(text, tag.start() + match.start()), "style= attribute"))
        if match := _HANDLER_ATTRIBUTE.search(markup):
            handler = match.group(0).strip().rstrip("=").strip()
            found.append((line_of(text, tag.start() + match.start()), f"{handler}= handler"))
    for pattern, what in [
        (_INLINE_SCRIPT, "<script> without src"),
        (_STYLE_ELEMENT, "<style> element"),
        (_HX_ON, "hx-on inline handler"),
        (_JAVASCRIPT_URL, "javascript: URL"),
    ]:
        for match in pattern.finditer(text):
            found.append((line_of(text, match.start()), what))
    return sorted(found)


def test_the_scanner_catches_each_kind_of_inline_code():
    text = (
        '<p style="color: red">\n<a href="javascript:go()">x</a>\n<button onclick="go()">\n'
        '<script>go()</script>\n<div hx-on:click="go()"></div>\n<style>p{}</style>\n'
        '<script src="/static/js/app.js"></script>\n<input\n  onchange="go()">'
    )
    assert [what for _, what in problems_in(text)] == [
        "style= attribute",
        "javascript: URL",
        "onclick= handler",
        "<script> without src",
        "hx-on inline handler",
        "<style> element",
        "onchange= handler",
    ]
    assert problems_in(text)[-1][0] == 9
    assert problems_in('<p class="one">Questions? {{ x }} <a data-onset="1">a</a></p>') == []


def test_no_template_carries_inline_script_or_style():
    assert any(True for _ in template_files()), "no templates found"
    report = []
    for _root, path in template_files():
        text = path.read_text(encoding="utf-8")
        for line, what in problems_in(text):
            report.append(f"{path.relative_to(settings.BASE_DIR)}:{line}: {what}")
    assert not report, (
        "The Content-Security-Policy blocks inline code and styles. Move these into "
        "static CSS/JS files:\n" + "\n".join(report)
    )
