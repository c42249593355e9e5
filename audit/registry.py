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
from django.utils.translation import gettext_noop

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
