"""A believable demo clinic: a manager, two artists, a front desk and a dozen clients.

Idempotent: people and clients are looked up by email, so a second run finds
them all and changes nothing.
"""

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Role, User
from accounts.services import user_create
from clients.models import Client, ContactChannel, ReferralSource
from clients.services import client_create

DEMO_PASSWORD = "smp-demo-2026"

STAFF = [
    ("manager@example.com", "Morgan", "Hale", Role.MANAGER),
    ("sam.artist@example.com", "Sam", "Okafor", Role.ARTIST),
    ("alex.artist@example.com", "Alex", "Brennan", Role.ARTIST),
    ("desk@example.com", "Jordan", "Price", Role.FRONT_DESK),
]

CLIENTS = [
    (
        "Daniel",
        "Whitaker",
        "1984-03-12",
        "daniel.whitaker@example.com",
        "+447911123101",
        ReferralSource.SEARCH,
        "Norwood 5, wants a soft, natural hairline.",
    ),
    (
        "Marcus",
        "Reid",
        "1979-11-02",
        "marcus.reid@example.com",
        "+447911123102",
        ReferralSource.FRIEND,
        "Referred by Daniel Whitaker.",
    ),
    (
        "Priya",
        "Shah",
        "1990-06-25",
        "priya.shah@example.com",
        "+447911123103",
        ReferralSource.SOCIAL,
        "Diffuse thinning; density only, no hairline.",
    ),
    (
        "Tomasz",
        "Nowak",
        "1987-01-30",
        "tomasz.nowak@example.com",
        "+447911123104",
        ReferralSource.SEARCH,
        "FUE scars at the back to camouflage.",
    ),
    (
        "Kwame",
        "Mensah",
        "1975-09-14",
        "",
        "+447911123105",
        ReferralSource.WALK_IN,
        "Prefers SMS; no email.",
    ),
    ("Oliver", "Grant", "1993-04-08", "oliver.grant@example.com", "", ReferralSource.ADVERT, ""),
    (
        "Ethan",
        "Clarke",
        "1982-12-19",
        "ethan.clarke@example.com",
        "+447911123107",
        ReferralSource.REFERRAL,
        "Alopecia areata, stable for two years.",
    ),
    (
        "Sofia",
        "Romano",
        "1988-07-03",
        "sofia.romano@example.com",
        "+447911123108",
        ReferralSource.SOCIAL,
        "Scar from a cycling accident, left temple.",
    ),
    (
        "James",
        "O'Connor",
        "1970-02-27",
        "james.oconnor@example.com",
        "+447911123109",
        ReferralSource.FRIEND,
        "Wants a fully shaved look.",
    ),
    (
        "Lucas",
        "Martin",
        "1996-10-11",
        "lucas.martin@example.com",
        "+447911123110",
        ReferralSource.SEARCH,
        "",
    ),
    (
        "Hamza",
        "Ali",
        "1985-05-21",
        "hamza.ali@example.com",
        "+447911123111",
        ReferralSource.OTHER,
        "Previous SMP elsewhere has faded blue; discuss correction.",
    ),
    (
        "Ryan",
        "Foster",
        "1991-08-16",
        "ryan.foster@example.com",
        "+447911123112",
        ReferralSource.ADVERT,
        "Crown only.",
    ),
]


class Command(BaseCommand):
    help = "Create the demo clinic (staff with known passwords and a dozen clients). Safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        created_staff = 0
        existing = set(
            User.objects.filter(email__in=[s[0] for s in STAFF]).values_list("email", flat=True)
        )
        for email, first, last, role in STAFF:
            if email in existing:
                continue
            user_create(
                email=email, first_name=first, last_name=last, role=role, password=DEMO_PASSWORD
            )
            created_staff += 1

        desk = User.objects.get(email="desk@example.com")
        created_clients = 0
        for first, last, dob, email, phone, source, notes in CLIENTS:
            lookup = {"email": email} if email else {"phone": phone}
            if Client.objects.filter(**lookup).exists():
                continue
            client_create(
                created_by=desk,
                first_name=first,
                last_name=last,
                date_of_birth=datetime.date.fromisoformat(dob),
                email=email,
                phone=phone,
                preferred_channel=ContactChannel.EMAIL if email else ContactChannel.SMS,
                contact_consent=True,
                referral_source=source,
                notes=notes,
            )
            created_clients += 1

        # A client who can sign in, linked to their record.
        client_login = "daniel.whitaker@example.com"
        if not User.objects.filter(email=client_login).exists():
            user = user_create(
                email=client_login,
                first_name="Daniel",
                last_name="Whitaker",
                role=Role.CLIENT,
                password=DEMO_PASSWORD,
            )
            Client.objects.filter(email=client_login, user__isnull=True).update(user=user)
            created_staff += 1

        self.stdout.write(
            f"Demo clinic ready: {created_staff} new sign-ins, {created_clients} new clients "
            f"({Client.objects.count()} clients in all)."
        )
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for email, _first, _last, role in STAFF:
            self.stdout.write(f"  {Role(role).label:<12} {email}")
        self.stdout.write(f"  {'Client':<12} {client_login}")
