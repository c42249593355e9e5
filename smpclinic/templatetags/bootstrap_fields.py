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

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from crispy_forms.templatetags.crispy_forms_utils import remove_spaces
from django import forms, template
from django.conf import settings
from django.forms.boundfield import BoundField
from django.template.loader import get_template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

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
    # What crispy's {% crispy_field %} does to the widget before rendering it.
    widget = field.field.widget
    converters = getattr(settings, "CRISPY_CLASS_CONVERTERS", {})
    class_name = widget.__class__.__name__.lower()
    class_name = converters.get(class_name, class_name)
    css_class = widget.attrs.get("class", "")
    if css_class:
        if css_class.find(class_name) == -1:
            css_class += f" {class_name}"
    else:
        css_class = class_name
    for name in extra.split():
        if name not in css_class.split():
            css_class += f" {name}"
    widget.attrs["class"] = css_class


def _plain_field(field: BoundField) -> SafeString:
    # bootstrap5/field.html with form_show_labels and form_show_errors on, and no
    # label_class, field_class, wrapper_class or horizontal form.
    auto_id = conditional_escape(field.auto_id)
    required = field.field.required
    css_classes = field.css_classes()
    out = [f' <div id="div_{auto_id}" class="mb-3{" " + css_classes if css_classes else ""}">']
    if field.label:
        for_attr = f'for="{conditional_escape(field.id_for_label)}" ' if field.id_for_label else ""
        out.append(
            f' <label {for_attr}class="form-label{" requiredField" if required else ""}">'
            f" {conditional_escape(field.label)}"
            f"{ASTERISK if required else ''} </label>"
        )
    errors = field.errors
    box = "form-select" if isinstance(field.field.widget, forms.Select) else "form-control"
    _add_classes(field, f"{box} is-invalid" if errors else box)
    out.append(f" {field}")
    if errors:
        field_id = conditional_escape(getattr(errors, "field_id", "") or "")
        out.append(f' <div id="{field_id}_error" class="invalid-feedback">')
        for number, error in enumerate(errors, start=1):
            text = conditional_escape(error)
            out.append(f' <p id="error_{number}_{auto_id}"><strong>{text}</strong></p>')
        out.append(" </div>")
    if field.help_text:
        id_attr = f'id="{auto_id}_helptext" ' if field.auto_id else ""
        out.append(f' <div {id_attr}class="form-text">{field.help_text}</div>')
    out.append(" </div> ")
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped (help text is HTML, as in crispy)


@register.filter
def bootstrap_field(field: BoundField) -> SafeString:
    """`|as_crispy_field` for a field of a form without a crispy helper."""
    if _plain(field):
        return _plain_field(field)
    return as_crispy_field(field)


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
        if _plain(field):
            out.append(_plain_field(field))
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
