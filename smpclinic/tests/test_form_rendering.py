"""Form fields written without templates look exactly as the templates wrote them.

The form renderer (smpclinic/form_renderer.py) writes inputs, text areas and drop-downs in
Python: byte for byte Django's own widget templates, for every field of every form of the
project, blank and filled in. `bootstrap_field` / `bootstrap_form` write crispy's
Bootstrap markup for plain fields: the same elements, attributes and text as crispy's
templates (whitespace aside), with errors, help texts and in Spanish.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import re

import pytest
from django import forms
from django.apps import apps
from django.forms.renderers import DjangoTemplates
from django.template import engines
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from consultations import forms as consultation_forms
from smpclinic.form_renderer import DJANGO_WIDGETS, FastWidgetRenderer
from tests.clock import day

pytestmark = pytest.mark.django_db

DJANGO_FORMS = DJANGO_WIDGETS.parents[2]
TEMPLATES = DjangoTemplates()
FAST = FastWidgetRenderer()


def project_forms() -> list[type[forms.BaseForm]]:
    found = []
    for config in apps.get_app_configs():
        if not config.path.startswith(str(settings_base())):
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


def settings_base():
    from django.conf import settings

    return settings.BASE_DIR


def widgets_of(form: forms.BaseForm, renderer) -> list[str]:
    form.renderer = renderer
    return [str(form[name]) for name in form.fields]


def test_every_field_of_every_form_renders_as_django_templates_do(people):
    checked = 0
    for cls in project_forms():
        for data in (None, {}):
            try:
                form = cls(data) if data is not None else cls()
                if data is not None:
                    form.is_valid()
            except (TypeError, KeyError, AttributeError):
                break  # a form that needs its object, its user or its own model
            # One form drawn by both renderers: its bound fields (and an initial value taken
            # from the clock, such as a date joined) are the same for both.
            assert widgets_of(form, FAST) == widgets_of(form, TEMPLATES), cls
            checked += 1
    assert checked >= 40


class Tricky(forms.Form):
    text = forms.CharField(max_length=10, help_text="Help")
    number = forms.DecimalField(widget=forms.NumberInput(attrs={"step": "0.01", "min": 0}))
    url = forms.URLField(
        required=False, assume_scheme="https", widget=forms.URLInput(attrs={"data-x": True})
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2, "hidden": False}))
    grouped = forms.ChoiceField(
        choices=[("", "—"), ("Group <1>", [("a", "A & B"), ("b", gettext_lazy("Yes"))])]
    )
    numbers = forms.TypedChoiceField(choices=[(1, 1), (2, 2)], coerce=int)  # localised labels
    many = forms.MultipleChoiceField(choices=[("x", '"X"'), ("y", mark_safe("<b>Y</b>"))])
    tick = forms.BooleanField(required=False)
    hidden = forms.CharField(widget=forms.HiddenInput)
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    # A date and a time side by side, filled in from the start when the form is blank.
    at = forms.SplitDateTimeField(
        initial=dt.datetime.combine(day(6, 2), dt.time(10, 30)),
        widget=forms.SplitDateTimeWidget(
            date_attrs={"type": "date", "aria-label": gettext_lazy("Date")},
            time_attrs={"type": "time"},
            date_format="%Y-%m-%d",
            time_format="%H:%M",
        ),
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "text": "<script>\"&'",
            "number": "12.5",
            "url": "x",
            "notes": "line one\n<b>two</b>",
            "grouped": "b",
            "numbers": "2",
            "many": ["x", "y"],
            "tick": "on",
            "hidden": mark_safe("<i>safe</i>"),
            "when": "2027-01-02",
            "at_0": "2027-01-02",
            "at_1": "<10:30>",
        },
    ],
)
@pytest.mark.parametrize("language", ["en-gb", "es"])
def test_escaping_groups_and_odd_values_render_as_django_templates_do(data, language):
    with translation.override(language):
        assert widgets_of(Tricky(data), FAST) == widgets_of(Tricky(data), TEMPLATES)


def test_an_overridden_widget_template_is_left_to_the_templates(tmp_path, settings):
    override = tmp_path / "django" / "forms" / "widgets"
    override.mkdir(parents=True)
    (override / "text.html").write_text('<input class="mine" name="{{ widget.name }}">')

    class Mine(DjangoTemplates):
        @property
        def engine(self):
            return self.backend(
                {"APP_DIRS": True, "DIRS": [tmp_path, DJANGO_FORMS], "NAME": "mine", "OPTIONS": {}}
            )

    class MineFast(FastWidgetRenderer, Mine):
        pass

    assert str(Tricky(renderer=MineFast())["text"]) == '<input class="mine" name="text">'


# --- crispy's Bootstrap markup -------------------------------------------------------------

CRISPY = engines["django"].from_string(
    "{% load crispy_forms_tags %}{% for field in form %}{{ field|as_crispy_field }}{% endfor %}"
    "|{{ form|crispy }}"
)
FAST_CRISPY = engines["django"].from_string(
    "{% load bootstrap_fields %}{% for field in form %}{{ field|bootstrap_field }}{% endfor %}"
    "|{{ form|bootstrap_form }}"
)


def same_markup(html: str) -> str:
    return re.sub(r"\s+", " ", html).strip()


CONSULTATION_FORMS = [
    consultation_forms.RecordForm,
    consultation_forms.ReviewForm,
    consultation_forms.PatchTestForm,
    consultation_forms.PatchReadForm,
    consultation_forms.HairlineForm,
    consultation_forms.ReferenceForm,
    consultation_forms.OutcomeForm,
]


@pytest.mark.parametrize("form_class", CONSULTATION_FORMS)
@pytest.mark.parametrize("language", ["en-gb", "es"])
def test_bootstrap_fields_match_crispy_blank_and_with_errors(form_class, language, people):
    bad = {
        "video_link": "not a link",
        "price_per_session": "-3",
        "expectations": "x" * 6000,
        "norwood_stage": "99",
        "patch-pigment": "",
        "read-reading": "maybe",
        "outcome-outcome": "not_suitable",
    }
    with translation.override(language):
        for make in (form_class, lambda: form_class(bad)):
            slow, fast = make(), make()
            if slow.is_bound:
                slow.is_valid()
                fast.is_valid()
                slow.add_error(None, "Something else <is> wrong.")
                fast.add_error(None, "Something else <is> wrong.")
            expected = same_markup(CRISPY.render({"form": slow}))
            assert same_markup(FAST_CRISPY.render({"form": fast})) == expected
            assert expected.count("<label") + expected.count("<legend") >= 2


def test_the_record_form_shows_its_errors_next_to_the_fields():
    form = consultation_forms.RecordForm({"video_link": "not a link", "mode": "in_person"})
    form.is_valid()
    html = FAST_CRISPY.render({"form": form})
    assert 'class="urlinput form-control is-invalid"' in html
    assert '<p id="error_1_id_video_link"><strong>' in html
