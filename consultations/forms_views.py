"""The client's forms: health questionnaire and consent, before or at the consultation.

Three ways in, one set of pages:
- the private link (/consultation-forms/<token>/...): no sign-in, the token names one
  consultation and nothing else is reachable from it;
- the signed-in client's own consultation (/consultation-forms/mine/<pk>/...): 404 for
  anyone else's;
- the clinic's tablet: staff open the forms from the consultation page and hand the
  tablet over; the pages then show no staff navigation and record "at the clinic".

Every page is private health data: never cached.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.core import is_ratelimited

from accounts.access import client_required, health_staff_required
from audit.services import record_view
from smpclinic.clinic import clinic_context
from smpclinic.i18n import use_client_language
from smpclinic.net import client_ip

from .access import get_consultation_for_user, get_signature_for_user
from .client_forms import ConsentForm, QuestionnaireForm
from .consent import FORM_CHANGED, consent_document, consent_sign, current_versions
from .links import (
    FormsLinkExpired,
    FormsLinkInvalid,
    consultation_from_forms_token,
    forms_status,
    forms_token_for,
)
from .models import ConsentSignature, ConsentVersion, Consultation, FormChannel
from .pdf import consent_pdf
from .questionnaire import current_questionnaire, latest_response, questionnaire_submit

TABLET_SESSION_KEY = "consultation_forms_tablet"
# Posts per page and address: plenty for a client correcting a form, few for a script.
POST_RATE = "30/h"


@dataclass(frozen=True)
class FormsAccess:
    """Whose forms these are, how they were reached, and how to link between the pages."""

    consultation: Consultation
    channel: str
    key: str | int
    prefix: str  # "" for the private link, "mine_" for the signed-in client

    @property
    def client(self):
        return self.consultation.client

    @property
    def tablet(self) -> bool:
        return self.channel == FormChannel.CLINIC

    def url(self, name: str, *args) -> str:
        return reverse(f"consultation_forms:{self.prefix}{name}", args=[self.key, *args])

    @property
    def overview_url(self) -> str:
        return self.url("overview")

    @property
    def questionnaire_url(self) -> str:
        return self.url("questionnaire")


def _page(request, template: str, access: FormsAccess | None, context: dict, status: int = 200):
    context = {**clinic_context(), **context, "access": access}
    if access is not None:
        context["status"] = context.get("status") or forms_status(access.consultation)
    response = render(request, template, context, status=status)
    return response


def _link_invalid(request, error: FormsLinkInvalid):
    return _page(
        request,
        "consultations/forms/link_invalid.html",
        None,
        {"expired": isinstance(error, FormsLinkExpired)},
        status=404,
    )


def _rate_limited(request) -> bool:
    if request.method != "POST":
        return False
    return is_ratelimited(
        request,
        group="consultation-forms",
        key=lambda group, req: f"{client_ip(req)}:{req.path}",
        rate=POST_RATE,
        method="POST",
        increment=True,
    )


def _forms_page(*methods: str):
    """Resolve either way in (token, or the signed-in client's own pk) to a FormsAccess.

    The decorated name is the private-link view; its `.mine` is the signed-in one.
    """
    allowed = require_http_methods(list(methods))

    def decorator(view):
        @allowed
        @wraps(view)
        def by_token(request, token: str, *args, **kwargs):
            try:
                consultation = consultation_from_forms_token(token)
            except FormsLinkInvalid as error:
                return _link_invalid(request, error)
            tablet = request.session.get(TABLET_SESSION_KEY) == consultation.pk
            access = FormsAccess(
                consultation=consultation,
                channel=FormChannel.CLINIC if tablet else FormChannel.ONLINE,
                key=token,
                prefix="",
            )
            return _guarded(view, request, access, *args, **kwargs)

        @allowed
        @client_required
        @wraps(view)
        def by_owner(request, consultation_pk: int, *args, **kwargs):
            consultation = get_consultation_for_user(request.user, consultation_pk)
            access = FormsAccess(
                consultation=consultation,
                channel=FormChannel.PORTAL,
                key=consultation_pk,
                prefix="mine_",
            )
            return _guarded(view, request, access, *args, **kwargs)

        by_token.mine = by_owner
        return by_token

    return decorator


def _guarded(view, request, access: FormsAccess, *args, **kwargs):
    # The client's forms in the client's language (a choice made on the page wins).
    use_client_language(request, access.client)
    if _rate_limited(request):
        return _page(request, "consultations/forms/rate_limited.html", access, {}, status=429)
    response = view(request, access, *args, **kwargs)
    # Health answers and signatures: never kept by a browser or a proxy.
    add_never_cache_headers(response)
    return response


def _next_url(access: FormsAccess, status=None) -> str:
    status = status or forms_status(access.consultation)
    if not status.questionnaire_done:
        return access.url("questionnaire")
    if status.consent_outstanding:
        return access.url("consent", status.consent_outstanding[0].pk)
    return access.url("done")


def _who(request) -> dict:
    return {"ip": client_ip(request) or None, "user_agent": request.META.get("HTTP_USER_AGENT", "")}


# --- pages ---------------------------------------------------------------------------------


@_forms_page("GET", "HEAD")
def overview(request, access: FormsAccess):
    status = forms_status(access.consultation)
    steps = [
        {
            "label": "Health questionnaire",
            "done": status.questionnaire_done,
            "url": access.url("questionnaire"),
        }
    ]
    outstanding = {version.pk for version in status.consent_outstanding}
    for version in current_versions():
        steps.append(
            {
                "label": version.template.name,
                "done": version.pk not in outstanding,
                "url": access.url("consent", version.pk),
            }
        )
    signed = []
    for signature in status.consent_signed:
        signature.pdf_url = access.url("signed_pdf", signature.pk)
        signed.append(signature)
    return _page(
        request,
        "consultations/forms/overview.html",
        access,
        {
            "status": status,
            "steps": steps,
            "signed": signed,
            "next_url": _next_url(access, status),
        },
    )


@_forms_page("GET", "HEAD", "POST")
def questionnaire(request, access: FormsAccess):
    version = current_questionnaire()
    if version is None:
        return _page(request, "consultations/forms/no_questionnaire.html", access, {})
    previous = latest_response(client=access.client, consultation=access.consultation)
    form = QuestionnaireForm(
        request.POST if request.method == "POST" else None,
        version=version,
        language=translation.get_language(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            questionnaire_submit(
                client=access.client,
                consultation=access.consultation,
                answers=form.answers(),
                details=form.details(),
                channel=access.channel,
                version=version,
                language=translation.get_language(),
                **_who(request),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Thank you: your health questionnaire has been sent."))
            return redirect(_next_url(access))
    return _page(
        request,
        "consultations/forms/questionnaire.html",
        access,
        {"form": form, "version": version, "previous": previous},
        status=400 if form.errors else 200,
    )


@_forms_page("GET", "HEAD", "POST")
def consent(request, access: FormsAccess, version_pk: int):
    version = get_object_or_404(ConsentVersion.objects.select_related("template"), pk=version_pk)
    current = {v.template_id: v for v in current_versions()}
    if version.template_id not in current:
        raise Http404("This form is not in use.")
    if current[version.template_id].pk != version.pk:
        # An older version: the client reads and signs the current one.
        messages.warning(request, FORM_CHANGED)
        return redirect(access.url("consent", current[version.template_id].pk))
    document = consent_document(version, translation.get_language())
    signature = ConsentSignature.objects.filter(client=access.client, version=version).first()
    form = ConsentForm(request.POST if request.method == "POST" else None, document=document)
    if request.method == "POST" and signature is None and form.is_valid():
        try:
            consent_sign(
                client=access.client,
                version=version,
                typed_name=form.cleaned_data["typed_name"],
                ticked=form.cleaned_data["ticked"],
                consultation=access.consultation,
                channel=access.channel,
                text_shown_sha256=form.cleaned_data["text_sha256"] or "",
                language=translation.get_language(),
                **_who(request),
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "form_changed":
                messages.warning(request, FORM_CHANGED)
                return redirect(access.url("consent", version.pk))
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("Thank you: you have signed “%(name)s”.") % {"name": version.template.name},
            )
            return redirect(_next_url(access))
    return _page(
        request,
        "consultations/forms/consent.html",
        access,
        {"form": form, "document": document, "version": version, "signature": signature},
        status=400 if form.errors else 200,
    )


@_forms_page("GET", "HEAD")
def done(request, access: FormsAccess):
    back_url = ""
    if access.tablet:
        request.session.pop(TABLET_SESSION_KEY, None)
        try:
            back_url = access.consultation.get_absolute_url()
        except NoReverseMatch:
            back_url = ""
    return _page(request, "consultations/forms/done.html", access, {"back_url": back_url})


@_forms_page("GET", "HEAD")
def signature_pdf(request, access: FormsAccess, signature_pk: int):
    signature = get_object_or_404(
        ConsentSignature.objects.select_related("version__template", "client"),
        pk=signature_pk,
        client=access.client,
    )
    return _pdf_response(signature)


# --- the clinic's tablet ---------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@health_staff_required
def tablet_start(request, consultation_pk: int):
    """Staff hand the tablet to the client: the forms open without staff navigation."""
    consultation = get_consultation_for_user(request.user, consultation_pk)
    request.session[TABLET_SESSION_KEY] = consultation.pk
    return redirect("consultation_forms:overview", forms_token_for(consultation))


# --- signed consent, for staff and the client ------------------------------------------------


def _pdf_response(signature: ConsentSignature) -> HttpResponse:
    response = HttpResponse(consent_pdf(signature), content_type="application/pdf")
    filename = (
        f"consent-{signature.version.template.slug}-v{signature.version.number}-{signature.pk}.pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    return response


@require_safe
@login_required
@never_cache
def signature_detail(request, signature_pk: int):
    signature = get_signature_for_user(request.user, signature_pk)
    record_view(request, what="signed consent", obj=signature, client=signature.client_id)
    return render(
        request,
        "consultations/forms/signature.html",
        {
            **clinic_context(),
            "signature": signature,
            "clinic_time_zone": settings.TIME_ZONE,
        },
    )


@require_safe
@login_required
@never_cache
def signature_download(request, signature_pk: int):
    signature = get_signature_for_user(request.user, signature_pk)
    record_view(request, what="signed consent PDF", obj=signature, client=signature.client_id)
    return _pdf_response(signature)
