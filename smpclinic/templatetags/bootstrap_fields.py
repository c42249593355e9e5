"""Form fields in Bootstrap 5 markup, as django-crispy-forms writes them, without its templates.

`{{ field|bootstrap_field }}` and `{{ form|bootstrap_form }}` give what crispy's
`as_crispy_field` and `crispy` give (the bootstrap5 pack's field.html, uni_form.html),
for a form without a crispy helper. Crispy renders each field through a template of some
sixty nodes and three includes; on the consultation record, with forty fields, that was
half of the request. The markup of a plain field (a text box, a number, a text area, a
drop-down: its label, the box, its errors and help) is written out here instead; any other
field (radio buttons, tick boxes, files, date-and-time pairs, hidden fields) still goes
through crispy's template, so those stay exactly as crispy has them.

The result is crispy's markup with the same elements, attributes and text, whitespace
aside (the browser collapses it): `smpclinic/tests/test_bootstrap_fields.py` compares the
two for every field of the forms that use this.
"""

from __future__ import annotations

from crispy_forms.templatetags.crispy_forms_filters import (
    as_crispy_field,
    as_crispy_form,
    optgroups,
)
from crispy_forms.templatetags.crispy_forms_utils import remove_spaces
from django import forms, template
from django.conf import settings
from django.forms.boundfield import BoundField
from django.template.loader import get_template
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe

from smpclinic.form_renderer import escape_text

register = template.Library()

ASTERISK = '<span class="asteriskField">*</span>'

# Widgets crispy hands to its generic branch (a box with "form-control" or "form-select").
_NOT_PLAIN = (
    forms.CheckboxInput,
    forms.RadioSelect,
    forms.CheckboxSelectMultiple,
    forms.FileInput,
    forms.MultiWidget,
)


def _once(text):
    # A lazy translation looked up once: each use of the lazy text would look it up again.
    return str(text) if isinstance(text, Promise) else text


def _plain(field: BoundField) -> bool:
    widget = field.field.widget
    return (
        getattr(field.form, "helper", None) is None
        and not widget.is_hidden
        and not isinstance(widget, _NOT_PLAIN)
        and not hasattr(widget, "widget")  # a wrapper around another widget
        and not field.use_fieldset
    )


def _add_classes(field: BoundField, extra: str) -> None:
    # What crispy's {% crispy_field %} does to the widget (each widget of a pair, such as
    # a date and a time) before rendering it.
    widget = field.field.widget
    converters = getattr(settings, "CRISPY_CLASS_CONVERTERS", {})
    for each in getattr(widget, "widgets", [getattr(widget, "widget", widget)]):
        class_name = each.__class__.__name__.lower()
        class_name = converters.get(class_name, class_name)
        css_class = each.attrs.get("class", "")
        if css_class:
            if css_class.find(class_name) == -1:
                css_class += f" {class_name}"
        else:
            css_class = class_name
        for name in extra.split():
            if name not in css_class.split():
                css_class += f" {name}"
        each.attrs["class"] = css_class


def _plain_field(field: BoundField) -> SafeString:
    # bootstrap5/field.html with form_show_labels and form_show_errors on, and no
    # label_class, field_class, wrapper_class or horizontal form.
    auto_id = escape_text(field.auto_id)
    required = field.field.required
    css_classes = field.css_classes()
    out = [f' <div id="div_{auto_id}" class="mb-3{" " + css_classes if css_classes else ""}">']
    label = _once(field.label)
    if label:
        for_attr = f'for="{escape_text(field.id_for_label)}" ' if field.id_for_label else ""
        out.append(
            f' <label {for_attr}class="form-label{" requiredField" if required else ""}">'
            f" {escape_text(label)}"
            f"{ASTERISK if required else ''} </label>"
        )
    errors = field.errors
    box = "form-select" if isinstance(field.field.widget, forms.Select) else "form-control"
    _add_classes(field, f"{box} is-invalid" if errors else box)
    out.append(f" {field}")
    if errors:
        field_id = escape_text(getattr(errors, "field_id", "") or "")
        out.append(f' <div id="{field_id}_error" class="invalid-feedback">')
        for number, error in enumerate(errors, start=1):
            text = escape_text(error)
            out.append(f' <p id="error_{number}_{auto_id}"><strong>{text}</strong></p>')
        out.append(" </div>")
    help_text = _once(field.help_text)
    if help_text:
        id_attr = f'id="{auto_id}_helptext" ' if field.auto_id else ""
        out.append(f' <div {id_attr}class="form-text">{help_text}</div>')
    out.append(" </div> ")
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped (help text is HTML, as in crispy)


