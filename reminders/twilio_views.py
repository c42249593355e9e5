"""Twilio's requests to the clinic: delivery reports, and the text messages clients send.

Both are signed by Twilio with the account's auth token (X-Twilio-Signature over the
public address and the posted fields); a request without a valid signature is refused
with 403 and changes nothing. Thin: reminders.deliverability and reminders.inbound decide.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from .deliverability import sms_status_record
from .inbound import inbound_receive

logger = logging.getLogger(__name__)


def _signed_by_twilio(request) -> bool:
    """Whether Twilio signed this request. Twilio signs the address it was given, so the
    public one (SITE_URL) is checked, not whatever a proxy passed on."""
    token = settings.TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    url = f"{settings.SITE_URL}{request.get_full_path()}"
    return RequestValidator(token).validate(url, request.POST, signature)


def _refused(request) -> HttpResponse:
    logger.warning("Twilio request to %s refused: missing or wrong signature", request.path)
    return HttpResponseForbidden("Missing or wrong signature.", content_type="text/plain")


def _field(request, *names: str) -> str:
    for name in names:
        if value := request.POST.get(name, "").strip():
            return value
    return ""


@csrf_exempt
@require_POST
def status_callback(request):
    if not _signed_by_twilio(request):
        return _refused(request)
    try:
        outcome = sms_status_record(
            message_id=_field(request, "MessageSid", "SmsSid"),
            status=_field(request, "MessageStatus", "SmsStatus"),
            error_code=_field(request, "ErrorCode"),
            reference=request.GET.get("reference", ""),
        )
    except ValueError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain")
    return HttpResponse(outcome, content_type="text/plain")


@csrf_exempt
@require_POST
def inbound(request):
    if not _signed_by_twilio(request):
        return _refused(request)
    try:
        message = inbound_receive(
            provider_message_id=_field(request, "MessageSid", "SmsMessageSid", "SmsSid"),
            from_number=_field(request, "From"),
            to_number=_field(request, "To"),
            body=request.POST.get("Body", ""),
            opt_out_type=_field(request, "OptOutType"),
        )
    except ValueError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain")
    # TwiML, as Twilio documents it: an empty <Response/>, or the answer to text back.
    answer = MessagingResponse()
    if message.reply:
        answer.message(message.reply)
    return HttpResponse(str(answer), content_type="text/xml")
