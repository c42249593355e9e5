"""Django's form renderer, with its commonest widget templates written out in Python.

Every input box, text area and drop-down on a page costs Django a template render of two
or three nested templates (the widget, `input.html`, `attrs.html`, an option template per
choice): on a record page with forty fields that was a quarter of the whole request. The
markup of those templates is fixed and tiny, so `FastWidgetRenderer` writes the same
characters directly — byte for byte what Django's templates give, checked by
`smpclinic/tests/test_form_rendering.py` for every widget of every form the pages use.

Only Django's own templates are replaced, and only for plain values: a template that an
app overrides, or a value the template would localise (a number as an option's label),
goes through the templates as before.
"""

from __future__ import annotations

import functools
import html
from pathlib import Path

import django
from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape, strip_spaces_between_tags
from django.utils.safestring import SafeString, mark_safe

DJANGO_WIDGETS = Path(django.__file__).parent / "forms/templates/django/forms/widgets"

# Templates that are `input.html` and nothing else.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "time",
        "datetime",
        "search",
        "tel",
        "color",
        "checkbox",
    )
)
INPUT = "django/forms/widgets/input.html"
ATTRS = "django/forms/widgets/attrs.html"
TEXTAREA = "django/forms/widgets/textarea.html"
SELECT = "django/forms/widgets/select.html"
SELECT_OPTION = "django/forms/widgets/select_option.html"
# Boxes side by side, such as a date and a time: each box's template, the spaces between
# them taken out.
MULTI_TEMPLATES = frozenset(
    {"django/forms/widgets/multiwidget.html", "django/forms/widgets/splitdatetime.html"}
)
FAST_TEMPLATES = INPUT_TEMPLATES | MULTI_TEMPLATES | {TEXTAREA, SELECT}


class _NotPlain(Exception):
    """A value the templates would treat in a way this module does not copy."""


def escape_text(value) -> str:
    """`conditional_escape(value)`, the same characters, quicker for a plain string.

    A form writes some twenty pieces of text per field (names, ids, classes, labels);
    Django's escaping checks each for lazy text through a decorator, which cost more
    than the escaping itself."""
    if isinstance(value, Promise):  # a lazy translation: its text, as Django does
        value = str(value)
    if type(value) is str:
        return html.escape(value)
    return conditional_escape(value)


def _text(value) -> str:
    # `{{ value }}` on a string: escaped unless already safe. Anything else (a number, a
    # date) the template would localise first: leave it to the template.
    if isinstance(value, str) or hasattr(value, "__html__"):
        return escape_text(value)
    if type(value).__name__ == "__proxy__":  # a lazy translation
        return escape_text(str(value))
    raise _NotPlain


def _formatted(value) -> str:
    # `{{ value|stringformat:'s' }}`: "%s" of the value, escaped unless it was safe.
    if isinstance(value, SafeString):
        return value
    if isinstance(value, tuple):
        value = str(value)
    return html.escape("%s" % value)  # noqa: UP031 - the filter's own formatting


def _attrs(attrs: dict) -> str:
    # django/forms/widgets/attrs.html
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {_text(name)}")
        else:
            out.append(f' {_text(name)}="{_formatted(value)}"')
    return "".join(out)


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value is not None else ""
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}'
        f"{_attrs(widget['attrs'])}>"
    )


def _textarea(widget: dict) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_text(value) if value else ''}</textarea>"
    )


def _select(widget: dict) -> str:
    out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != SELECT_OPTION:
                raise _NotPlain
            out.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _boxes(widget: dict, own_templates: frozenset[str]) -> str:
    # multiwidget.html (which splitdatetime.html includes): each box's own template inside
    # {% spaceless %}.
    if not MULTI_TEMPLATES.issubset(own_templates):
        raise _NotPlain
    out = []
    for box in widget["subwidgets"]:
        if box["template_name"] not in INPUT_TEMPLATES or box["template_name"] not in own_templates:
            raise _NotPlain
        out.append(_input(box))
    return strip_spaces_between_tags("".join(out).strip())


class FastWidgetRenderer(DjangoTemplates):
    """DjangoTemplates, with inputs, text areas, drop-downs and pairs of inputs (a date
    and a time) written without templates."""

    @functools.cached_property
    def _own_templates(self) -> frozenset[str]:
        # The fast path stands in for Django's own files only: an app may override one.
        names = {
            name
            for name in FAST_TEMPLATES | {SELECT_OPTION, INPUT, ATTRS}
            if Path(self.get_template(name).origin.name).parent == DJANGO_WIDGETS
        }
        if not {INPUT, ATTRS, SELECT_OPTION} <= names:
            return frozenset()
        return frozenset(names)

    def render(self, template_name, context, request=None):
        if template_name in FAST_TEMPLATES and template_name in self._own_templates:
            widget = context.get("widget")
            try:
                if template_name == SELECT:
                    return mark_safe(_select(widget))  # noqa: S308 - escaped piece by piece
                if template_name == TEXTAREA:
                    return mark_safe(_textarea(widget))  # noqa: S308 - escaped piece by piece
                if template_name in MULTI_TEMPLATES:
                    boxes = _boxes(widget, self._own_templates)
                    return mark_safe(boxes)  # noqa: S308 - escaped piece by piece
                return mark_safe(_input(widget))  # noqa: S308 - escaped piece by piece
            except _NotPlain:
                pass
        return super().render(template_name, context, request=request)
