"""The desk's money pages: a client's account, and the deposit's actions on the
appointment page. Thin: billing.ledger and billing.deposits decide everything."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import client_editor_required, manager_required
from clients.access import get_client_for_user

from . import deposits, ledger
from .access import get_deposit_for_user, get_entry_for_user, may_approve, require_manager
from .models import LedgerEntry
from .money import money
from .receipts import RECEIPT_KINDS, receipt_filename, receipt_pdf
from .selectors import account_rows, client_deposits, client_plans
from .staff_forms import (
    ChargeForm,
    CreditForm,
    PaymentForm,
    ReasonForm,
    RefundForm,
    TakeDepositForm,
)

FORMS = {"payment": PaymentForm, "charge": ChargeForm, "refund": RefundForm, "credit": CreditForm}
# Each form's panel: its title and its button; refunds and credits are the manager's.
PANELS = {
    "payment": ("Take a payment", "Record the payment", False),
    "charge": ("Add a charge", "Add the charge", False),
    "refund": ("Refund", "Record the refund", True),
    "credit": ("Give credit", "Give the credit", True),
}


def _account_page(request, client, *, bound=None, status=200):
    plans = client_plans(client)
    rows, balance = account_rows(client)
    forms = {
        "payment": PaymentForm(plans=plans),
        "charge": ChargeForm(plans=plans),
        "refund": RefundForm(),
        "credit": CreditForm(),
    }
    if bound is not None:
        forms[bound[0]] = bound[1]
    manager = may_approve(request.user)
    open_name = bound[0] if bound is not None else "payment"
    panels = [
        {
            "name": name,
            "form": form,
            "title": PANELS[name][0],
            "button": PANELS[name][1],
            "open": name == open_name,
            "danger": name == "refund",
        }
        for name, form in forms.items()
        if manager or not PANELS[name][2]
    ]
    return render(
        request,
        "billing/account.html",
        {
            "client": client,
            "rows": rows,
            "balance": balance,
            "deposits": client_deposits(client),
            "panels": panels,
            "may_approve": manager,
            "withdraw_form": ReasonForm(),
        },
        status=status,
    )


@require_http_methods(["GET"])
@client_editor_required
def account(request, client_pk: int):
    client = get_client_for_user(request.user, client_pk)
    return _account_page(request, client)


def _refused(request, client, name, form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
    return _account_page(request, client, bound=(name, form), status=400)


@require_POST
@client_editor_required
def record(request, client_pk, what: str):
    client = get_client_for_user(request.user, client_pk)
    if what in ("refund", "credit"):
        require_manager(request.user)
    plans = client_plans(client)
    form_class = FORMS[what]
    form = (
        form_class(request.POST, plans=plans)
        if what in ("payment", "charge")
        else form_class(request.POST)
    )
    if not form.is_valid():
        return _account_page(request, client, bound=(what, form), status=400)
    data = form.cleaned_data
    try:
        if what == "payment":
            entry = ledger.record_payment(
                client=client,
                amount=data["amount"],
                method=data["method"],
                description=data["description"] or "Payment",
                plan=data["plan"],
                by=request.user,
            )
            done = _("Payment of %(amount)s recorded: receipt %(receipt)s.") % {
                "amount": money(entry.amount),
                "receipt": entry.receipt_number,
            }
        elif what == "charge":
            entry = ledger.record_charge(
                client=client,
                amount=data["amount"],
                description=data["description"],
                plan=data["plan"],
                by=request.user,
            )
            done = _("Charge of %(amount)s added.") % {"amount": money(entry.amount)}
        elif what == "refund":
            entry = ledger.record_refund(
                client=client,
                amount=data["amount"],
                method=data["method"],
                reason=data["reason"],
                by=request.user,
            )
            done = _("Refund of %(amount)s recorded: receipt %(receipt)s.") % {
                "amount": money(entry.amount),
                "receipt": entry.receipt_number,
            }
        else:
            entry = ledger.record_credit(
                client=client, amount=data["amount"], reason=data["reason"], by=request.user
            )
            done = _("Credit of %(amount)s given.") % {"amount": money(entry.amount)}
    except ValidationError as error:
        return _refused(request, client, what, form, error)
    messages.success(request, done)
    return redirect("billing:account", client_pk=client.pk)


@require_POST
@manager_required
def withdraw(request, pk: int):
    entry = get_entry_for_user(request.user, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the charge is withdrawn."))
        return redirect("billing:account", client_pk=entry.client_id)
    try:
        ledger.reverse_charge(entry, reason=form.cleaned_data["reason"], by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Charge of %(amount)s withdrawn.") % {"amount": money(entry.amount)}
        )
    return redirect("billing:account", client_pk=entry.client_id)


def _back(request, deposit):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(deposit.appointment)


@require_POST
@client_editor_required
def deposit_action(request, pk, action: str):
    deposit = get_deposit_for_user(request.user, pk)
    if action in ("return", "keep"):
        require_manager(request.user)
    form = TakeDepositForm(request.POST) if action == "take" else ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Choose how the deposit was paid.") if action == "take" else _("Say why, please."),
        )
        return _back(request, deposit)
    try:
        if action == "take":
            entry = deposits.take_deposit(
                deposit, method=form.cleaned_data["method"], by=request.user
            )
            done = _("Deposit of %(amount)s taken: receipt %(receipt)s.") % {
                "amount": money(deposit.amount),
                "receipt": entry.receipt_number,
            }
        elif action == "waive":
            deposits.waive_deposit(deposit, reason=form.cleaned_data["reason"], by=request.user)
            done = _("Deposit waived.")
        elif action == "return":
            deposits.undo_forfeit(deposit, reason=form.cleaned_data["reason"], by=request.user)
            done = _("Deposit returned to the client's account as credit.")
        else:
            deposits.forfeit_by_hand(deposit, reason=form.cleaned_data["reason"], by=request.user)
            done = _("Deposit kept under the cancellation policy.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return _back(request, deposit)


@require_http_methods(["GET"])
@client_editor_required
def receipt(request, pk: int):
    entry = get_object_or_404(
        LedgerEntry.objects.select_related("client", "appointment__type"),
        pk=pk,
        kind__in=RECEIPT_KINDS,
    )
    response = HttpResponse(receipt_pdf(entry), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{receipt_filename(entry)}"'
    return response
