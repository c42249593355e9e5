"""Settings → Messages in a real browser: the manager types in the editor, puts a placeholder
in with its button, and the preview follows; the page meets WCAG 2.2 AA."""

import re
from importlib import import_module

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import take_session
from tests.browser.test_accessibility import problems_on

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_preview_follows_the_wording_as_it_is_typed(page, live_server, people):
    take_session(page, live_server, people.manager)
    edit = reverse("message_settings:edit", kwargs={"kind": "appointment_reminder"})
    page.goto(edit)
    preview = page.get_by_test_id("message-preview")
    expect(preview).to_contain_text("As Sam Taylor would receive it")

    subject = page.get_by_label("Email subject")
    subject.fill("See you soon, ")
    subject.press("End")
    page.get_by_role("button", name="{first_name}").click()
    expect(subject).to_have_value("See you soon, {first_name}")
    expect(page.get_by_test_id("preview-subject")).to_have_text("See you soon, Sam")

    sms = page.get_by_role("textbox", name="SMS", exact=False).last
    sms.fill("Hi {first_name}, until ")
    sms.press("End")
    page.get_by_role("button", name="{when}").click()
    expect(sms).to_have_value("Hi {first_name}, until {when}")
    expect(page.get_by_test_id("preview-sms")).to_have_text(
        re.compile(r"^\s*Hi Sam, until \w+day \d{1,2} \w+ at 10:15\s*$")
    )
    length = len(page.get_by_test_id("preview-sms").inner_text().strip())
    expect(page.get_by_test_id("preview-sms-length")).to_contain_text(
        f"{length} characters · sent as 1 text message"
    )

    # A typo is named in the preview before anything is saved.
    sms.fill("Hi {frist_name}")
    expect(preview).to_contain_text("Unknown placeholder {frist_name}")

    problems = problems_on(page, edit)
    assert not problems, "\n".join(problems)


def test_the_other_settings_pages_meet_wcag_aa(page, live_server, people):
    from django.apps import apps

    from consultations.consent import consent_draft_start
    from consultations.models import ConsentTemplate
    from consultations.questionnaire import questionnaire_draft_start

    # The default questionnaire and consent forms (earlier transactional tests emptied them).
    defaults = import_module("consultations.migrations.0003_default_questionnaire_and_consent")
    defaults.add_defaults(apps, None)
    consent_draft_start(template=ConsentTemplate.objects.get(slug="smp-treatment"))
    questionnaire_draft_start()
    take_session(page, live_server, people.manager)
    pages = [
        reverse("message_settings:list"),
        reverse("message_settings:restore", kwargs={"kind": "appointment_reminder"}),
        reverse("form_settings:index"),
        reverse("form_settings:questionnaire"),
        reverse("form_settings:consent", kwargs={"slug": "smp-treatment"}),
        reverse("aftercare_settings:instructions"),
    ]
    problems = [problem for path in pages for problem in problems_on(page, path)]
    assert not problems, "\n".join(problems)