def _radios(field: BoundField) -> bool:
    widget = field.field.widget
    return (
        getattr(field.form, "helper", None) is None
        and type(widget) is forms.RadioSelect
        and not widget.is_hidden
        and field.use_fieldset
    )


def _option_text(value) -> str:
    # `{{ value|unlocalize }}` on a string; anything else is left to crispy's template.
    if isinstance(value, str) or type(value).__name__ == "__proxy__":
        return escape_text(value)
    raise TypeError


def _attrs(attrs: dict) -> str:
    # bootstrap5/layout/attrs.html
    return "".join(
        f" {escape_text(name)}"
        if value is True
        else f' {escape_text(name)}="{escape_text("%s" % (value,))}"'  # noqa: UP031
        for name, value in attrs.items()
        if value is not False
    )


def _fieldset_start(field: BoundField) -> tuple[str, str, list, list[str]]:
    """The opening of a field shown as a fieldset (radio buttons, a date and a time): its
    wrapper and legend, as crispy's bootstrap5/field.html writes them."""
    auto_id = escape_text(field.auto_id)
    label = _once(field.label)
    required = field.field.required
    css_classes = field.css_classes()
    out = [f' <div id="div_{auto_id}" class="mb-3{" " + css_classes if css_classes else ""}">']
    if label:
        described = field.aria_describedby
        described = f' aria-describedby="{escape_text(described)}"' if described else ""
        for_attr = f'for="{escape_text(field.id_for_label)}" ' if field.id_for_label else ""
        out.append(
            f" <fieldset{described}> <legend {for_attr}"
            f'class="form-label{" requiredField" if required else ""} fs-6">'
            f" {escape_text(label)}{ASTERISK if required else ''} </legend>"
        )
    return auto_id, label, field.errors, out


def _radio_field(field: BoundField) -> SafeString:
    # bootstrap5/field.html and layout/radio_checkbox_select.html for radio buttons, with
    # form_show_labels and form_show_errors on, no field_class, inline_class or
    # horizontal form.
    auto_id, label, errors, out = _fieldset_start(field)
    out.append(" <div > ")
    invalid = " is-invalid" if errors else ""
    name = escape_text(field.html_name)
    groups = list(optgroups(field))
    for group_number, (group, options, _index) in enumerate(groups, start=1):
        if group:
            out.append(f" <strong>{escape_text(group)}</strong>")
        for option_number, option in enumerate(options, start=1):
            out.append(
                f' <div class="form-check"> <input type="{escape_text(option["type"])}"'
                f' class="form-check-input{invalid}"  name="{name}"'
                f' value="{_option_text(option["value"])}" {_attrs(option["attrs"])}>'
                f' <label for="{escape_text(option["attrs"].get("id", ""))}"'
                f' class="form-check-label"> {_option_text(option["label"])} </label> '
            )
            if errors and option_number == len(options) and group_number == len(groups):
                out.append(_errors(field, auto_id))
            out.append(" </div> ")
    out.append(" </div> ")
    out.append(_help_text(field, auto_id))
    if label:
        out.append("</fieldset>")
    out.append(" </div> ")
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped (help text is HTML)


def _errors(field: BoundField, auto_id: str) -> str:
    # bootstrap5/layout/field_errors_block.html
    field_id = escape_text(getattr(field.errors, "field_id", "") or "")
    out = [f' <div id="{field_id}_error" class="invalid-feedback">']
    for number, error in enumerate(field.errors, start=1):
        text = escape_text(error)
        out.append(f' <p id="error_{number}_{auto_id}"><strong>{text}</strong></p>')
    out.append(" </div> ")
    return "".join(out)


def _help_text(field: BoundField, auto_id: str) -> str:
    # bootstrap5/layout/help_text.html
    help_text = _once(field.help_text)
    if not help_text:
        return ""
    id_attr = f'id="{auto_id}_helptext" ' if field.auto_id else ""
    return f' <div {id_attr}class="form-text">{help_text}</div> '


def _no_helper(field: BoundField) -> bool:
    return getattr(field.form, "helper", None) is None and not field.field.widget.is_hidden


def _checkbox_field(field: BoundField) -> SafeString:
    # bootstrap5/field.html for a tick box, with form_show_labels and form_show_errors on,
    # no label_class, wrapper_class or horizontal form.
    auto_id = escape_text(field.auto_id)
    required = field.field.required
    css_classes = field.css_classes()
    errors = field.errors
    _add_classes(field, "form-check-input is-invalid" if errors else "form-check-input")
    out = [
        ' <div class="mb-3">',
        f' <div id="div_{auto_id}" class="form-check{" " + css_classes if css_classes else ""}">',
        f" {field}",
        f' <label for="{escape_text(field.id_for_label)}"'
        f' class="form-check-label{" requiredField" if required else ""}">'
        f" {escape_text(field.label)}{ASTERISK if required else ''} </label>",
    ]
    if errors:
        out.append(_errors(field, auto_id))
    out.append(_help_text(field, auto_id))
    out.append(" </div> </div> ")
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped (help text is HTML)


