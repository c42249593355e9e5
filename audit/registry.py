"""What the audit trail records changes of: one explicit list.

Every model here is a part of a client's health record. django-auditlog writes one
ChangeEntry per create, update and delete, with the before and after value of each
field (the middleware adds who and from which address). Fields that change on every
save without anyone changing anything are left out.
"""

from dataclasses import dataclass

from auditlog.registry import auditlog
from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy

from smpclinic.encryption import encrypted_field_names

# Change on every save, or are derived from other fields: never worth a line in the trail.
NOISY_FIELDS = ("updated_at", "search_text")
# Notes encrypted at rest (smpclinic.encryption) would sit in the trail in clear text:
# the trail says that such a note changed, not what it said.
# Stored in English in the trail; shown in the reader's language (audit.selectors).
HIDDEN_TEXT = gettext_noop("(encrypted note, not shown)")


@dataclass(frozen=True)
class Audited:
    model: str
    # How to reach the client's id from a row, attribute by attribute.
    client_path: str
    # Left out of the trail for this model, on top of NOISY_FIELDS.
    exclude: tuple[str, ...] = ()


HEALTH_RECORDS = (
    Audited("clients.Client", "pk"),
    Audited("consultations.QuestionnaireResponse", "client_id"),
    Audited("consultations.Answer", "response.client_id"),
    # text_shown is the whole consent text; its hash (text_sha256) identifies it.
    Audited("consultations.ConsentSignature", "client_id", exclude=("text_shown",)),
    Audited("consultations.Consultation", "client_id"),
    Audited("consultations.PatchTest", "consultation.client_id"),
    Audited("consultations.HairlineDesign", "consultation.client_id"),
    Audited("sessions_app.TreatmentPlan", "client_id"),
    Audited("sessions_app.TreatmentSession", "plan.client_id"),
    Audited("sessions_app.SessionLog", "session.plan.client_id"),
    Audited("sessions_app.RegionTreated", "log.session.plan.client_id"),
    Audited("sessions_app.RegionHealing", "session.plan.client_id"),
    Audited("photos.Photo", "client_id"),
    Audited("aftercare.CheckIn", "client_id"),
    Audited("aftercare.AftercarePlan", "client_id"),
    # Money: every ledger row and every change to a deposit.
    Audited("billing.LedgerEntry", "client_id"),
    Audited("billing.Deposit", "client_id"),
)

# The clinic's settings: who changed a rule, the hours or a message, when, and from what to
# what, for the settings pages' "recent changes". Not about a client: client_pk stays empty.
SETTINGS_RECORDS = (
    Audited("smpclinic.ClinicProfile", "", exclude=("logo_png",)),
    Audited("scheduling.BookingPolicy", ""),
    Audited("scheduling.OpeningHours", ""),
    Audited("scheduling.ClosedDay", ""),
    Audited("scheduling.Room", ""),
    Audited("scheduling.AppointmentType", ""),
    Audited("scheduling.ArtistHours", ""),
    Audited("scheduling.TimeOff", ""),
    Audited("sessions_app.TreatmentSettings", ""),
    Audited("consultations.ConsultationSettings", ""),
    Audited("consultations.QuestionnaireVersion", ""),
    Audited("consultations.Question", ""),
    Audited("consultations.ConsentVersion", ""),
    Audited("aftercare.AftercareInstruction", ""),
    Audited("reminders.ReminderSettings", ""),
    Audited("reminders.MessageTemplate", ""),
    Audited("accounts.SecurityPolicy", ""),
    Audited("waitlist.WaitlistSettings", ""),
    Audited("billing.MoneySettings", ""),
    Audited("billing.DepositRule", ""),
    Audited("billing.PackagePrice", ""),
    Audited("billing.TouchUpBand", ""),
    Audited("privacy.PrivacySettings", ""),
)

