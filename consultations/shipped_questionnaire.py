"""The product's health questions in other languages, for the questions it ships
(migration 0003).

Keyed by the English question and its help text as shipped: migration 0009 adds a
translation to every question still worded exactly so, and `shipped_translations_add`
does the same for a version copied or written later.
"""

from __future__ import annotations

# (English text, English help text) → (Spanish text, Spanish help text)
SPANISH = {
    (
        "Do you have keloid or hypertrophic (raised) scarring, or do your scars tend to thicken?",
        "",
    ): (
        "¿Tiene cicatrices queloides o hipertróficas (abultadas), o sus cicatrices tienden a "
        "engrosarse?",
        "",
    ),
    (
        "Do you have a scalp condition such as psoriasis, eczema, dermatitis or folliculitis?",
        "Tell us where on the scalp and whether it is active at the moment.",
    ): (
        "¿Tiene alguna afección del cuero cabelludo, como psoriasis, eccema, dermatitis o "
        "foliculitis?",
        "Indíquenos en qué parte del cuero cabelludo y si está activa en este momento.",
    ),
    (
        "Do you take blood thinners (for example warfarin, apixaban, clopidogrel or daily "
        "aspirin)?",
        "",
    ): (
        "¿Toma anticoagulantes (por ejemplo warfarina, apixabán, clopidogrel o aspirina a diario)?",
        "",
    ),
    ("Do you have diabetes?", "Tell us the type and how it is managed."): (
        "¿Tiene diabetes?",
        "Indíquenos el tipo y cómo la controla.",
    ),
    ("Are you pregnant or breastfeeding?", ""): ("¿Está embarazada o en periodo de lactancia?", ""),
    (
        "Do you have any allergies — to pigments or tattoo inks, metals such as nickel, "
        "or lidocaine and other numbing creams?",
        "Tell us what you are allergic to and what happens.",
    ): (
        "¿Tiene alguna alergia: a pigmentos o tintas de tatuaje, a metales como el níquel, o "
        "a la lidocaína y otras cremas anestésicas?",
        "Indíquenos a qué es alérgico y qué le ocurre.",
    ),
    ("Have you had chemotherapy or radiotherapy in the last 12 months?", ""): (
        "¿Ha recibido quimioterapia o radioterapia en los últimos 12 meses?",
        "",
    ),
    (
        "Do you take or use hair-loss medication (for example finasteride or minoxidil)?",
        "Tell us which, and since when.",
    ): (
        "¿Toma o usa medicación para la caída del cabello (por ejemplo finasterida o minoxidil)?",
        "Indíquenos cuál y desde cuándo.",
    ),
    (
        "Do you have hair transplant scars (a FUT strip scar or FUE dots)?",
        "Tell us which kind and when the transplant was done.",
    ): (
        "¿Tiene cicatrices de un trasplante capilar (una cicatriz lineal FUT o puntos FUE)?",
        "Indíquenos de qué tipo y cuándo se hizo el trasplante.",
    ),
    ("Is your scalp exposed to a lot of sun, or do you use sunbeds?", ""): (
        "¿Su cuero cabelludo está muy expuesto al sol, o usa camas de bronceado?",
        "",
    ),
    (
        "Have you had scalp tattooing or scalp micropigmentation (SMP) before?",
        "Tell us when, and where it was done.",
    ): (
        "¿Se ha hecho antes un tatuaje o una micropigmentación (SMP) en el cuero cabelludo?",
        "Indíquenos cuándo y dónde se lo hicieron.",
    ),
    ("What medication do you take at the moment?", "Write “none” if you take none."): (
        "¿Qué medicación toma actualmente?",
        "Escriba «ninguna» si no toma ninguna.",
    ),
    ("Is there anything else we should know?", ""): (
        "¿Hay algo más que debamos saber?",
        "",
    ),
}

SHIPPED = {"es": SPANISH}


def add_to(question_model, translation_model) -> int:
    """Add the shipped translations to every question still worded as shipped; how many
    added. Takes the models so the migration can pass its historical ones."""
    added = 0
    for question in question_model.objects.all():
        for language, questions in SHIPPED.items():
            wording = questions.get((question.text, question.help_text))
            if wording is None:
                continue
            _row, created = translation_model.objects.get_or_create(
                question=question,
                language=language,
                defaults={"text": wording[0], "help_text": wording[1]},
            )
            added += created
    return added


def shipped_translations_add() -> int:
    from .models import Question, QuestionTranslation

    return add_to(Question, QuestionTranslation)
