"""The product's services in other languages, for the services it ships (migration 0002).

Migration 0008 adds these to a clinic's shipped services while their English name and
description are still exactly as shipped; `shipped_translations_add` does the same for the
demo. A clinic that renamed a service writes its own translation.
"""

from __future__ import annotations

# slug → (English name, English description) as shipped: a translation is added only to a
# service still worded exactly so.
ENGLISH = {
    "consultation": (
        "Free consultation",
        "Meet your artist at the clinic: we look at your scalp, test the pigment colour on your "
        "skin, draw your new hairline and talk through the plan and the cost. No obligation.",
    ),
    "video-consultation": (
        "Video consultation",
        "A free first conversation by video call. Have a few clear photos of your scalp to hand.",
    ),
    "treatment-session": (
        "Treatment session",
        "A micropigmentation session; the treatment plan sets its length.",
    ),
    "fade-check-in": (
        "Fade check-in visit",
        "A short visit to look at how the pigment has settled.",
    ),
    "touch-up": (
        "Touch-up",
        "Refreshing the pigment months or years after the treatment.",
    ),
}

# Every name is feminine, so the messages' "Su {appointment_type} está confirmada" agrees.
SPANISH = {
    "consultation": {
        "name": "Consulta gratuita",
        "description": (
            "Conozca a su artista en la clínica: examinamos su cuero cabelludo, probamos el "
            "color del pigmento en su piel, dibujamos su nueva línea del cabello y hablamos del "
            "plan y del precio. Sin compromiso."
        ),
    },
    "video-consultation": {
        "name": "Consulta por videollamada",
        "description": (
            "Una primera conversación gratuita por videollamada. Tenga a mano unas fotos "
            "nítidas de su cuero cabelludo."
        ),
    },
    "treatment-session": {
        "name": "Sesión de tratamiento",
        "description": (
            "Una sesión de micropigmentación; su plan de tratamiento fija su duración."
        ),
    },
    "fade-check-in": {
        "name": "Visita de revisión",
        "description": "Una visita breve para ver cómo se ha asentado el pigmento.",
    },
    "touch-up": {
        "name": "Sesión de retoque",
        "description": ("Para renovar el pigmento meses o años después del tratamiento."),
    },
}

SHIPPED = {"es": SPANISH}


def add_to(appointment_type_model, translation_model) -> int:
    """Add the shipped translations to the services still worded as shipped; how many added.

    Takes the models so the migration can pass its historical ones."""
    added = 0
    for service in appointment_type_model.objects.filter(slug__in=ENGLISH):
        if (service.name, service.description) != ENGLISH[service.slug]:
            continue
        for language, services in SHIPPED.items():
            _row, created = translation_model.objects.get_or_create(
                appointment_type=service, language=language, defaults=services[service.slug]
            )
            added += created
    return added


def shipped_translations_add() -> int:
    from .models import AppointmentType, AppointmentTypeTranslation

    return add_to(AppointmentType, AppointmentTypeTranslation)