# What each audited record is called in the trail, in the reader's language (the models'
# own names are English-only class names).
RECORD_NAMES = {
    "clients.Client": _("client"),
    "consultations.QuestionnaireResponse": _("questionnaire response"),
    "consultations.Answer": _("answer"),
    "consultations.ConsentSignature": _("consent signature"),
    "consultations.Consultation": _("consultation"),
    "consultations.PatchTest": _("patch test"),
    "consultations.HairlineDesign": _("hairline design"),
    "sessions_app.TreatmentPlan": _("treatment plan"),
    "sessions_app.TreatmentSession": _("treatment session"),
    "sessions_app.SessionLog": _("session log"),
    "sessions_app.RegionTreated": _("region treated"),
    "sessions_app.RegionHealing": _("region healing"),
    "photos.Photo": _("photo"),
    "aftercare.CheckIn": _("check in"),
    "aftercare.AftercarePlan": _("aftercare plan"),
    "billing.LedgerEntry": _("ledger entry"),
    "billing.Deposit": _("deposit"),
    "smpclinic.ClinicProfile": _("clinic details"),
    "scheduling.BookingPolicy": _("booking rules"),
    "scheduling.OpeningHours": _("opening hours"),
    "scheduling.ClosedDay": _("closed day"),
    "scheduling.Room": _("room"),
    "scheduling.AppointmentType": _("appointment type"),
    "scheduling.ArtistHours": _("artist working hours"),
    "scheduling.TimeOff": _("time off"),
    "sessions_app.TreatmentSettings": _("treatment settings"),
    "consultations.ConsultationSettings": _("consultation settings"),
    "consultations.QuestionnaireVersion": _("questionnaire version"),
    "consultations.Question": _("question"),
    "consultations.ConsentVersion": _("consent version"),
    "aftercare.AftercareInstruction": _("aftercare instruction"),
    "reminders.ReminderSettings": _("reminder settings"),
    "reminders.MessageTemplate": _("message template"),
    "accounts.SecurityPolicy": _("sign-in security"),
    "waitlist.WaitlistSettings": _("waitlist settings"),
    "billing.MoneySettings": _("money settings"),
    "billing.DepositRule": _("deposit rule"),
    "billing.PackagePrice": _("package price"),
    "billing.TouchUpBand": _("touch up band"),
    "privacy.PrivacySettings": _("privacy settings"),
}

