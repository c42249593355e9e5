"""The default health questionnaire (version 1, published) and the two default consent forms.

The wording is a starting point for the clinic to review and adapt in the
settings; it is not medical or legal advice.
"""

from django.db import migrations
from django.utils import timezone

# (text, help_text, kind, required, contraindication, ask_details)
QUESTIONS = [
    (
        "Do you have keloid or hypertrophic (raised) scarring, or do your scars tend to thicken?",
        "",
        "yes_no",
        True,
        True,
        True,
    ),
    (
        "Do you have a scalp condition such as psoriasis, eczema, dermatitis or folliculitis?",
        "Tell us where on the scalp and whether it is active at the moment.",
        "yes_no",
        True,
        True,
        True,
    ),
    (
        "Do you take blood thinners (for example warfarin, apixaban, clopidogrel or daily aspirin)?",
        "",
        "yes_no",
        True,
        True,
        True,
    ),
    (
        "Do you have diabetes?",
        "Tell us the type and how it is managed.",
        "yes_no",
        True,
        True,
        True,
    ),
    ("Are you pregnant or breastfeeding?", "", "yes_no", True, True, False),
    (
        "Do you have any allergies — to pigments or tattoo inks, metals such as nickel, "
        "or lidocaine and other numbing creams?",
        "Tell us what you are allergic to and what happens.",
        "yes_no",
        True,
        True,
        True,
    ),
    (
        "Have you had chemotherapy or radiotherapy in the last 12 months?",
        "",
        "yes_no",
        True,
        True,
        True,
    ),
    (
        "Do you take or use hair-loss medication (for example finasteride or minoxidil)?",
        "Tell us which, and since when.",
        "yes_no",
        True,
        False,
        True,
    ),
    (
        "Do you have hair transplant scars (a FUT strip scar or FUE dots)?",
        "Tell us which kind and when the transplant was done.",
        "yes_no",
        True,
        False,
        True,
    ),
    (
        "Is your scalp exposed to a lot of sun, or do you use sunbeds?",
        "",
        "yes_no",
        True,
        False,
        False,
    ),
    (
        "Have you had scalp tattooing or scalp micropigmentation (SMP) before?",
        "Tell us when, and where it was done.",
        "yes_no",
        True,
        False,
        True,
    ),
    (
        "What medication do you take at the moment?",
        "Write “none” if you take none.",
        "text",
        True,
        False,
        False,
    ),
    ("Is there anything else we should know?", "", "text", False, False, False),
]

SMP_BODY = (
    "Scalp micropigmentation (SMP) places small deposits of pigment in the upper layer of "
    "the scalp's skin to look like hair follicles or to add density. Please read this "
    "before your treatment and ask us about anything that is unclear.\n\n"
    "After each session the scalp is usually red and may be swollen for a few hours to two "
    "days. The pigment looks darker at first and lightens over the following four to five "
    "weeks; after the first session a patchy look is normal. Several sessions (usually two "
    "to four) are needed to build the result, and a touch-up may be needed over the years "
    "as the pigment fades.\n\n"
    "Results vary from person to person: skin type, scars, sun exposure and how the skin "
    "heals all affect how the pigment settles. An allergic reaction to the pigment is "
    "possible, though rare; a patch test reduces but does not remove this risk."
)
SMP_STATEMENTS = [
    "I have told the clinic about my health, medication and allergies truthfully and in "
    "full, and I will tell them about any change before each session.",
    "I understand that redness, swelling and tenderness are normal after a session, and that "
    "an allergic reaction to the pigment is possible.",
    "I understand that the pigment may fade or shift in colour over the years, that results "
    "vary, and that several sessions and later touch-ups may be needed.",
    "I will follow the aftercare instructions I am given; not following them can affect "
    "the result.",
    "I agree that the clinic takes photographs of my scalp for my treatment record.",
    "I consent to scalp micropigmentation treatment at this clinic.",
]

PHOTO_BODY = (
    "We take photographs of your scalp at your consultation, before and after each session "
    "and at check-ins. They are part of your treatment record: they help us plan each "
    "session and see how your skin heals.\n\n"
    "Your photographs are stored privately. You can see the ones shared with you in your "
    "client area. We never publish them, on our website, social media or anywhere else, "
    "unless you give us separate written agreement for that."
)
PHOTO_STATEMENTS = [
    "I agree that the clinic photographs my scalp for my treatment record.",
    "I understand that my photographs are shared with me and kept private, and that they "
    "will not be published without my separate written agreement.",
]


def add_defaults(apps, schema_editor):
    QuestionnaireVersion = apps.get_model("consultations", "QuestionnaireVersion")
    Question = apps.get_model("consultations", "Question")
    ConsentTemplate = apps.get_model("consultations", "ConsentTemplate")
    ConsentVersion = apps.get_model("consultations", "ConsentVersion")
    now = timezone.now()

    if not QuestionnaireVersion.objects.exists():
        version = QuestionnaireVersion.objects.create(
            number=1, published_at=now, note="The clinic's default questions."
        )
        Question.objects.bulk_create(
            Question(
                version=version,
                position=position,
                text=text,
                help_text=help_text,
                kind=kind,
                required=required,
                contraindication=contraindication,
                ask_details=ask_details,
            )
            for position, (text, help_text, kind, required, contraindication, ask_details) in (
                enumerate(QUESTIONS, start=1)
            )
        )

    for position, (slug, name, title, body, statements) in enumerate(
        [
            (
                "smp-treatment",
                "Consent to scalp micropigmentation",
                "Consent to scalp micropigmentation",
                SMP_BODY,
                SMP_STATEMENTS,
            ),
            ("photographs", "Photographs", "Consent to photographs", PHOTO_BODY, PHOTO_STATEMENTS),
        ],
        start=1,
    ):
        template, created = ConsentTemplate.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position}
        )
        if created:
            ConsentVersion.objects.create(
                template=template,
                number=1,
                title=title,
                body=body,
                statements=statements,
                published_at=now,
            )


def remove_defaults(apps, schema_editor):
    QuestionnaireVersion = apps.get_model("consultations", "QuestionnaireVersion")
    Question = apps.get_model("consultations", "Question")
    ConsentTemplate = apps.get_model("consultations", "ConsentTemplate")
    ConsentVersion = apps.get_model("consultations", "ConsentVersion")
    # Only what nobody has answered or signed goes; answered versions are records.
    unanswered = QuestionnaireVersion.objects.filter(number=1, responses__isnull=True)
    Question.objects.filter(version__in=unanswered).delete()
    unanswered.delete()
    unsigned = ConsentVersion.objects.filter(
        template__slug__in=["smp-treatment", "photographs"], signatures__isnull=True
    )
    unsigned.delete()
    ConsentTemplate.objects.filter(
        slug__in=["smp-treatment", "photographs"], versions__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("consultations", "0002_role_permissions")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
