"""The product's aftercare wording in other languages, for the instructions it ships
(migration 0003).

Migration 0006 adds these to the clinic's instructions still worded exactly as shipped;
`shipped_translations_add` does the same for the demo. A clinic that reworded an
instruction writes its own translation.
"""

from __future__ import annotations

from importlib import import_module

CLINIC_NOTE_ES = (
    "\n\n(Texto inicial incluido con el programa: su clínica lo revisa y lo adapta. Son "
    "indicaciones generales, no consejo médico; si le preocupa su piel, póngase en contacto "
    "con la clínica o con un médico.)"
)

# In the order of migration 0003's DEFAULTS: (title, body).
SPANISH = [
    (
        "Hoy: el día de su sesión",
        "Mantenga el cuero cabelludo seco el resto del día. No toque, frote ni rasque la zona "
        "tratada. Duerma esta noche sobre una funda de almohada limpia.\n"
        "Es normal un enrojecimiento de unas horas, hasta dos días. El pigmento se ve hasta un "
        "50 % más oscuro que el resultado final y se aclara durante las próximas 4–5 semanas, "
        "así que no juzgue todavía el resultado.",
    ),
    (
        "Primeros días: sin lavar, sudar ni afeitar",
        "Hasta el día 3: no se lave el cuero cabelludo, evite todo lo que le haga sudar (nada "
        "de ejercicio, gimnasio ni trabajo pesado, ni bebidas calientes en un lugar caluroso) "
        "y no se afeite la zona tratada.",
    ),
    (
        "Día 3: ya puede aclararse",
        "Desde hoy puede aclararse el cuero cabelludo con agua tibia, con suavidad y sin "
        "productos (ni champú, ni jabón, ni lociones), y secarlo con toques de una toalla "
        "limpia.",
    ),
    (
        "Días 4–7: lavado suave",
        "Puede lavarse con suavidad con un champú suave y agua tibia, y secarse con toques. "
        "Todavía nada de sudar mucho: haga solo ejercicio ligero hasta el día 7.",
    ),
    (
        "Cuatro semanas: sin sol, piscina, sauna ni bronceado",
        "Durante las cuatro primeras semanas proteja el cuero cabelludo del sol (lleve un "
        "sombrero holgado al aire libre) y evite las piscinas y el mar, las saunas, los baños "
        "de vapor y las camas de bronceado.",
    ),
    (
        "Día 7: ya puede volver a afeitarse",
        "Si lleva la cabeza rapada o afeitada, desde hoy puede volver a afeitarse: use una "
        "afeitadora eléctrica de láminas, con suavidad, y todavía ninguna cuchilla sobre la "
        "zona tratada.",
    ),
    (
        "Día 10: revisión del pigmento",
        "Por estas fechas su clínica le pide una revisión: unas fotos de su cuero cabelludo con "
        "luz natural y cómo lo nota. Después de una sesión son normales las zonas desiguales, "
        "irregulares o más claras: su artista usa las fotos para planificar lo que completará "
        "la siguiente sesión.",
    ),
    (
        "Día 28: el pigmento se ha asentado",
        "El pigmento ya se ha asentado. A partir de ahora proteja su cuero cabelludo del sol "
        "con un SPF 30 o superior (o un sombrero): el sol es lo que desvanece la SMP con los "
        "años. Si aún no ha reservado su próxima sesión o retoque, resérvelo o confírmelo con "
        "la clínica.",
    ),
]

SHIPPED = {"es": SPANISH}


def _english() -> dict[tuple[str, str], int]:
    """(title, body) of each instruction as shipped → its place in the list."""
    shipped = import_module("aftercare.migrations.0003_default_instructions")
    return {
        (title, body + shipped.CLINIC_NOTE): i
        for i, (_f, _t, title, body, _send) in enumerate(shipped.DEFAULTS)
    }


def add_to(instruction_model, translation_model) -> int:
    """Add the shipped translations to the instructions still worded as shipped; how many
    added. Takes the models so the migration can pass its historical ones."""
    english = _english()
    added = 0
    for instruction in instruction_model.objects.all():
        place = english.get((instruction.title, instruction.body))
        if place is None:
            continue
        for language, wording in SHIPPED.items():
            title, body = wording[place]
            _row, created = translation_model.objects.get_or_create(
                instruction=instruction,
                language=language,
                defaults={"title": title, "body": body + CLINIC_NOTE_ES},
            )
            added += created
    return added


def shipped_translations_add() -> int:
    from .models import AftercareInstruction, AftercareInstructionTranslation

    return add_to(AftercareInstruction, AftercareInstructionTranslation)