# The changed fields' names in the trail, in the reader's language: keyed by a field's
# English name (its verbose_name, as Django makes it from the field's name). A field whose
# verbose_name is already marked for translation needs no entry; a field missing here is
# shown in English (audit/tests: every audited field has its name).
FIELD_NAMES = {
    "a yes needs practitioner review": pgettext_lazy(
        "audit field", "a yes needs practitioner review"
    ),
    "address": pgettext_lazy("audit field", "address"),
    "agrees to be contacted": pgettext_lazy("audit field", "agrees to be contacted"),
    "amount": pgettext_lazy("audit field", "amount"),
    "an offer stands for (hours)": pgettext_lazy("audit field", "an offer stands for (hours)"),
    "angle": pgettext_lazy("audit field", "angle"),
    "applied at": pgettext_lazy("audit field", "applied at"),
    "appointment": pgettext_lazy("audit field", "appointment"),
    "appointment type": pgettext_lazy("audit field", "appointment type"),
    "approved at": pgettext_lazy("audit field", "approved at"),
    "approved by": pgettext_lazy("audit field", "approved by"),
    "approved via": pgettext_lazy("audit field", "approved via"),
    "artist": pgettext_lazy("audit field", "artist"),
    "ask for details after a yes": pgettext_lazy("audit field", "ask for details after a yes"),
    "assessed at": pgettext_lazy("audit field", "assessed at"),
    "assessed by": pgettext_lazy("audit field", "assessed by"),
    "at": pgettext_lazy("audit field", "at"),
    "attempts before a message is marked failed": pgettext_lazy(
        "audit field", "attempts before a message is marked failed"
    ),
    "body": pgettext_lazy("audit field", "body"),
    "by": pgettext_lazy("audit field", "by"),
    "channel": pgettext_lazy("audit field", "channel"),
    "clean-up after (minutes)": pgettext_lazy("audit field", "clean-up after (minutes)"),
    "client": pgettext_lazy("audit field", "client"),
    "client questions": pgettext_lazy("audit field", "client questions"),
    "clients can move their appointments up to (hours before)": pgettext_lazy(
        "audit field", "clients can move their appointments up to (hours before)"
    ),
    "clients may book online": pgettext_lazy("audit field", "clients may book online"),
    "clients offered a time at once": pgettext_lazy(
        "audit field", "clients offered a time at once"
    ),
    "clinic name": pgettext_lazy("audit field", "clinic name"),
    "closes": pgettext_lazy("audit field", "closes"),
    "colour in the diary": pgettext_lazy("audit field", "colour in the diary"),
    "completed at": pgettext_lazy("audit field", "completed at"),
    "consultation": pgettext_lazy("audit field", "consultation"),
    "created at": pgettext_lazy("audit field", "created at"),
    "created by": pgettext_lazy("audit field", "created by"),
    "currency": pgettext_lazy("audit field", "currency"),
    "date": pgettext_lazy("audit field", "date"),
    "date of birth": pgettext_lazy("audit field", "date of birth"),
    "day from": pgettext_lazy("audit field", "day from"),
    "day to": pgettext_lazy("audit field", "day to"),
    "days between sessions": pgettext_lazy("audit field", "days between sessions"),
    "default currency": pgettext_lazy("audit field", "default currency"),
    "default deposit": pgettext_lazy("audit field", "default deposit"),
    "default minutes": pgettext_lazy("audit field", "default minutes"),
    "default price per session": pgettext_lazy("audit field", "default price per session"),
    "density": pgettext_lazy("audit field", "density"),
    "deposit": pgettext_lazy("audit field", "deposit"),
    "description": pgettext_lazy("audit field", "description"),
    "details": pgettext_lazy("audit field", "details"),
    "each later session shorter by (minutes)": pgettext_lazy(
        "audit field", "each later session shorter by (minutes)"
    ),
    "email": pgettext_lazy("audit field", "email"),
    "enabled": pgettext_lazy("audit field", "enabled"),
    "ends": pgettext_lazy("audit field", "ends"),
    "ends at": pgettext_lazy("audit field", "ends at"),
    "estimate sent at": pgettext_lazy("audit field", "estimate sent at"),
    "estimated sessions": pgettext_lazy("audit field", "estimated sessions"),
    "extra note": pgettext_lazy("audit field", "extra note"),
    "extra reason": pgettext_lazy("audit field", "extra reason"),
    "first day of the week": pgettext_lazy("audit field", "first day of the week"),
    "first name": pgettext_lazy("audit field", "first name"),
    "first session (minutes)": pgettext_lazy("audit field", "first session (minutes)"),
    "flags contraindication": pgettext_lazy("audit field", "flags contraindication"),
    "focus next time": pgettext_lazy("audit field", "focus next time"),
    "forms link valid for (days)": pgettext_lazy("audit field", "forms link valid for (days)"),
    "gap override reason": pgettext_lazy("audit field", "gap override reason"),
    "greys": pgettext_lazy("audit field", "greys"),
    "hair loss scale": pgettext_lazy("audit field", "hair loss scale"),
    "hairline design": pgettext_lazy("audit field", "hairline design"),
    "has contraindications": pgettext_lazy("audit field", "has contraindications"),
    "healing": pgettext_lazy("audit field", "healing"),
    "height": pgettext_lazy("audit field", "height"),
    "help text": pgettext_lazy("audit field", "help text"),
    "how far ahead clients can book online (days)": pgettext_lazy(
        "audit field", "how far ahead clients can book online (days)"
    ),
    "how texts were stopped or allowed again": pgettext_lazy(
        "audit field", "how texts were stopped or allowed again"
    ),
    "how they heard of us": pgettext_lazy("audit field", "how they heard of us"),
    "image": pgettext_lazy("audit field", "image"),
    "ip address": pgettext_lazy("audit field", "ip address"),
    "is active": pgettext_lazy("audit field", "is active"),
    "itching": pgettext_lazy("audit field", "itching"),
    "keep health records for (years)": pgettext_lazy(
        "audit field", "keep health records for (years)"
    ),
    "key": pgettext_lazy("audit field", "key"),
    "kind": pgettext_lazy("audit field", "kind"),
    "language": pgettext_lazy("audit field", "language"),
    "last name": pgettext_lazy("audit field", "last name"),
    "last receipt number": pgettext_lazy("audit field", "last receipt number"),
    "lead artist": pgettext_lazy("audit field", "lead artist"),
    "let staff trust a browser for 30 days": pgettext_lazy(
        "audit field", "let staff trust a browser for 30 days"
    ),
    "log": pgettext_lazy("audit field", "log"),
    "logged at": pgettext_lazy("audit field", "logged at"),
    "look wanted": pgettext_lazy("audit field", "look wanted"),
    "ludwig stage": pgettext_lazy("audit field", "ludwig stage"),
    "max minutes": pgettext_lazy("audit field", "max minutes"),
    "method": pgettext_lazy("audit field", "method"),
    "min minutes": pgettext_lazy("audit field", "min minutes"),
    "minimum notice for front-desk bookings (minutes)": pgettext_lazy(
        "audit field", "minimum notice for front-desk bookings (minutes)"
    ),
    "minimum notice for online bookings (hours)": pgettext_lazy(
        "audit field", "minimum notice for online bookings (hours)"
    ),
    "minutes taken": pgettext_lazy("audit field", "minutes taken"),
    "mode": pgettext_lazy("audit field", "mode"),
    "name": pgettext_lazy("audit field", "name"),
    "natural hair colour": pgettext_lazy("audit field", "natural hair colour"),
    "needle configuration": pgettext_lazy("audit field", "needle configuration"),
    "needs practitioner review": pgettext_lazy("audit field", "needs practitioner review"),
    "needs room": pgettext_lazy("audit field", "needs room"),
    "no SMS from": pgettext_lazy("audit field", "no SMS from"),
    "norwood stage": pgettext_lazy("audit field", "norwood stage"),
    "not offered by": pgettext_lazy("audit field", "not offered by"),
    "note": pgettext_lazy("audit field", "note"),
    "notes": pgettext_lazy("audit field", "notes"),
    "notes may be shown to the client": pgettext_lazy(
        "audit field", "notes may be shown to the client"
    ),
    "number": pgettext_lazy("audit field", "number"),
    "offer start times every (minutes)": pgettext_lazy(
        "audit field", "offer start times every (minutes)"
    ),
    "oiliness": pgettext_lazy("audit field", "oiliness"),
    "only in these rooms": pgettext_lazy("audit field", "only in these rooms"),
    "opens": pgettext_lazy("audit field", "opens"),
    "order": pgettext_lazy("audit field", "order"),
    "outcome": pgettext_lazy("audit field", "outcome"),
    "outcome at": pgettext_lazy("audit field", "outcome at"),
    "outcome reason": pgettext_lazy("audit field", "outcome reason"),
    "package price": pgettext_lazy("audit field", "package price"),
    "pay by": pgettext_lazy("audit field", "pay by"),
    "phone": pgettext_lazy("audit field", "phone"),
    "photo": pgettext_lazy("audit field", "photo"),
    "photos": pgettext_lazy("audit field", "photos"),
    "pigment": pgettext_lazy("audit field", "pigment"),
    "pigment brand": pgettext_lazy("audit field", "pigment brand"),
    "pigment dilution": pgettext_lazy("audit field", "pigment dilution"),
    "pigment lot number": pgettext_lazy("audit field", "pigment lot number"),
    "pigment shade": pgettext_lazy("audit field", "pigment shade"),
    "plan": pgettext_lazy("audit field", "plan"),
    "planned minutes": pgettext_lazy("audit field", "planned minutes"),
    "planned sessions": pgettext_lazy("audit field", "planned sessions"),
    "policy": pgettext_lazy("audit field", "policy"),
    "policy accepted at": pgettext_lazy("audit field", "policy accepted at"),
    "position": pgettext_lazy("audit field", "position"),
    "preferred contact": pgettext_lazy("audit field", "preferred contact"),
    "price": pgettext_lazy("audit field", "price"),
    "price change reason": pgettext_lazy("audit field", "price change reason"),
    "price per session": pgettext_lazy("audit field", "price per session"),
    "pricing mode": pgettext_lazy("audit field", "pricing mode"),
    "privacy notice link": pgettext_lazy("audit field", "privacy notice link"),
    "process explained (sessions, healing, fading, aftercare)": pgettext_lazy(
        "audit field", "process explained (sessions, healing, fading, aftercare)"
    ),
    "proposal": pgettext_lazy("audit field", "proposal"),
    "proposal handled at": pgettext_lazy("audit field", "proposal handled at"),
    "proposal handled by": pgettext_lazy("audit field", "proposal handled by"),
    "proposal note": pgettext_lazy("audit field", "proposal note"),
    "published at": pgettext_lazy("audit field", "published at"),
    "question": pgettext_lazy("audit field", "question"),
    "question text": pgettext_lazy("audit field", "question text"),
    "questions asked and the answers given": pgettext_lazy(
        "audit field", "questions asked and the answers given"
    ),
    "read at": pgettext_lazy("audit field", "read at"),
    "read by": pgettext_lazy("audit field", "read by"),
    "read it from": pgettext_lazy("audit field", "read it from"),
    "read the patch test after (hours)": pgettext_lazy(
        "audit field", "read the patch test after (hours)"
    ),
    "reading": pgettext_lazy("audit field", "reading"),
    "reason": pgettext_lazy("audit field", "reason"),
    "receipt number": pgettext_lazy("audit field", "receipt number"),
    "redness": pgettext_lazy("audit field", "redness"),
    "redness notes": pgettext_lazy("audit field", "redness notes"),
    "region": pgettext_lazy("audit field", "region"),
    "region views": pgettext_lazy("audit field", "region views"),
    "reply": pgettext_lazy("audit field", "reply"),
    "require two-factor sign-in for all staff": pgettext_lazy(
        "audit field", "require two-factor sign-in for all staff"
    ),
    "required": pgettext_lazy("audit field", "required"),
    "response": pgettext_lazy("audit field", "response"),
    "reverses": pgettext_lazy("audit field", "reverses"),
    "review note": pgettext_lazy("audit field", "review note"),
    "reviewed at": pgettext_lazy("audit field", "reviewed at"),
    "reviewed by": pgettext_lazy("audit field", "reviewed by"),
    "scars and where": pgettext_lazy("audit field", "scars and where"),
    "session": pgettext_lazy("audit field", "session"),
    "sessions": pgettext_lazy("audit field", "sessions"),
    "shortest session (minutes)": pgettext_lazy("audit field", "shortest session (minutes)"),
    "signed at": pgettext_lazy("audit field", "signed at"),
    "skin reaction": pgettext_lazy("audit field", "skin reaction"),
    "skin type (Fitzpatrick)": pgettext_lazy("audit field", "skin type (Fitzpatrick)"),
    "slug": pgettext_lazy("audit field", "slug"),
    "stage": pgettext_lazy("audit field", "stage"),
    "starts": pgettext_lazy("audit field", "starts"),
    "starts at": pgettext_lazy("audit field", "starts at"),
    "starts on": pgettext_lazy("audit field", "starts on"),
    "statements": pgettext_lazy("audit field", "statements"),
    "status": pgettext_lazy("audit field", "status"),
    "stopped text messages": pgettext_lazy("audit field", "stopped text messages"),
    "style": pgettext_lazy("audit field", "style"),
    "submitted at": pgettext_lazy("audit field", "submitted at"),
    "target density": pgettext_lazy("audit field", "target density"),
    "target look": pgettext_lazy("audit field", "target look"),
    "technique notes": pgettext_lazy("audit field", "technique notes"),
    "template": pgettext_lazy("audit field", "template"),
    "text": pgettext_lazy("audit field", "text"),
    "text messages stopped or allowed again at": pgettext_lazy(
        "audit field", "text messages stopped or allowed again at"
    ),
    "text sha256": pgettext_lazy("audit field", "text sha256"),
    "the client may see it": pgettext_lazy("audit field", "the client may see it"),
    "thumbnail": pgettext_lazy("audit field", "thumbnail"),
    "title": pgettext_lazy("audit field", "title"),
    "typed name": pgettext_lazy("audit field", "typed name"),
    "until": pgettext_lazy("audit field", "until"),
    "up to months": pgettext_lazy("audit field", "up to months"),
    "uploaded at": pgettext_lazy("audit field", "uploaded at"),
    "uploaded by": pgettext_lazy("audit field", "uploaded by"),
    "user": pgettext_lazy("audit field", "user"),
    "user agent": pgettext_lazy("audit field", "user agent"),
    "value": pgettext_lazy("audit field", "value"),
    "version": pgettext_lazy("audit field", "version"),
    "video call": pgettext_lazy("audit field", "video call"),
    "video call link": pgettext_lazy("audit field", "video call link"),
    "website": pgettext_lazy("audit field", "website"),
    "weekday": pgettext_lazy("audit field", "weekday"),
    "what changed": pgettext_lazy("audit field", "what changed"),
    "what the client hopes for": pgettext_lazy("audit field", "what the client hopes for"),
    "what we agreed is realistic": pgettext_lazy("audit field", "what we agreed is realistic"),
    "where on the skin": pgettext_lazy("audit field", "where on the skin"),
    "width": pgettext_lazy("audit field", "width"),
    "yes": pgettext_lazy("audit field", "yes"),
}

