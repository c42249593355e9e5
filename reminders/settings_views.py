"""Settings → Messages: the manager's wording, timing and on/off switch of each kind of
message, with a live preview for a sample client, a test sent to the manager and the shipped
wording to go back to. A thin layer over reminders.forms (the admin's checks),
reminders.wording (the one composer) and reminders.message_settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.access import manager_required
from smpclinic.diffs import diff_html, has_changes

from . import message_settings
from .channels import DeliveryFailed
from .forms import MessageSettingsForm
from .kinds import PLACEHOLDER_HELP, MessageKind, get_kind
from .models import MessageTemplate
from .wording import (
    SAMPLE_CLIENT,
    SMS_MAX,
    compose_sample,
    html_paragraphs,
    shipped_template,
    sms_parts,
)
from .wording import template_problems as placeholder_problems


def _kind_or_404(slug: str) -> MessageKind:
    kind = get_kind(slug)
    if kind is None:
        raise Http404(_("No such kind of message."))
    return kind


# Far beyond any message; a preview of more would only cost the server.
PREVIEW_MAX = 20_000


def _typed(kind: MessageKind, data, saved: MessageTemplate) -> MessageTemplate:
    """The wording as typed on the page (not saved), for the preview."""

    def typed(name: str) -> str:
        return data.get(name, getattr(saved, name))[:PREVIEW_MAX].replace("\r\n", "\n")

    return MessageTemplate(
        kind=kind.slug,
        enabled=True,
        subject=typed("subject"),
        email_text=typed("email_text"),
        sms_text=typed("sms_text"),
    )


def _preview(template: MessageTemplate) -> dict:
    composed = compose_sample(template)
    problems = []
    for label, text in (
        (_("Subject"), template.subject),
        (_("Email"), template.email_text),
        (_("SMS"), template.sms_text),
    ):
        problems += [
            _("%(part)s: %(problem)s") % {"part": label, "problem": problem}
            for problem in placeholder_problems(template.kind, text)
        ]
    return {
        "sample_client": SAMPLE_CLIENT,
        "composed": composed,
        "email_html": html_paragraphs(composed.text),
        "sms_length": len(composed.sms),
        "sms_parts": sms_parts(composed.sms),
        "sms_cut": len(composed.sms) >= SMS_MAX and composed.sms.endswith("…"),
        "problems": problems,
    }


def _editor(request, kind: MessageKind, form, preview_of: MessageTemplate, *, status=200):
    return render(
        request,
        "reminders/settings/edit.html",
        {
            "kind": kind,
            "form": form,
            "placeholders": [
                {"name": name, "help": PLACEHOLDER_HELP.get(name, "")}
                for name in sorted(kind.placeholders)
            ],
            "timing": form.instance.timing_words,
            "shipped": message_settings.is_shipped_wording(form.instance),
            "saved": form.instance.pk is not None,
            **_preview(preview_of),
        },
        status=status,
    )


@require_safe
@manager_required
def message_list(request):
    return render(
        request,
        "reminders/settings/list.html",
        {"rows": message_settings.message_rows()},
    )


@require_http_methods(["GET", "POST"])
@manager_required
def message_edit(request, kind: str):
    declared = _kind_or_404(kind)
    template = message_settings.template_for(declared.slug)
    if request.method == "GET":
        form = MessageSettingsForm(instance=template)
        return _editor(request, declared, form, template)
    typed = _typed(declared, request.POST, template)
    action = request.POST.get("action", "save")
    form = MessageSettingsForm(request.POST, instance=template)
    if action == "preview":
        # Without script the preview comes back with the page, nothing saved or lost.
        return _editor(request, declared, form, typed)
    if not form.is_valid():
        return _editor(request, declared, form, typed, status=400)
    if action == "test":
        try:
            sent_to = message_settings.send_test(template=form.instance, to=request.user)
        except (DeliveryFailed, ValidationError) as error:
            messages.error(
                request,
                _("The test could not be sent: %(error)s")
                % {"error": " ".join(getattr(error, "messages", [str(error)]))},
            )
        else:
            sent = _(
                "A test of this message, filled in for %(sample_client)s, was sent to %(to)s."
            ) % {"sample_client": SAMPLE_CLIENT, "to": ", ".join(sent_to)}
            if form.has_changed():
                sent += " " + _("The changes on this page are not saved yet.")
            messages.success(request, sent)
        return _editor(request, declared, form, typed)
    form.save()
    messages.success(request, _("“%(label)s” saved.") % {"label": declared.label})
    return redirect("message_settings:list")


@require_POST
@manager_required
def message_preview(request, kind: str):
    """The preview alone, for the editor's script as the manager types."""
    declared = _kind_or_404(kind)
    template = message_settings.template_for(declared.slug)
    return render(
        request,
        "reminders/settings/_preview.html",
        _preview(_typed(declared, request.POST, template)),
    )


@require_http_methods(["GET", "POST"])
@manager_required
def message_restore(request, kind: str):
    declared = _kind_or_404(kind)
    shipped = shipped_template(declared.slug)
    if shipped is None:
        raise Http404(_("The product ships no wording for this kind of message."))
    if request.method == "POST":
        message_settings.restore_shipped_wording(kind=declared.slug)
        messages.success(
            request,
            _("“%(label)s” says again what it said when the clinic started.")
            % {"label": declared.label},
        )
        return redirect("message_settings:edit", kind=declared.slug)
    current = message_settings.template_for(declared.slug)
    return render(
        request,
        "reminders/settings/restore.html",
        {
            "kind": declared,
            "already": message_settings.is_shipped_wording(current),
            "changes": [
                {
                    "label": label,
                    "diff": diff_html(getattr(current, field), getattr(shipped, field)),
                    "changed": has_changes(getattr(current, field), getattr(shipped, field)),
                }
                for field, label in (
                    ("subject", _("Email subject")),
                    ("email_text", _("Email")),
                    ("sms_text", _("SMS")),
                )
            ],
        },
    )
