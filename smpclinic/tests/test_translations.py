"""The translations are complete where the product is translated, and stay so.

Fails when, in the areas below:
- a template has user-facing text outside {% translate %} / {% blocktranslate %};
- a marked text (template or Python) is missing from the Spanish catalogue, or is there
  untranslated or fuzzy (after editing: `make messages`, then translate what is new);
- a translation drops or adds a %(placeholder)s of its original.

The client-facing areas are converted in full, and so are these staff screens: the
navigation and layout, signing in (password, two-factor, password reset), "My hours", the
home pages, the day and week diary with its booking and appointment pages, the client
list and record, the waitlist, the consultation record, treatment plans with their session
logs, the progress page, the photo pages, the check-in review with the artists' proposals,
the money pages (a client's account, deposits, takings), the settings pages of the clinic,
its hours and closed days, rooms, services and booking rules, the messages the clinic sends
(their wording, timing, preview and restoring the shipped wording), the health questionnaire
and consent forms with their drafts and versions, the aftercare instructions, the prices,
deposits, packages, touch-up prices and cancellation policy, the team pages (the list,
invitations, a member's page, their hours and time off), the reports, and the reminders
list with the text messages received.
The other staff screens are not yet, so they are not listed here.
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

# The client-facing templates: every file in these folders, and these single files.
TEMPLATE_DIRS = [
    "templates/booking",
    "templates/portal",
    "templates/consultations/forms",
    "templates/email",
    "billing/templates/billing/online",
    # Staff screens
    "templates/registration",
    "templates/home",
    "templates/clients",
    "clinic_settings/templates/clinic_settings",
    "templates/reports",
    "templates/sessions_app",
    "templates/photos",
    "templates/reminders/settings",
    "templates/consultations/settings",
    "templates/aftercare/settings",
    "billing/templates/billing/settings",
]
# Staff screens' single files are listed below with the client-facing ones.
TEMPLATE_FILES = [
    "templates/base.html",
    "templates/scheduling/_client_notes.html",
    "templates/aftercare/_public_layout.html",
    "templates/aftercare/_contact.html",
    "templates/aftercare/_choices.html",
    "templates/aftercare/_photo_grid.html",
    "templates/aftercare/check_in_form.html",
    "templates/aftercare/check_in_sent.html",
    "templates/aftercare/link_invalid.html",
    "waitlist/templates/waitlist/_entry_fields.html",
    "waitlist/templates/waitlist/join.html",
    "waitlist/templates/waitlist/joined.html",
    "waitlist/templates/waitlist/offer.html",
    "waitlist/templates/waitlist/offer_invalid.html",
    "templates/privacy/my_data.html",
    "templates/privacy/_client_download.html",
    "templates/accounts/two_factor_backup_codes.html",
    "templates/accounts/two_factor_on.html",
    "templates/accounts/two_factor_setup.html",
    "templates/accounts/two_factor_verify.html",
    # Staff screens
    "templates/scheduling/team/my_hours.html",
    "templates/scheduling/team/_week.html",
    "templates/scheduling/team/_time_off_list.html",
    "templates/scheduling/team/_time_off_status.html",
    "templates/includes/client_table.html",
    "templates/scheduling/_client_appointments.html",
    "templates/scheduling/_client_results.html",
    "templates/scheduling/_diary_nav.html",
    "templates/scheduling/_flags.html",
    "templates/scheduling/_free_times.html",
    "templates/scheduling/_status_badge.html",
    "templates/scheduling/_week_grid.html",
    "templates/scheduling/appointment_detail.html",
    "templates/scheduling/book.html",
    "templates/scheduling/day.html",
    "templates/scheduling/week.html",
    "templates/reminders/_email_block.html",
    "templates/photos/_gallery.html",
    "billing/templates/billing/_balance.html",
    "templates/reminders/_client_inbox.html",
    "templates/reminders/_client_reminders.html",
    "waitlist/templates/waitlist/entry_form.html",
    "waitlist/templates/waitlist/freed_time.html",
    "waitlist/templates/waitlist/waitlist.html",
    "templates/accounts/team/_status.html",
    "templates/accounts/team/invite.html",
    "templates/accounts/team/list.html",
    "templates/accounts/team/member.html",
    "templates/accounts/team/welcome.html",
    "templates/accounts/team/welcome_asked.html",
    "templates/scheduling/team/_member_diary.html",
    "templates/scheduling/team/_waiting_requests.html",
    "templates/scheduling/team/member_hours.html",
    "templates/reminders/inbox.html",
    "templates/reminders/reminder_list.html",
    "templates/consultations/_consultation_rows.html",
    "templates/consultations/_forms_status.html",
    "templates/consultations/_questionnaire_answers.html",
    "templates/consultations/book_first_session.html",
    "templates/consultations/consultation_detail.html",
    "templates/consultations/consultation_list.html",
    "templates/consultations/estimate.html",
    "templates/aftercare/_staff_layout.html",
    "templates/aftercare/proposals.html",
    "templates/aftercare/queue.html",
    "templates/aftercare/review.html",
    "billing/templates/billing/_appointment_deposit.html",
    "billing/templates/billing/account.html",
    "billing/templates/billing/takings.html",
]
# The Python behind those pages: forms, messages, refusals and PDFs a client sees.
PYTHON_FILES = [
    "scheduling/public_forms.py",
    "scheduling/public_views.py",
    "scheduling/booking.py",
    "scheduling/availability.py",
    "scheduling/rules.py",
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
    "smpclinic/home_pages.py",
    "consultations/selectors.py",
    "billing/parts.py",
    "clients/forms.py",
    "clients/views.py",
    "clients/models.py",
    "waitlist/views.py",
    "waitlist/services.py",
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
]
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy"}
PLURAL_NAMES = {"ngettext", "ngettext_lazy"}


def template_paths() -> list[Path]:
    paths = [ROOT / name for name in TEMPLATE_FILES]
    for folder in TEMPLATE_DIRS:
        paths += sorted((ROOT / folder).rglob("*.html")) + sorted((ROOT / folder).rglob("*.txt"))
    return paths


def catalogue() -> dict[tuple[str | None, str], Message]:
    """The Spanish catalogue's entries by (context, msgid), read by Babel's .po reader."""
    with CATALOGUE.open("rb") as source:
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


def test_the_spanish_catalogue_has_no_untranslated_or_fuzzy_entry():
    problems = [
        f"{'fuzzy' if entry.fuzzy else 'untranslated'}: {key[1]!r}"
        for key, entry in catalogue().items()
        if entry.fuzzy or not all(_texts(entry)[1])
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", template_paths(), ids=lambda p: str(p.relative_to(ROOT)))
def test_client_facing_templates_mark_every_text_and_spanish_has_it(path):
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
def test_client_facing_python_texts_are_in_the_spanish_catalogue(name):
    known = catalogue()
    missing = sorted(key[1] for key in python_messages(ROOT / name) if key not in known)
    assert not missing, f"Not in the Spanish catalogue (run `make messages`): {missing}"


def test_every_translation_keeps_its_placeholders():
    placeholder = re.compile(r"%\((\w+)\)[sd]")
    problems = []
    for key, entry in catalogue().items():
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
