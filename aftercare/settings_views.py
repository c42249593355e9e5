"""Settings → Aftercare: the clinic's aftercare instructions by day after a session, edited
on one page with the admin's form and saved through aftercare.services."""

from __future__ import annotations

from django.contrib import messages
from django.forms import BaseModelFormSet, Textarea, modelformset_factory
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import manager_required
from reminders.kinds import send_time
from reminders.models import ReminderKind

from .forms import AftercareInstructionSettingsForm
from .models import AftercareInstruction
from .services import aftercare_instructions_update


class BaseInstructionFormSet(BaseModelFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = _("Remove")


InstructionFormSet = modelformset_factory(
    AftercareInstruction,
    form=AftercareInstructionSettingsForm,
    formset=BaseInstructionFormSet,
    widgets={"body": Textarea(attrs={"rows": 5})},
    extra=1,
    can_delete=True,
    max_num=200,
    validate_max=True,
)


def _page(request, formset, *, status=200):
    return render(
        request,
        "aftercare/settings/instructions.html",
        {"formset": formset, "message_time": send_time(ReminderKind.AFTERCARE)},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@manager_required
def instructions(request):
    queryset = AftercareInstruction.objects.prefetch_related("translations")
    if request.method == "GET":
        return _page(request, InstructionFormSet(queryset=queryset, prefix="i"))
    formset = InstructionFormSet(request.POST, queryset=queryset, prefix="i")
    if not formset.is_valid():
        return _page(request, formset, status=400)
    removed = [form.instance for form in formset.deleted_forms]
    kept = [form for form in formset.forms if form not in formset.deleted_forms]
    changed = [form.instance for form in kept if form.own_wording_changed]
    translations = [(form.instance, form.wording()) for form in kept if form.has_changed()]
    aftercare_instructions_update(changed=changed, removed=removed, translations=translations)
    messages.success(
        request,
        _(
            "Aftercare saved. Sessions logged from now on get this wording; plans already given "
            "keep theirs."
        ),
    )
    return redirect("aftercare_settings:instructions")
