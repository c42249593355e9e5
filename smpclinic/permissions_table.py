"""Who may open what: the expected outcome of a GET of every URL, per kind of visitor.

smpclinic/tests/test_permission_sweep.py walks every URL pattern of the app, builds its
address with `kwargs` from a clinic where client A (Anna) owns one of everything, asks
for it as each visitor and compares with this table. A URL missing here fails the
sweep: add it, with the outcome each visitor must get.

Visitors, in column order: anonymous, client A (the owner), client B (another client,
asking for A's things), front desk, artist, manager.

Outcomes:
  OK          200
  redirect(prefix, why)  a 302 that is the page's own normal redirect (to `prefix`)
  LOGIN       302 to the sign-in page
  FORBIDDEN   403 (a role that may not use the page)
  NOT_FOUND   404 (not this person's object; also where staff pages hide from clients)
  METHOD      405 (a POST-only action asked for with GET)
  UNAUTHENTICATED  401 (the JSON API without credentials)
Health pages (HEALTH_NAMESPACES, HEALTH_URLS) follow the written policy of
accounts/access.py: a client gets 404 on a staff health page, never 403; staff whose
role lacks the right get 403, never 404. The sweep checks every such row against it.
A `token(...)` row is a private link: anyone holding the token gets the page ("OK for
anyone holding the token"), so every column is the same outcome; the sweep checks
instead that a tampered token opens for nobody (404, unless the row says otherwise).
Besides the status, the sweep checks that nothing client B or an anonymous visitor
may open (private links aside) shows client A's name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

VISITORS = ("anonymous", "client_a", "client_b", "front_desk", "artist", "manager")


@dataclass(frozen=True)
class Outcome:
    status: int
    location: str = ""  # for 302: the address the redirect must start with
    why: str = ""

    def __str__(self) -> str:
        if self.status == 302:
            return f"302 to {self.location}"
        return str(self.status)


OK = Outcome(200)
LOGIN = Outcome(302, "/accounts/login/", "sign in first")
ADMIN_LOGIN = Outcome(302, "/admin/login/", "the admin's own sign-in: managers only")
FORBIDDEN = Outcome(403)
NOT_FOUND = Outcome(404)
METHOD = Outcome(405)
UNAUTHENTICATED = Outcome(401)


# Pages that show or change health records (accounts/access.py, rule 2).
HEALTH_NAMESPACES = frozenset(
    {
        "consultations",
        "consultation_forms",
        "sessions_app",
        "progress",
        "photos",
        "aftercare",
        "check_in",
        "audit",
    }
)
HEALTH_URLS = frozenset(
    {
        "clients:detail",
        "privacy:client_download",
        "portal:hairline",
        "reports:conversion_step",
        # What clients write in text messages may be about their health.
        "reminders:inbox",
    }
)


def is_health_page(name: str) -> bool:
    return name in HEALTH_URLS or name.split(":")[0] in HEALTH_NAMESPACES


def redirect(location: str, why: str) -> Outcome:
    return Outcome(302, location, why)


@dataclass(frozen=True)
class Rule:
    outcomes: tuple[Outcome, ...]  # one per visitor, in VISITORS order
    kwargs: Callable[[Any], dict] | None = None
    query: str | Callable[[Any], str] = ""
    token: bool = False  # a private link: tampering with kwargs["token"] must give 404
    note: str = ""
    tampered: int = 404  # what a tampered private link answers

    def expected(self, visitor: str) -> Outcome:
        return self.outcomes[VISITORS.index(visitor)]


def rule(*outcomes: Outcome, kwargs=None, query="", note="") -> Rule:
    if len(outcomes) != len(VISITORS):
        raise ValueError(f"one outcome per visitor {VISITORS}, got {len(outcomes)}")
    return Rule(tuple(outcomes), kwargs=kwargs, query=query, note=note)


def token(outcome: Outcome, *, kwargs, note="", tampered=404) -> Rule:
    """A private link: the same outcome for everyone who holds the token."""
    return Rule((outcome,) * len(VISITORS), kwargs=kwargs, token=True, note=note, tampered=tampered)


def same(outcome: Outcome, *, kwargs=None, query="", note="") -> Rule:
    return Rule((outcome,) * len(VISITORS), kwargs=kwargs, query=query, note=note)


# Shorthands for the common shapes.
STAFF = (LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, OK)
DESK_AND_MANAGER = (LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, OK)
ARTIST_AND_MANAGER = (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK)
MANAGER_ONLY = (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK)
# Health pages answer clients with 404: a client cannot even tell they exist; staff whose
# role lacks the right get 403 (the policy: accounts/access.py).
STAFF_HIDDEN = (LOGIN, NOT_FOUND, NOT_FOUND, OK, OK, OK)
ARTIST_AND_MANAGER_HIDDEN = (LOGIN, NOT_FOUND, NOT_FOUND, FORBIDDEN, OK, OK)
MANAGER_HIDDEN = (LOGIN, NOT_FOUND, NOT_FOUND, FORBIDDEN, FORBIDDEN, OK)
DESK_AND_MANAGER_HIDDEN = (LOGIN, NOT_FOUND, NOT_FOUND, OK, FORBIDDEN, OK)
SIGNED_IN = (LOGIN, OK, OK, OK, OK, OK)
# A client's own page reached by id: only that client, 404 for everyone else.
OWNER_ONLY = (LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)
# The client portal signs clients in on its own page and sends staff to their home.
PORTAL_LOGIN = Outcome(302, "/portal/sign-in/", "the portal's own sign-in")
STAFF_HOME = Outcome(302, "/", "staff have no portal: their own home")
PORTAL = (PORTAL_LOGIN, OK, OK, STAFF_HOME, STAFF_HOME, STAFF_HOME)
PORTAL_OWNER_ONLY = (PORTAL_LOGIN, OK, NOT_FOUND, STAFF_HOME, STAFF_HOME, STAFF_HOME)


def _pk(attr: str, name: str = "pk"):
    def build(c):
        obj = c
        for part in attr.split("."):
            obj = obj[int(part)] if part.isdigit() else getattr(obj, part)
        return {name: obj.pk}

    return build


_consultation = _pk("consultation")
_mine = _pk("consultation", "consultation_pk")

TABLE: dict[str, Rule] = {
    # --- project ---
    "home": rule(
        LOGIN,
        *[redirect("/portal/", "a client's home is the portal")] * 2,
        OK,
        OK,
        OK,
    ),
    "healthz": same(OK, note="the monitor's probe: no data"),
    "readyz": same(OK, note="the load balancer's probe: no data"),
    "livez": same(OK, note="the process supervisor's probe: no data"),
    "metrics": same(OK, note="from this machine (or with the token) only: counts, no data"),
    # --- accounts ---
    "accounts:login": rule(OK, *[redirect("/", "already signed in: home")] * 5),
    "accounts:logout": same(METHOD, note="POST only"),
    "accounts:two_factor": rule(LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, OK),
    "accounts:two_factor_backup_codes": rule(
        LOGIN,
        FORBIDDEN,
        FORBIDDEN,
        *[redirect("/accounts/two-factor/", "no new codes to show: the settings")] * 3,
    ),
    "accounts:two_factor_backup_codes_download": rule(
        LOGIN,
        FORBIDDEN,
        FORBIDDEN,
        *[redirect("/accounts/two-factor/", "two-factor is off: set it up first")] * 3,
    ),
    "accounts:two_factor_verify": rule(LOGIN, *[redirect("/", "no code owed: home")] * 5),
    # Staff choose the language of their screens on "My hours" (a POST).
    "accounts:my_language": same(METHOD),
    "accounts:password_change": rule(*SIGNED_IN),
    "accounts:password_change_done": rule(*SIGNED_IN),
    "accounts:password_reset": same(OK),
    "accounts:password_reset_done": same(OK),
    "accounts:password_reset_confirm": same(
        OK,
        kwargs=lambda c: {"uidb64": "MQ", "token": "set-password"},
        note="an invalid link shows 'this link no longer works'",
    ),
    "accounts:password_reset_complete": same(OK),
    # The link in an invitation to join the team: an unknown, used or expired one shows
    # "this invitation link no longer works" and a button to ask for a new one (POST).
    "accounts:welcome": same(
        OK,
        kwargs=lambda c: {"uidb64": "MQ", "token": "choose-a-password"},
        note="an invalid link shows 'this invitation link no longer works'",
    ),
    "accounts:welcome_ask": same(METHOD, kwargs=lambda c: {"uidb64": "MQ"}, note="POST only"),
    # --- settings: the team (accounts) and each member's hours (scheduling) ---
    "team:list": rule(*MANAGER_ONLY),
    "team:invite": rule(*MANAGER_ONLY),
    "team:member": rule(*MANAGER_ONLY, kwargs=lambda c: {"pk": c.people.artist.pk}),
    "team:role": same(METHOD, kwargs=lambda c: {"pk": c.people.artist.pk}),
    "team:deactivate": same(METHOD, kwargs=lambda c: {"pk": c.people.artist.pk}),
    "team:reactivate": same(METHOD, kwargs=lambda c: {"pk": c.people.artist.pk}),
    "team:invitation_resend": same(METHOD, kwargs=lambda c: {"pk": c.people.artist.pk}),
    "team:invitation_cancel": same(METHOD, kwargs=lambda c: {"pk": c.people.artist.pk}),
    "staff_hours:member_hours": rule(*MANAGER_ONLY, kwargs=lambda c: {"pk": c.people.artist.pk}),
    "staff_hours:time_off_approve": same(METHOD, kwargs=lambda c: {"pk": 1}),
    "staff_hours:time_off_decline": same(METHOD, kwargs=lambda c: {"pk": 1}),
    "staff_hours:time_off_remove": same(METHOD, kwargs=lambda c: {"pk": 1}),
    # Every member of staff's own hours and time off, and asking for more.
    "staff_hours:my_hours": rule(*STAFF),
    "staff_hours:my_time_off_withdraw": same(METHOD, kwargs=lambda c: {"pk": 1}),
    # --- clients ---
    "clients:list": rule(*STAFF),
    "clients:create": rule(*DESK_AND_MANAGER),
    "clients:detail": rule(*STAFF_HIDDEN, kwargs=_pk("client")),
    "clients:edit": rule(*DESK_AND_MANAGER, kwargs=_pk("client")),
    # --- diary ---
    "scheduling:home": rule(
        LOGIN, FORBIDDEN, FORBIDDEN, *[redirect("/diary/day/", "today's day view")] * 3
    ),
    "scheduling:day": rule(*STAFF, kwargs=lambda c: {"day": c.day}),
    "scheduling:week_current": rule(
        LOGIN, FORBIDDEN, FORBIDDEN, *[redirect("/diary/week/", "this week's view")] * 3
    ),
    "scheduling:week": rule(*STAFF, kwargs=lambda c: {"day": c.day}),
    "scheduling:book": rule(*DESK_AND_MANAGER),
    "scheduling:client_picker": rule(*DESK_AND_MANAGER),
    "scheduling:free_times": rule(*DESK_AND_MANAGER),
    "scheduling:appointment_detail": rule(*STAFF, kwargs=_pk("appointment")),
    "scheduling:move": same(METHOD, kwargs=_pk("appointment")),
    "scheduling:drop": same(METHOD, kwargs=_pk("appointment")),
    # An artist's day on paper (what each client comes for and waits for): a health page.
    "day_sheet": rule(*STAFF_HIDDEN, kwargs=lambda c: {"day": c.day}),
    "scheduling:cancel": same(METHOD, kwargs=_pk("appointment")),
    "scheduling:set_status": same(METHOD, kwargs=_pk("appointment")),
    # --- treatment plans and sessions ---
    "sessions_app:plan_create": rule(*STAFF_HIDDEN, kwargs=_pk("client", "client_pk")),
    "sessions_app:plan_detail": rule(*STAFF_HIDDEN, kwargs=_pk("plan")),
    "sessions_app:plan_status": same(METHOD, kwargs=_pk("plan")),
    "sessions_app:plan_add_extra": same(METHOD, kwargs=_pk("plan")),
    "sessions_app:plan_add_touch_up": same(METHOD, kwargs=_pk("plan")),
    "sessions_app:book_remaining": rule(*STAFF_HIDDEN, kwargs=_pk("plan")),
    "sessions_app:session_book": rule(*STAFF_HIDDEN, kwargs=_pk("sessions.1")),
    "sessions_app:session_log": rule(*ARTIST_AND_MANAGER_HIDDEN, kwargs=_pk("sessions.0")),
    "sessions_app:session_healing": rule(*ARTIST_AND_MANAGER_HIDDEN, kwargs=_pk("sessions.1")),
    "progress:plan": rule(*STAFF_HIDDEN, kwargs=_pk("plan", "plan_pk")),
    # --- photos ---
    "photos:upload": rule(*STAFF_HIDDEN, kwargs=_pk("client", "client_pk")),
    "photos:image": rule(
        NOT_FOUND,
        OK,
        NOT_FOUND,
        OK,
        OK,
        OK,
        kwargs=lambda c: {"pk": c.photo.pk, "size": "web"},
        note="a photo's existence is not revealed: 404 for anyone who may not see it",
    ),
    # --- consultations (staff) ---
    "consultations:list": rule(*STAFF_HIDDEN),
    "consultations:detail": rule(*STAFF_HIDDEN, kwargs=_consultation),
    "consultations:review": same(METHOD, kwargs=_consultation),
    "consultations:patch_test_add": same(METHOD, kwargs=_consultation),
    "consultations:patch_test_read": same(
        METHOD, kwargs=lambda c: {"pk": c.consultation.pk, "test_pk": c.patch_test.pk}
    ),
    "consultations:hairline_add": same(METHOD, kwargs=_consultation),
    "consultations:hairline_approve": same(
        METHOD, kwargs=lambda c: {"pk": c.consultation.pk, "design_pk": c.hairline.pk}
    ),
    "consultations:references_add": same(METHOD, kwargs=_consultation),
    "consultations:estimate": rule(*STAFF_HIDDEN, kwargs=_consultation),
    "consultations:estimate_send": same(METHOD, kwargs=_consultation),
    "consultations:forms_link_send": same(METHOD, kwargs=_consultation),
    "consultations:outcome": same(METHOD, kwargs=_consultation),
    "consultations:book_first_session": rule(
        LOGIN,
        NOT_FOUND,
        NOT_FOUND,
        *[redirect("/consultations/", "no plan yet: back to the outcome section")] * 3,
        kwargs=_consultation,
    ),
    # --- consultation forms: the client's own, signed in ---
    "consultation_forms:mine_overview": rule(*OWNER_ONLY, kwargs=_mine),
    "consultation_forms:mine_questionnaire": rule(*OWNER_ONLY, kwargs=_mine),
    "consultation_forms:mine_consent": rule(
        *OWNER_ONLY,
        kwargs=lambda c: {
            "consultation_pk": c.consultation.pk,
            "version_pk": c.signature.version_id,
        },
    ),
    "consultation_forms:mine_done": rule(*OWNER_ONLY, kwargs=_mine),
    "consultation_forms:mine_signed_pdf": rule(
        *OWNER_ONLY,
        kwargs=lambda c: {"consultation_pk": c.consultation.pk, "signature_pk": c.signature.pk},
    ),
    "consultation_forms:tablet_start": rule(
        LOGIN,
        NOT_FOUND,
        NOT_FOUND,
        *[redirect("/consultation-forms/", "hands the tablet the client's forms link")] * 3,
        kwargs=_mine,
    ),
    "consultation_forms:signature": rule(
        LOGIN, OK, NOT_FOUND, OK, OK, OK, kwargs=_pk("signature", "signature_pk")
    ),
    "consultation_forms:signature_pdf": rule(
        LOGIN, OK, NOT_FOUND, OK, OK, OK, kwargs=_pk("signature", "signature_pk")
    ),
    # --- consultation forms: the private link ---
    "consultation_forms:overview": token(OK, kwargs=lambda c: {"token": c.tokens.forms}),
    "consultation_forms:questionnaire": token(OK, kwargs=lambda c: {"token": c.tokens.forms}),
    "consultation_forms:consent": token(
        OK, kwargs=lambda c: {"token": c.tokens.forms, "version_pk": c.signature.version_id}
    ),
    "consultation_forms:done": token(OK, kwargs=lambda c: {"token": c.tokens.forms}),
    "consultation_forms:signed_pdf": token(
        OK, kwargs=lambda c: {"token": c.tokens.forms, "signature_pk": c.signature.pk}
    ),
    # --- aftercare (staff) ---
    # --- money: the desk's and the manager's ---
    "billing:account": rule(*DESK_AND_MANAGER, kwargs=lambda c: {"client_pk": c.client.pk}),
    "billing:record": same(METHOD, kwargs=lambda c: {"client_pk": c.client.pk, "what": "payment"}),
    "billing:withdraw": same(METHOD, kwargs=lambda c: {"pk": 1}),
    "billing:receipt": rule(*DESK_AND_MANAGER, kwargs=_pk("payment")),
    "billing_takings:takings": rule(*DESK_AND_MANAGER),
    "billing_settings:prices": rule(*MANAGER_ONLY),
    "billing_settings:policy": rule(*MANAGER_ONLY),
    # --- the manager's settings area ---
    "clinic_settings:index": rule(*MANAGER_ONLY),
    "clinic_settings:clinic": rule(*MANAGER_ONLY),
    "clinic_settings:hours": rule(*MANAGER_ONLY),
    "clinic_settings:closed_day_remove": same(METHOD, kwargs=lambda c: {"pk": 1}),
    "clinic_settings:rooms": rule(*MANAGER_ONLY),
    "clinic_settings:room": rule(*MANAGER_ONLY, kwargs=lambda c: {"pk": c.room.pk}),
    "clinic_settings:services": rule(*MANAGER_ONLY),
    "clinic_settings:service_new": rule(*MANAGER_ONLY),
    "clinic_settings:service": rule(*MANAGER_ONLY, kwargs=lambda c: {"pk": c.appointment.type_id}),
    "clinic_settings:rules": rule(*MANAGER_ONLY),
    "clinic_settings:changes": rule(*MANAGER_ONLY),
    # The clinic's logo is public (booking pages, emails); none is set in the sweep.
    "clinic_logo": same(NOT_FOUND, kwargs=lambda c: {"version": 1}, note="no logo set"),
    # The scripts' texts per language: public, the same for everyone (smpclinic.js_catalog).
    "javascript-catalog": same(OK, kwargs=lambda c: {"language": "es"}),
    # --- settings: the clinic's messages (the manager's) ---
    "message_settings:list": rule(*MANAGER_ONLY),
    "message_settings:edit": rule(*MANAGER_ONLY, kwargs=lambda c: {"kind": "appointment_reminder"}),
    "message_settings:preview": same(
        METHOD, kwargs=lambda c: {"kind": "appointment_reminder"}, note="POST only"
    ),
    "message_settings:restore": rule(
        *MANAGER_ONLY, kwargs=lambda c: {"kind": "appointment_reminder"}
    ),
    # --- settings: the client's forms in versions (the manager's) ---
    "form_settings:index": rule(*MANAGER_ONLY),
    "form_settings:questionnaire": rule(*MANAGER_ONLY),
    "form_settings:questionnaire_draft": same(METHOD, note="POST only"),
    "form_settings:questionnaire_publish": same(METHOD, note="POST only"),
    "form_settings:consent": rule(*MANAGER_ONLY, kwargs=lambda c: {"slug": "smp-treatment"}),
    "form_settings:consent_draft": same(
        METHOD, kwargs=lambda c: {"slug": "smp-treatment"}, note="POST only"
    ),
    "form_settings:consent_publish": same(
        METHOD, kwargs=lambda c: {"slug": "smp-treatment"}, note="POST only"
    ),
    "aftercare_settings:instructions": rule(*MANAGER_ONLY),
    "billing:deposit_action": same(METHOD, kwargs=lambda c: {"pk": 1, "action": "take"}),
    # The client's private link to pay a deposit, and Stripe's webhook (POST only).
    "billing_online:pay_deposit": token(OK, kwargs=lambda c: {"token": c.tokens.pay}),
    "billing_online:paid": token(OK, kwargs=lambda c: {"token": c.tokens.pay}),
    "billing_online:webhook": same(METHOD, note="POST only, signed by the provider"),
    # --- the waitlist: staff manage it; a client takes an offered time by their link ---
    "waitlist:list": rule(*STAFF),
    "waitlist:add": rule(*STAFF, kwargs=lambda c: {"client_pk": c.client.pk}),
    "waitlist:remove": same(METHOD, note="POST only", kwargs=_pk("waitlist_entry")),
    "waitlist:freed": rule(*STAFF, kwargs=_pk("freed")),
    "waitlist:offer": same(METHOD, note="POST only", kwargs=_pk("freed")),
    # The link works for whoever holds it, except another client signed in (not theirs).
    "waitlist_offer:claim": Rule(
        (OK, OK, NOT_FOUND, OK, OK, OK),
        kwargs=lambda c: {"token": c.tokens.offer},
        token=True,
        tampered=404,
    ),
    # Joining from the public booking pages: anyone, like booking online.
    "waitlist_join:join": same(OK, kwargs=lambda c: {"type_slug": "consultation"}),
    # --- reports: the manager's figures, and an artist's own ---
    "reports:report": rule(*ARTIST_AND_MANAGER),
    "reports:utilisation": rule(*ARTIST_AND_MANAGER),
    "reports:outcomes": rule(*ARTIST_AND_MANAGER),
    "reports:money": rule(*MANAGER_ONLY),
    # The consultations behind a conversion number name clients: a health page.
    "reports:conversion_step": rule(*ARTIST_AND_MANAGER_HIDDEN, kwargs=lambda c: {"step": "held"}),
    "aftercare:index": rule(
        LOGIN, NOT_FOUND, NOT_FOUND, *[redirect("/aftercare/check-ins/", "the queue")] * 3
    ),
    "aftercare:queue": rule(*STAFF_HIDDEN),
    "aftercare:review": rule(*STAFF_HIDDEN, kwargs=_pk("check_in")),
    "aftercare:proposals": rule(LOGIN, NOT_FOUND, NOT_FOUND, OK, FORBIDDEN, OK),
    "aftercare:proposal_handled": same(METHOD, kwargs=_pk("check_in")),
    # --- check-ins: the client's own, signed in, and the private link ---
    "check_in:mine": rule(*OWNER_ONLY, kwargs=_pk("check_in")),
    "check_in:mine_thanks": rule(
        LOGIN,
        redirect("/check-in/mine/", "not sent yet: back to the form"),
        NOT_FOUND,
        NOT_FOUND,
        NOT_FOUND,
        NOT_FOUND,
        kwargs=_pk("check_in"),
    ),
    "check_in:form": token(OK, kwargs=lambda c: {"token": c.tokens.check_in}),
    "check_in:thanks": token(
        redirect("/check-in/", "not sent yet: back to the form"),
        kwargs=lambda c: {"token": c.tokens.check_in},
    ),
    # --- online booking ---
    "booking:start": same(OK),
    "booking:times": same(OK, kwargs=lambda c: {"type_slug": "consultation"}),
    "booking:details": same(
        OK, kwargs=lambda c: {"type_slug": "consultation", "start": c.free_start}
    ),
    "booking:confirmed": token(OK, kwargs=lambda c: {"token": c.tokens.confirmed}),
    "booking:manage": token(OK, kwargs=lambda c: {"token": c.tokens.manage}),
    "booking:manage_cancel": token(METHOD, kwargs=lambda c: {"token": c.tokens.manage}),
    "booking:manage_reschedule": token(OK, kwargs=lambda c: {"token": c.tokens.manage}),
    "booking:manage_reschedule_confirm": token(
        OK, kwargs=lambda c: {"token": c.tokens.manage, "start": c.free_start}
    ),
    # --- calendars ---
    "ics:appointment": rule(*STAFF, kwargs=_pk("appointment")),
    "ics:manage_appointment": token(OK, kwargs=lambda c: {"token": c.tokens.manage}),
    "ics:artist_feed": token(
        OK, kwargs=lambda c: {"token": c.tokens.feed}, note="the artist's calendar app"
    ),
    "ics:my_feed": rule(*ARTIST_AND_MANAGER),
    # --- JSON API ---
    "api:schema": same(OK, note="the API's description: no data"),
    "api:index": same(redirect("/api/docs/", "the API's front page is its documentation")),
    "api:docs": same(OK),
    "api:availability": same(
        OK,
        query=lambda c: f"type=consultation&start={c.today:%Y-%m-%d}&days=2",
        note="public free times of online-bookable types",
    ),
    "api:bookings": same(METHOD, note="POST only"),
    "api:appointments": rule(
        UNAUTHENTICATED,
        FORBIDDEN,
        FORBIDDEN,
        OK,
        OK,
        OK,
        query="start=2027-03-01",
    ),
    # --- reminders ---
    "reminders:list": rule(*STAFF),
    # Whose treatment is waiting for its next session: a health page (accounts/access.py).
    "sessions_app:to_chase": rule(*STAFF_HIDDEN),
    "reminders:retry": same(METHOD, kwargs=_pk("reminder")),
    "reminders:email_block_clear": same(
        METHOD, kwargs=lambda c: {"pk": 1}, note="POST only (the desk and the manager)"
    ),
    # The email provider's delivery reports: open only with EMAIL_PROVIDER and
    # ANYMAIL_WEBHOOK_SECRET set, then POST only with the provider's basic auth.
    "email_webhooks:tracking": same(
        NOT_FOUND,
        kwargs=lambda c: {"provider": "postmark"},
        note="no email provider set: the webhook is closed",
    ),
    # Clients' text messages: read at the desk (front desk and managers), like the record.
    "reminders:inbox": rule(*DESK_AND_MANAGER_HIDDEN),
    "reminders:inbox_read": same(METHOD, note="POST only", kwargs=_pk("inbound")),
    # Twilio's delivery reports and clients' texts (POST only, signed by Twilio).
    "sms_twilio:status": same(METHOD, note="POST only, signed by the provider"),
    "sms_twilio:inbound": same(METHOD, note="POST only, signed by the provider"),
    "confirm:appointment": token(OK, kwargs=lambda c: {"token": c.tokens.confirm}),
    # --- the client's data and erasure requests ---
    "privacy:mine": rule(
        LOGIN,
        OK,
        OK,
        NOT_FOUND,
        NOT_FOUND,
        redirect("/my-data/requests/", "managers see the erasure requests"),
    ),
    "privacy:download": same(METHOD),
    "privacy:erase": same(METHOD),
    "privacy:requests": rule(*MANAGER_ONLY),
    "privacy:request_detail": rule(*MANAGER_ONLY, kwargs=_pk("erasure")),
    "privacy:request_confirm": same(METHOD, kwargs=_pk("erasure")),
    "privacy:request_decline": same(METHOD, kwargs=_pk("erasure")),
    "privacy:client_download": same(METHOD, kwargs=_pk("client", "client_pk")),
    # --- the client portal ---
    "portal:home": rule(*PORTAL),
    "portal:signin": rule(OK, *[redirect("/portal/", "already signed in: the portal")] * 5),
    "portal:signin_link": token(
        OK,
        kwargs=lambda c: {"token": c.tokens.portal_signin},
        tampered=410,
        note="an unknown, used or expired sign-in link: 410 'this link no longer works'",
    ),
    "portal:set_password": rule(
        PORTAL_LOGIN,
        *[redirect("/accounts/password/change/", "has a password: change it there")] * 2,
        *[STAFF_HOME] * 3,
    ),
    "portal:appointments": rule(*PORTAL),
    "portal:appointment_ics": rule(*PORTAL_OWNER_ONLY, kwargs=_pk("appointment")),
    "portal:reschedule": rule(*PORTAL_OWNER_ONLY, kwargs=_pk("appointment")),
    "portal:reschedule_confirm": rule(
        *PORTAL_OWNER_ONLY, kwargs=lambda c: {"pk": c.appointment.pk, "start": c.free_start}
    ),
    "portal:cancel": rule(*PORTAL_OWNER_ONLY, kwargs=_pk("appointment")),
    "portal:book_next": rule(*PORTAL),
    "portal:book_next_confirm": rule(
        PORTAL_LOGIN,
        OK,
        redirect("/portal/book-next/", "no session of B's to book: the next-session page"),
        *[STAFF_HOME] * 3,
        kwargs=lambda c: {"start": c.free_start},
    ),
    "portal:aftercare": rule(*PORTAL),
    "portal:check_ins": rule(*PORTAL),
    "portal:forms": rule(*PORTAL),
    "portal:hairline": rule(*PORTAL_OWNER_ONLY, kwargs=_pk("hairline")),
    "portal:payments": rule(*PORTAL),
    "portal:waitlist": rule(*PORTAL),
    "portal:waitlist_leave": rule(
        PORTAL_LOGIN,
        redirect("/portal/waitlist/", "opened, it leads to the waitlist page; the button posts"),
        NOT_FOUND,
        *[STAFF_HOME] * 3,
        kwargs=_pk("waitlist_entry"),
    ),
    "portal:pay_balance": same(METHOD, note="POST only"),
    "portal:receipt": rule(*PORTAL_OWNER_ONLY, kwargs=_pk("payment")),
    # --- who viewed or changed health records ---
    "audit:staff_list": rule(*MANAGER_HIDDEN),
    "audit:staff": rule(*MANAGER_HIDDEN, kwargs=lambda c: {"user_pk": c.people.artist.pk}),
    "audit:client": rule(*MANAGER_HIDDEN, kwargs=_pk("client")),
    # --- the Django admin (its own pages are not walked) ---
    "admin:index": rule(*[ADMIN_LOGIN] * 5, OK),
}
