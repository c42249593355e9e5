"""The translations are complete everywhere, and stay so.

Fails when:
- a template (any .html or .txt under a templates folder, but for the few exempt below,
  each with its reason) has user-facing text outside {% translate %} / {% blocktranslate %};
- one of our scripts (static/js) has a text a person reads outside gettext();
- a marked text (template, Python or script) is missing from the Spanish catalogues
  (django.po, djangojs.po), or is there untranslated or fuzzy (after editing:
  `make messages`, then translate what is new);
- a translation drops or adds a %(placeholder)s of its original.

The Python files are listed (PYTHON_FILES): those behind the translated pages.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Message
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils.translation import templatize

from smpclinic.i18n_templates import mark, unmarked

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
JS_CATALOGUE = ROOT / "locale" / "es" / "LC_MESSAGES" / "djangojs.po"
SCRIPTS = ROOT / "static" / "js"

# Every template of the project is checked (template_paths() walks the template folders),
# except these, each for its reason.
EXEMPT_TEMPLATES = {
    # Django REST framework's browsable API page, restyled for the CSP: its texts are DRF's.
    "templates/rest_framework/api.html": "a third-party page (DRF's own texts)",
}
# Folders that hold no template of ours (installed packages, generated or run-time files).
NOT_OURS = {".venv", "var", "node_modules", "tmp", "patches", ".git", "staticfiles"}

# The Python behind those pages: forms, messages, refusals and PDFs a client sees.
PYTHON_FILES = [
    "scheduling/public_forms.py",
    "scheduling/public_views.py",
    "scheduling/booking.py",
    "scheduling/availability.py",
    "scheduling/rules.py",
    "scheduling/day_table.py",
    "portal/forms.py",
    "portal/views.py",
    "portal/rules.py",
    "consultations/client_forms.py",
    "consultations/forms_views.py",
    "consultations/consent.py",
    "consultations/questionnaire.py",
    "consultations/pdf.py",
    "aftercare/forms.py",
    "aftercare/public_views.py",
    "waitlist/forms.py",
    "billing/receipts.py",
    "scheduling/sms_replies.py",
    # Staff screens
    "accounts/context_processors.py",
    "accounts/forms.py",
    "accounts/views.py",
    "accounts/models.py",
    "scheduling/team_forms.py",
    "scheduling/staff_hours.py",
    "scheduling/forms.py",
    "scheduling/views.py",
    "scheduling/week_grid.py",
    "smpclinic/home_pages.py",
    "consultations/selectors.py",
    "billing/parts.py",
    "clients/forms.py",
    "clients/views.py",
    "clients/models.py",
    "waitlist/views.py",
    "waitlist/services.py",
    "smpclinic/clinic.py",
    "waitlist/models.py",
    "sessions_app/selectors.py",
    "clinic_settings/forms.py",
    "clinic_settings/sections.py",
    "clinic_settings/views.py",
    "scheduling/setup.py",
    "scheduling/setup_forms.py",
    "scheduling/service_languages.py",
    "accounts/team_forms.py",
    "accounts/team_views.py",
    "accounts/services.py",
    "accounts/invitations.py",
    "scheduling/team_views.py",
    "reports/forms.py",
    "reports/views.py",
    "reports/selectors.py",
    "reminders/views.py",
    "reminders/selectors.py",
    "reminders/staff.py",
    "reminders/health.py",
    "reminders/channels.py",
    "consultations/forms.py",
    "consultations/views.py",
    "consultations/services.py",
    "consultations/rules.py",
    "consultations/models.py",
    "sessions_app/forms.py",
    "sessions_app/views.py",
    "sessions_app/plans.py",
    "sessions_app/progress.py",
    "sessions_app/models.py",
    "photos/forms.py",
    "photos/views.py",
    "photos/models.py",
    "aftercare/views.py",
    "aftercare/services.py",
    "billing/staff_forms.py",
    "billing/staff_views.py",
    "billing/takings_views.py",
    "billing/ledger.py",
    "billing/deposits.py",
    "billing/models.py",
    "portal/healing.py",
    "scheduling/ics.py",
    # Settings → Messages, Forms, Aftercare, Prices and deposits
    "reminders/kinds.py",
    "reminders/forms.py",
    "reminders/models.py",
    "reminders/message_settings.py",
    "reminders/settings_views.py",
    "reminders/wording.py",
    "scheduling/messages.py",
    "consultations/messages.py",
    "sessions_app/messages.py",
    "aftercare/messages.py",
    "waitlist/messages.py",
    "billing/messages.py",
    "consultations/settings_views.py",
    "aftercare/settings_views.py",
    "aftercare/models.py",
    "billing/settings_views.py",
    "billing/price_list.py",
    # Error pages, the audit trail, erasure requests, calendar feeds, confirm links, takings
    "smpclinic/database.py",
    "audit/registry.py",
    "audit/selectors.py",
    "privacy/erasure.py",
    "privacy/forms.py",
    "privacy/models.py",
    "privacy/views.py",
    "scheduling/ics_views.py",
    "scheduling/confirm_views.py",
    "billing/takings.py",
]
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "gettext_noop", "pgettext", "pgettext_lazy"}
PLURAL_NAMES = {"ngettext", "ngettext_lazy"}


def all_templates() -> list[Path]:
    """Every .html and .txt file under a `templates` folder of the project."""
    found = []
    for folder in sorted(ROOT.rglob("templates")):
        relative = folder.relative_to(ROOT)
        if not folder.is_dir() or NOT_OURS & set(relative.parts):
            continue
        found += [p for p in folder.rglob("*") if p.suffix in (".html", ".txt") and p.is_file()]
    return sorted(set(found))


def template_paths() -> list[Path]:
    skipped = set(EXEMPT_TEMPLATES)
    return [p for p in all_templates() if str(p.relative_to(ROOT)) not in skipped]


def catalogue(path: Path = CATALOGUE) -> dict[tuple[str | None, str], Message]:
    """The Spanish catalogue's entries by (context, msgid), read by Babel's .po reader."""
    with path.open("rb") as source:
        catalog = read_po(source)
    return {(m.context, _texts(m)[0][0]): m for m in catalog if m.id}


def _texts(message: Message) -> tuple[list[str], list[str]]:
    """(the English, its translations): one each, or every plural form."""
    if message.pluralizable:
        return list(message.id), list(message.string)
    return [message.id], [message.string]


# --- what the code marks ---------------------------------------------------------------------

_CALL = re.compile(r"\b(n?p?gettext)\((u'(?:[^'\\]|\\.)*'(?:, u'(?:[^'\\]|\\.)*')*)")


def template_messages(path: Path) -> set[tuple[str | None, str]]:
    """(context, msgid) of every marked text in a template, as makemessages reads it."""
    found = set()
    for name, arguments in _CALL.findall(templatize(path.read_text(), origin=str(path))):
        strings = [ast.literal_eval(s) for s in re.findall(r"u('(?:[^'\\]|\\.)*')", arguments)]
        context = strings.pop(0) if name.startswith(("pgettext", "npgettext")) else None
        found.add((context, strings[0]))
    return found


def python_messages(path: Path) -> set[tuple[str | None, str]]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        name, args = node.func.id, node.args
        if name not in GETTEXT_NAMES | PLURAL_NAMES or not args:
            continue
        values = [a.value if isinstance(a, ast.Constant) else None for a in args]
        if name.startswith("pgettext") and len(values) >= 2 and values[1]:
            found.add((values[0], values[1]))
        elif isinstance(values[0], str):
            found.add((None, values[0]))
    return found


# --- the checks ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [CATALOGUE, JS_CATALOGUE], ids=lambda p: p.name)
def test_the_spanish_catalogue_has_no_untranslated_or_fuzzy_entry(path):
    problems = [
        f"{'fuzzy' if entry.fuzzy else 'untranslated'}: {key[1]!r}"
        for key, entry in catalogue(path).items()
        if entry.fuzzy or not all(_texts(entry)[1])
    ]
    assert not problems, "\n".join(problems)


def test_the_exempt_templates_exist_and_are_few():
    for name in EXEMPT_TEMPLATES:
        assert (ROOT / name).is_file(), f"{name} is listed but missing: take it off the list"
    assert len(EXEMPT_TEMPLATES) <= 3
    # The walk finds the templates of every folder (the project's, and the apps' own).
    walked = {str(p.relative_to(ROOT)) for p in template_paths()}
    assert "templates/500.html" in walked
    assert "templates/accounts/team/invitation_email.txt" in walked
    assert "waitlist/templates/waitlist/join.html" in walked
    assert "clinic_settings/templates/clinic_settings/_changes.html" in walked


@pytest.mark.parametrize("path", template_paths(), ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_mark_every_text_and_spanish_has_it(path):
    assert path.exists(), f"{path} is listed but missing"
    source = path.read_text()
    left = unmarked(source)
    assert not left, f"Not marked for translation in {path.name}: {left}"
    known = catalogue()
    missing = sorted(
        msgid for key in template_messages(path) if key not in known for msgid in [key[1]]
    )
    assert not missing, f"Not in the Spanish catalogue (run `make messages`): {missing}"


@pytest.mark.parametrize("name", PYTHON_FILES)
def test_python_texts_are_in_the_spanish_catalogue(name):
    known = catalogue()
    missing = sorted(key[1] for key in python_messages(ROOT / name) if key not in known)
    assert not missing, f"Not in the Spanish catalogue (run `make messages`): {missing}"


@pytest.mark.parametrize("path", [CATALOGUE, JS_CATALOGUE], ids=lambda p: p.name)
def test_every_translation_keeps_its_placeholders(path):
    placeholder = re.compile(r"%\((\w+)\)[sd]")
    problems = []
    for key, entry in catalogue(path).items():
        originals, translations = _texts(entry)
        expected = set().union(*(set(placeholder.findall(text)) for text in originals))
        for text in translations:
            if set(placeholder.findall(text)) != expected:
                problems.append(f"{key[1]!r} → {text!r}")
    assert not problems, "\n".join(problems)


def test_the_checker_finds_text_left_unmarked():
    # The check itself: plain text, an attribute a screen reader reads, and a marked page.
    assert unmarked("<p>Book now</p>") == ["Book now"]
    assert unmarked('<img src="x.png" alt="Your photo">') == ["Your photo"]
    assert unmarked('{% load i18n %}<p>{% translate "Book now" %} {{ name }}</p>') == []
    assert unmarked("<p>{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}</p>") == []


def test_the_checker_finds_a_text_handed_to_an_included_template():
    assert unmarked('{% include "x.html" with heading="Today\'s list" form_id="f-1" %}') == [
        "Today's list"
    ]
    assert unmarked('{% include "x.html" with heading=_("Today") form_id="booking-form" %}') == []
    assert unmarked('{% include "x.html" with times_class="list-unstyled mb-0" %}') == []


def test_marking_a_sentence_with_an_inline_tag_keeps_only_its_values():
    marked = mark('<p>My day <span class="badge">{{ total }}</span></p>')
    assert "{% blocktranslate with total=total %}" in marked
    assert 'My day <span class="badge">{{ total }}</span>' in marked


# --- our scripts --------------------------------------------------------------------------------

_JS_TOKEN = re.compile(
    r"""//[^\n]*|/\*.*?\*/|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`""", re.S
)
_JS_MARKED = re.compile(r"\b(?:gettext|ngettext|pgettext)\(\s*$")
# A text a person reads: words with a capital, or a sentence's end; not a CSS class list,
# a selector, a header or an event name.
_JS_WORDS = re.compile(r"[A-Z][a-z]+.*\s|\s.*[A-Z][a-z]+|[a-z]\s.*[.!?…:]$")


