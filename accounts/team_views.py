"""The manager's team pages (Settings → Team) and the invited person's welcome page.

Thin views over accounts.services; what the diary keeps about each member (working
hours, time off, the appointment types they offer) is added by the parts registered
in accounts.team and edited on scheduling's own pages.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN, PasswordResetConfirmView
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from smpclinic.mail import SEND_ERRORS

from . import security_log, two_factor
from .access import get_staff_member_for_user, manager_required
from .invitations import invitation_tokens, link_lifetime_in_words, new_invitation_asked_emails
from .models import MemberStatus, Role, User
from .services import (
    InvitationNotSent,
    invitation_accept,
    team_invitation_cancel,
    team_invitation_resend,
    team_member_deactivate,
    team_member_invite,
    team_member_reactivate,
    team_role_change,
)
from .team import member_context, team_list_context, team_members
from .team_forms import InviteForm, RoleForm, WelcomePasswordForm


def _not_sent(request, failure: InvitationNotSent) -> None:
    messages.warning(
        request,
        _(
            "The invitation for %(email)s is saved, but the email could not be sent "
            "(%(reason)s). Check the email settings, then send it again from this page."
        )
        % {"email": failure.user.email, "reason": failure.reason},
    )


def _refusal_text(refusal: ValidationError) -> str:
    return " ".join(refusal.messages)


@require_http_methods(["GET"])
@manager_required
def team_list(request):
    members = team_members()
    return render(
        request,
        "accounts/team/list.html",
        {"members": members, **team_list_context(members)},
    )


@require_http_methods(["GET", "POST"])
@manager_required
def invite(request):
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = team_member_invite(
                email=data["email"],
                role=data["role"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                by=request.user,
            )
        except ValidationError as refusal:
            for field, errors in refusal.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        except InvitationNotSent as failure:
            _not_sent(request, failure)
            return redirect("team:member", failure.user.pk)
        else:
            messages.success(
                request,
                _(
                    "Invitation sent to %(email)s. The link works for %(lifetime)s; they "
                    "choose their own password with it."
                )
                % {"email": member.email, "lifetime": link_lifetime_in_words()},
            )
            return redirect("team:member", member.pk)
    return render(
        request,
        "accounts/team/invite.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _member_page(request, member: User, *, role_form: RoleForm | None = None, status=200):
    return render(
        request,
        "accounts/team/member.html",
        {
            "member": member,
            "status": member.member_status,
            "has_two_factor": two_factor.has_app(member),
            "role_form": role_form or RoleForm(initial={"role": member.role}),
            "is_me": member.pk == request.user.pk,
            "lifetime": link_lifetime_in_words(),
            **member_context(member),
        },
        status=status,
    )


@require_http_methods(["GET"])
@manager_required
def member(request, pk: int):
    return _member_page(request, get_staff_member_for_user(request.user, pk))


@require_POST
@manager_required
def role_change(request, pk: int):
    member = get_staff_member_for_user(request.user, pk)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            team_role_change(
                user=member, role=form.cleaned_data["role"], by=request.user, request=request
            )
        except ValidationError as refusal:
            form.add_error("role", _refusal_text(refusal))
        else:
            member.refresh_from_db()
            messages.success(
                request,
                _("%(member)s is now %(role)s.")
                % {"member": member, "role": member.get_role_display()},
            )
            return redirect("team:member", member.pk)
    member.refresh_from_db()
    return _member_page(request, member, role_form=form, status=400)


def _act(request, pk: int, action, done: str):
    member = get_staff_member_for_user(request.user, pk)
    try:
        action(member)
    except ValidationError as refusal:
        messages.error(
            request, _("Nothing was changed: %(reason)s") % {"reason": _refusal_text(refusal)}
        )
    except InvitationNotSent as failure:
        _not_sent(request, failure)
    else:
        messages.success(request, done % {"member": member, "email": member.email})
    return redirect("team:member", member.pk)


@require_POST
@manager_required
def deactivate(request, pk: int):
    return _act(
        request,
        pk,
        lambda m: team_member_deactivate(user=m, by=request.user, request=request),
        _("%(member)s is deactivated and has been signed out everywhere. Their history stays."),
    )


@require_POST
@manager_required
def reactivate(request, pk: int):
    return _act(
        request,
        pk,
        lambda m: team_member_reactivate(user=m, by=request.user, request=request),
        _("%(member)s can sign in again."),
    )


@require_POST
@manager_required
def invitation_resend(request, pk: int):
    return _act(
        request,
        pk,
        lambda m: team_invitation_resend(user=m, by=request.user),
        _("A new invitation has gone to %(email)s; earlier links no longer work."),
    )


@require_POST
@manager_required
def invitation_cancel(request, pk: int):
    member = get_staff_member_for_user(request.user, pk)
    try:
        team_invitation_cancel(user=member, by=request.user)
    except ValidationError as refusal:
        messages.error(
            request, _("Nothing was changed: %(reason)s") % {"reason": _refusal_text(refusal)}
        )
        return redirect("team:member", member.pk)
    messages.success(
        request, _("The invitation for %(email)s is cancelled.") % {"email": member.email}
    )
    return redirect("team:list")


# --- The invited person's side --------------------------------------------------------


class WelcomeView(PasswordResetConfirmView):
    """The link in the invitation: "Welcome to <clinic> — choose your password".

    Django's set-password step with the invitation's own tokens. Only a pending
    invitation opens it: a used, expired, replaced or cancelled link shows a page that
    says so and lets the person ask the manager for a new one.
    """

    form_class = WelcomePasswordForm
    token_generator = invitation_tokens
    template_name = "accounts/team/welcome.html"
    reset_url_token = "choose-password"  # noqa: S105 - a step of the address, not a secret

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        if user is None or user.member_status != MemberStatus.INVITED:
            return None
        return user

    def form_valid(self, form):
        user = invitation_accept(
            user=form.user, password=form.cleaned_data["new_password1"], request=self.request
        )
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        # Signed in as after any sign-in: the session clocks start and, when the clinic
        # requires two-factor sign-in, the next page is setting it up (accounts.sessions).
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            self.request,
            _("Welcome to %(clinic)s. Your password is saved.") % {"clinic": settings.CLINIC_NAME},
        )
        return redirect("home")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            clinic_name=settings.CLINIC_NAME,
            uidb64=self.kwargs.get("uidb64", ""),
            lifetime=link_lifetime_in_words(),
        )
        return context


def _uid_key(group, request) -> str:
    return request.resolver_match.kwargs.get("uidb64", "")[:40]


def _invited_user(uidb64: str) -> User | None:
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        user = User.objects.filter(pk=int(pk)).first()
    except (TypeError, ValueError, OverflowError):
        return None
    if user is None or user.member_status != MemberStatus.INVITED:
        return None
    return user


@never_cache
@require_POST
def welcome_ask(request, uidb64: str):
    """Someone whose invitation link no longer works asks for a new one: the clinic's
    managers are told by email. The same answer whoever asks, and a few times a day at
    most per link and per address."""
    by_ip = is_ratelimited(
        request, group="team-invite-ask-ip", key="ip", rate="10/h", method="POST", increment=True
    )
    by_link = is_ratelimited(
        request, group="team-invite-ask", key=_uid_key, rate="3/d", method="POST", increment=True
    )
    limited = by_ip or by_link
    user = None if limited else _invited_user(uidb64)
    if user is not None:
        managers = list(User.objects.filter(role=Role.MANAGER, is_active=True).order_by("pk"))
        if managers:
            try:
                for email in new_invitation_asked_emails(user=user, managers=managers):
                    email.send()
            except SEND_ERRORS as error:
                failed = type(error).__name__
                security_log.record("invitation_ask_not_sent", user=user, error=failed)
            else:
                security_log.record("invitation_asked", request=request, user=user)
    return render(
        request, "accounts/team/welcome_asked.html", {"clinic_name": settings.CLINIC_NAME}
    )
