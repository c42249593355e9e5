"""A service's name and description in the clinic's other languages, as the manager sets them
beside the service itself: one place for the rule, whichever page saves them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import AppointmentType, AppointmentTypeTranslation


def translation_problems(service: AppointmentType, name: str, description: str) -> dict[str, str]:
    """Why a translation cannot be saved, by field ("name"/"description"); empty when it can.
    Both left empty means no translation: clients read the clinic's own wording."""
    name, description = name.strip(), description.strip()
    problems = {}
    if not name and not description:
        return problems
    if not name:
        problems["name"] = _("Give the service's name in this language too.")
    if service.description.strip() and not description:
        problems["description"] = _(
            "The service has a description: translate it too, or clients in this "
            "language read it in the clinic's own language."
        )
    return problems


@transaction.atomic
def service_translations_save(
    *, service: AppointmentType, wording: dict[str, tuple[str, str]]
) -> None:
    """Save the name and description in each language given (language → (name,
    description)); both empty removes the translation. Refuses a half-filled one."""
    errors = {}
    for language, (name, description) in wording.items():
        for field, message in translation_problems(service, name, description).items():
            errors[f"{field}_{language}"] = message
    if errors:
        raise ValidationError(errors)
    for language, (name, description) in wording.items():
        if not name.strip():
            AppointmentTypeTranslation.objects.filter(
                appointment_type=service, language=language
            ).delete()
            continue
        AppointmentTypeTranslation.objects.update_or_create(
            appointment_type=service,
            language=language,
            defaults={"name": name.strip(), "description": description.strip()},
        )