# What a record view says was opened (audit.services.record_view's `what`, stored as these
# English keys), in the reader's language.
VIEWED = {
    "client record": _("client record"),
    "consultation": _("consultation"),
    "estimate": _("estimate"),
    "signed consent": _("signed consent"),
    "signed consent PDF": _("signed consent PDF"),
    "treatment plan": _("treatment plan"),
    "session log": _("session log"),
    "healing": _("healing"),
    "plan progress": _("plan progress"),
    "photo": _("photo"),
    "check-in": _("check-in"),
}

_client_paths: dict[type, tuple[str, ...]] = {}


def register_health_records() -> None:
    """Called once from AuditConfig.ready()."""
    for audited in HEALTH_RECORDS:
        model = apps.get_model(audited.model)
        _client_paths[model] = tuple(audited.client_path.split("."))
        if auditlog.contains(model):
            continue
        auditlog.register(
            model,
            exclude_fields=[*NOISY_FIELDS, *audited.exclude, *_reverse_relations(model)],
            mask_fields=encrypted_field_names(model),
            mask_callable="audit.registry.hide_encrypted",
        )


def register_settings_records() -> None:
    """Called once from AuditConfig.ready(), after the health records."""
    for audited in SETTINGS_RECORDS:
        model = apps.get_model(audited.model)
        if auditlog.contains(model):
            continue
        auditlog.register(
            model,
            exclude_fields=[*NOISY_FIELDS, *audited.exclude, *_reverse_relations(model)],
        )


def settings_models() -> list[type]:
    return [apps.get_model(audited.model) for audited in SETTINGS_RECORDS]


def _reverse_relations(model) -> list[str]:
    """Other tables pointing at this one: not fields of the record, and their own rows
    are audited where they matter."""
    return [f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete]


def hide_encrypted(value: str) -> str:
    """What the trail keeps of an encrypted note: whether there was one."""
    return HIDDEN_TEXT if value and value != "None" else ""


def audited_models() -> list[type]:
    return [apps.get_model(audited.model) for audited in HEALTH_RECORDS]


def client_pk_for(instance) -> int | None:
    """The id of the client a record belongs to, or None if it cannot be told.

    Follows foreign keys already loaded on the instance where it can; otherwise one
    small query per hop. A parent deleted before its child (a cascade) gives None
    rather than an error: the change is still recorded.
    """
    path = _client_paths.get(type(instance))
    if path is None:
        return None
    value = instance
    try:
        for attribute in path:
            value = getattr(value, attribute)
            if value is None:
                return None
    except ObjectDoesNotExist:
        return None
    return value
