"""The client's deposit page (a private link), the return from Stripe, and Stripe's
webhook. Thin: billing.online decides."""

from __future__ import annotations

import logging

import stripe
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from smpclinic.clinic import clinic_context

from . import online
from .models import DepositStatus

logger = logging.getLogger(__name__)


def _deposit_or_404(token: str):
    deposit = online.deposit_from_token(token)
    if deposit is None:
        raise Http404("That link is not valid.")
    return deposit


def _page(request, template, deposit, token, *, error="", status=200):
    response = render(
        request,
        template,
        {
            "deposit": deposit,
            "appointment": deposit.appointment,
            "token": token,
            "is_due": deposit.status == DepositStatus.DUE,
            "is_paid": deposit.status == DepositStatus.PAID,
            "online": online.online_payments_enabled(),
            "error": error,
            **clinic_context(),
        },
        status=status,
    )
    if online.online_payments_enabled():
        # The pay button posts here and is sent on to the provider's checkout page: the
        # browser follows that only where the page's policy allows a form to lead.
        response._csp_update = {"form-action": [settings.STRIPE_CHECKOUT_ORIGIN]}
    return response


@require_http_methods(["GET", "POST"])
def pay_deposit(request, token: str):
    deposit = _deposit_or_404(token)
    if request.method == "POST":
        try:
            payment = online.start_deposit_payment(deposit)
        except ValidationError as error:
            return _page(
                request,
                "billing/online/pay.html",
                deposit,
                token,
                error=" ".join(error.messages),
                status=400,
            )
        except stripe.StripeError:
            logger.exception("Could not open a checkout session for deposit %s", deposit.pk)
            return _page(
                request,
                "billing/online/pay.html",
                deposit,
                token,
                error="The card payment page is not answering just now. Nothing was charged: "
                "please try again in a few minutes, or call the clinic.",
                status=503,
            )
        return redirect(payment.url)
    return _page(request, "billing/online/pay.html", deposit, token)


@require_safe
def paid(request, token: str):
    deposit = _deposit_or_404(token)
    return _page(request, "billing/online/paid.html", deposit, token)


@csrf_exempt
@require_POST
def webhook(request):
    try:
        event = stripe.Webhook.construct_event(
            request.body,
            request.headers.get("Stripe-Signature", ""),
            settings.STRIPE_WEBHOOK_SECRET,
        )
    except (ValueError, stripe.SignatureVerificationError) as error:
        logger.warning("Payment webhook refused: %s", error)
        return HttpResponseBadRequest("Invalid signature or payload.")
    data = event.to_dict()
    outcome = online.handle_event(data)
    logger.info("Payment webhook %s (%s): %s", data.get("id"), data.get("type"), outcome)
    return HttpResponse(outcome, content_type="text/plain")