def script_texts(source: str) -> tuple[list[str], list[str]]:
    """(texts marked with gettext(), texts a person would read left unmarked) in a script."""
    marked, left = [], []
    for token in _JS_TOKEN.finditer(source):
        text = token.group(0)
        if text.startswith(("//", "/*")):
            continue
        value = text[1:-1]
        if _JS_MARKED.search(source[: token.start()]):
            marked.append(value)
        elif _JS_WORDS.search(value) and value != "use strict":
            left.append(value)
    return marked, left


def scripts() -> list[Path]:
    return sorted(p for p in SCRIPTS.rglob("*.js") if "vendor" not in p.parts)


@pytest.mark.parametrize("path", scripts(), ids=lambda p: p.name)
def test_scripts_mark_every_text_and_spanish_has_it(path):
    marked, left = script_texts(path.read_text())
    assert not left, f"Not marked with gettext() in {path.name}: {left}"
    known = catalogue(JS_CATALOGUE)
    missing = sorted(text for text in marked if (None, text) not in known)
    assert not missing, f"Not in the Spanish djangojs catalogue (run `make messages`): {missing}"


def test_pages_load_the_catalogue_before_a_script_that_uses_it():
    using = {p.name for p in scripts() if script_texts(p.read_text())[0]}
    assert {"week-grid.js", "progress.js", "photo-lineup.js"} <= using
    problems = []
    for template in all_templates():
        source = template.read_text()
        for name in using:
            at = source.find(f"js/{name}")
            if at >= 0 and source.rfind('"includes/js_catalog.html"', 0, at) < 0:
                problems.append(f"{template.relative_to(ROOT)} loads {name} without the catalogue")
    assert not problems, "\n".join(problems)


def test_the_script_checker_finds_text_left_unmarked():
    assert script_texts('say("Picked up. Drag to the new time.");')[1] == [
        "Picked up. Drag to the new time."
    ]
    assert script_texts('thumb.title = "Show " + name;')[1] == ["Show "]
    assert script_texts('say(gettext("Left where it was."));') == (["Left where it was."], [])
    quiet = 'el.className = "btn btn-sm btn-primary"; // "Print" it\nx("[data-id]", "X-Token");'
    assert script_texts(quiet) == ([], [])