def _date_time_field(field: BoundField) -> SafeString:
    # bootstrap5/field.html for a date and a time side by side (a fieldset), with
    # form_show_labels and form_show_errors on, no label_class or horizontal form.
    auto_id, label, errors, out = _fieldset_start(field)
    _add_classes(field, "form-control is-invalid" if errors else "form-control")
    out.append(f" {field}")
    if errors:
        out.append(_errors(field, auto_id))
    out.append(_help_text(field, auto_id))
    if label:
        out.append("</fieldset>")
    out.append(" </div> ")
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped (help text is HTML)


def _file_field(field: BoundField) -> SafeString | None:
    # bootstrap5/field.html and layout/field_file.html for a file box with no file chosen
    # before (a stored file's link and "clear" box are left to crispy), with
    # form_show_labels and form_show_errors on, no label_class or horizontal form.
    subwidgets = [widget.data for widget in field.subwidgets]
    if any(data.get("is_initial") for data in subwidgets):
        return None
    auto_id = escape_text(field.auto_id)
    label = _once(field.label)
    required = field.field.required
    css_classes = field.css_classes()
    errors = field.errors
    out = [f' <div id="div_{auto_id}" class="mb-3{" " + css_classes if css_classes else ""}">']
    if label:
        for_attr = f'for="{escape_text(field.id_for_label)}" ' if field.id_for_label else ""
        out.append(
            f' <label {for_attr}class="form-label{" requiredField" if required else ""}">'
            f" {escape_text(label)}{ASTERISK if required else ''} </label>"
        )
    invalid_box = ' class="is-invalid"' if errors else ""
    for data in subwidgets:
        attrs = data["attrs"]
        own_class = f" {escape_text(attrs['class'])}" if attrs.get("class") else ""
        out.append(
            f" <div{invalid_box}>"
            f' <input type="{escape_text(data["type"])}" name="{escape_text(data["name"])}"'
            f' class="form-control{own_class}{" is-invalid" if errors else ""}"'
            f"{' disabled' if field.field.disabled else ''}"
            f"{_attrs({name: value for name, value in attrs.items() if name != 'class'})}>"
        )
        if errors:
            out.append(_errors(field, auto_id))
        out.append(_help_text(field, auto_id))
        out.append(" </div> ")
    out.append(" </div> ")
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped (help text is HTML)


def _field(field: BoundField) -> SafeString | None:
    if _plain(field):
        return _plain_field(field)
    if _radios(field):
        try:
            return _radio_field(field)
        except TypeError:
            return None
    if not _no_helper(field):
        return None
    widget = field.field.widget
    if type(widget) is forms.CheckboxInput and not field.use_fieldset:
        return _checkbox_field(field)
    if type(widget) is forms.SplitDateTimeWidget and field.use_fieldset:
        return _date_time_field(field)
    if isinstance(widget, forms.FileInput) and not field.use_fieldset:
        return _file_field(field)
    return None


@register.filter
def bootstrap_field(field: BoundField) -> SafeString:
    """`|as_crispy_field` for a field of a form without a crispy helper."""
    fast = _field(field)
    return fast if fast is not None else as_crispy_field(field)


@register.filter
def bootstrap_form(form) -> SafeString:
    """`|crispy` for a form without a crispy helper."""
    if getattr(form, "helper", None) is not None:
        return as_crispy_form(form)
    out = []
    if form.non_field_errors():
        out.append(get_template("bootstrap5/errors.html").render({"form": form}))
    field_template = None
    for field in form:
        fast = _field(field)
        if fast is not None:
            out.append(fast)
            continue
        if field_template is None:
            field_template = get_template("bootstrap5/field.html")
        out.append(
            field_template.render(
                {
                    "field": field,
                    "field_class": "",
                    "field_template": "bootstrap5/field.html",
                    "form": form,
                    "form_show_errors": True,
                    "form_show_labels": True,
                    "label_class": "",
                }
            )
        )
    # uni_form.html: its own lines around the fields, the fields' spaces squeezed.
    return mark_safe("\n\n" + remove_spaces(" ".join(out).strip()) + "\n")  # noqa: S308 - rendered safe above
