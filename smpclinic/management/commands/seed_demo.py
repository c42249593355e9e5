"""A believable demo clinic: a manager, two artists, a front desk, a dozen clients and a diary.

Idempotent: people and clients are looked up by email, rooms and closed days by
name and date, and the artists' hours, time off and the diary are only added
while there are none yet, so a second run finds them all and changes nothing.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import user_create
from aftercare.shipped_aftercare import (
    shipped_translations_add as shipped_aftercare_translations,
)
from billing import deposits, ledger
from billing.models import (
    Deposit,
    DepositKind,
    DepositRule,
    DepositStatus,
    EntryKind,
    LedgerEntry,
    PackagePrice,
    PaymentMethod,
    TouchUpBand,
)
from clients.models import Client, ContactChannel, ReferralSource
from clients.services import client_create
from consultations.shipped_questionnaire import (
    shipped_translations_add as shipped_question_translations,
)
from scheduling.availability import free_slots
from scheduling.availability_cache import free_times_changed
from scheduling.booking import BookingRefused, appointment_set_status, booking_create
from scheduling.models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    ArtistHours,
    BookingSource,
    ClosedDay,
    Room,
    TimeOff,
    TimeOffKind,
)
from scheduling.policy import Actor, Channel
from scheduling.shipped_services import (
    shipped_translations_add as shipped_service_translations,
)
from smpclinic.clinic import clinic_zone, local_datetime

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


ROOMS = [
    ("Room 1 – Hairline", "Mirror wall and daylight lamp for drawing hairlines."),
    ("Room 2 – Crown", "Overhead lamp; suits crown and scar work."),
]

# artist email -> (weekdays, starts, ends); Saturday ends earlier with the clinic.
ARTIST_HOURS = {
    "sam.artist@example.com": [(day, "09:00", "17:30") for day in range(5)],
    "alex.artist@example.com": [(day, "10:00", "18:00") for day in range(1, 5)]
    + [(5, "10:00", "14:00")],
}

SAM, ALEX = "sam.artist@example.com", "alex.artist@example.com"


@dataclass(frozen=True)
class Visit:
    """One appointment of the demo diary, relative to today."""

    client: str  # the client's email, or phone for those without one
    type: str  # appointment type slug
    artist: str
    days: int  # from today; negative is the past week
    at: str  # the earliest local time wanted; the first free time from then is taken
    minutes: int | None = None
    status: str = AppointmentStatus.BOOKED
    # Treatment sessions a week apart keep their weekday; other visits may move
    # to one of the next days when the artist is off that day.
    fixed_day: bool = False


PAST_WEEK = [
    Visit("marcus.reid@example.com", "consultation", SAM, -7, "10:00", status="completed"),
    Visit("priya.shah@example.com", "treatment-session", SAM, -6, "09:00", status="completed"),
    Visit("tomasz.nowak@example.com", "consultation", ALEX, -6, "11:00", status="completed"),
    Visit("ethan.clarke@example.com", "fade-check-in", SAM, -5, "14:00", status="completed"),
    Visit("sofia.romano@example.com", "treatment-session", ALEX, -5, "10:00", status="completed"),
    Visit("+447911123105", "consultation", SAM, -3, "11:00", status="no_show"),
    Visit("hamza.ali@example.com", "treatment-session", SAM, -3, "09:00", 210, "completed"),
    Visit("lucas.martin@example.com", "video-consultation", ALEX, -2, "12:00", status="completed"),
    Visit("daniel.whitaker@example.com", "consultation", SAM, -2, "15:00", status="completed"),
]

NEXT_WEEKS = [
    Visit("ryan.foster@example.com", "consultation", SAM, 0, "16:00"),
    Visit("oliver.grant@example.com", "consultation", ALEX, 1, "11:00", status="confirmed"),
    Visit("james.oconnor@example.com", "video-consultation", ALEX, 2, "10:00"),
    Visit("lucas.martin@example.com", "consultation", SAM, 2, "14:00", status="confirmed"),
    Visit("priya.shah@example.com", "fade-check-in", SAM, 3, "13:30"),
    Visit("tomasz.nowak@example.com", "treatment-session", ALEX, 3, "10:00", status="confirmed"),
    Visit("hamza.ali@example.com", "fade-check-in", SAM, 4, "15:00"),
    Visit("marcus.reid@example.com", "treatment-session", SAM, 4, "09:00", 240),
    Visit("ryan.foster@example.com", "video-consultation", ALEX, 5, "11:00"),
    Visit("priya.shah@example.com", "treatment-session", SAM, 6, "09:00", 210),
    Visit("+447911123105", "video-consultation", ALEX, 9, "12:00"),
    Visit("tomasz.nowak@example.com", "treatment-session", ALEX, 10, "10:00", 210),
    Visit("sofia.romano@example.com", "treatment-session", SAM, 11, "10:00", 210),
    Visit("ethan.clarke@example.com", "fade-check-in", ALEX, 12, "14:00"),
    Visit("oliver.grant@example.com", "treatment-session", ALEX, 13, "10:00", 240),
]

# Daniel's treatment: each session about 30 minutes shorter, a week apart.
DANIEL_SESSIONS = (240, 210, 180)


def _hhmm(text: str) -> datetime.time:
    return datetime.time.fromisoformat(text)


class Command(BaseCommand):
    help = (
        "Create the demo clinic (staff with known passwords, a dozen clients, rooms, hours "
        "and a diary around today). Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--us",
            action="store_true",
            help="An American clinic's data: US phone numbers and holidays (the default when "
            "CLINIC_LOCALE is en-us).",
        )

    def phone(self, uk_number: str) -> str:
        """The demo's UK mobile numbers (+44 7911 123…), or fictional US ones (+1 480 555 01…)."""
        if not (self.us and uk_number):
            return uk_number
        # 555-0100 to 555-0199: the numbers set aside for fiction.
        return f"+148055501{uk_number[-2:]}"

    @transaction.atomic
    def handle(self, *args, **options):
        self.us = options.get("us") or settings.CLINIC_LOCALE == "en-us"
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
            phone = self.phone(phone)
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
        self.seed_settings()
        self.stdout.write(self.seed_prices())
        self.stdout.write(self.seed_diary(desk))
        self.stdout.write(self.seed_payments(desk))
        self.stdout.write(self.seed_daniels_consultation())
        self.stdout.write(self.seed_waitlist(desk))
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for email, _first, _last, role in STAFF:
            self.stdout.write(f"  {Role(role).label:<12} {email}")
        self.stdout.write(f"  {'Client':<12} {client_login}")

    # --- rooms, hours, closed days, time off ------------------------------------------

    def seed_settings(self) -> None:
        # The services' names, health questions and aftercare in Spanish, for Spanish-speaking
        # clients (kept when the migrations ran before the wording was in place).
        shipped_service_translations()
        shipped_question_translations()
        shipped_aftercare_translations()
        for name, notes in ROOMS:
            Room.objects.get_or_create(name=name, defaults={"notes": notes})

        artists = {u.email: u for u in User.objects.filter(email__in=list(ARTIST_HOURS))}
        for email, rows in ARTIST_HOURS.items():
            artist = artists[email]
            if ArtistHours.objects.filter(artist=artist).exists():
                continue
            ArtistHours.objects.bulk_create(
                ArtistHours(artist=artist, weekday=day, starts=_hhmm(s), ends=_hhmm(e))
                for day, s, e in rows
            )

        today = timezone.localdate()
        holidays = (
            ((7, 4, "Independence Day"), (12, 25, "Christmas Day"))
            if self.us
            else ((12, 25, "Christmas Day"), (12, 26, "Boxing Day"))
        )
        for month, day, reason in holidays:
            ClosedDay.objects.get_or_create(
                date=datetime.date(today.year, month, day), defaults={"reason": reason}
            )

        alex = artists[ALEX]
        if not TimeOff.objects.filter(artist=alex).exists():
            # The Monday about three weeks ahead, to the Monday after: a week away.
            monday = today + datetime.timedelta(days=21 - today.weekday())
            zone = clinic_zone()
            TimeOff.objects.create(
                artist=alex,
                kind=TimeOffKind.HOLIDAY,
                starts_at=local_datetime(monday, datetime.time(0), zone),
                ends_at=local_datetime(monday + datetime.timedelta(days=7), datetime.time(0), zone),
                note="Family holiday",
            )
        # Rooms, hours, closed days and time off written here directly: the stored free
        # times are renewed.
        free_times_changed(everything=True)

    # --- prices, deposits and payments -----------------------------------------------

    def seed_prices(self) -> str:
        """A price list like a London clinic's: treatment sessions with a £100 deposit,
        packages, and touch-ups priced by the months since the last session."""
        treatment = AppointmentType.objects.get(slug="treatment-session")
        touch_up = AppointmentType.objects.get(slug="touch-up")
        DepositRule.objects.get_or_create(
            appointment_type=treatment,
            defaults={"kind": DepositKind.FIXED, "value": Decimal("100.00")},
        )
        DepositRule.objects.get_or_create(
            appointment_type=touch_up,
            defaults={"kind": DepositKind.PERCENT, "value": Decimal("25")},
        )
        for sessions, price in ((2, "850"), (3, "1200"), (4, "1550")):
            PackagePrice.objects.get_or_create(
                sessions=sessions, defaults={"price": Decimal(price)}
            )
        for months, price in ((6, "120"), (12, "160"), (24, "200")):
            TouchUpBand.objects.get_or_create(
                up_to_months=months, defaults={"price": Decimal(price)}
            )
        return (
            f"Prices: {PackagePrice.objects.count()} packages, "
            f"{TouchUpBand.objects.count()} touch-up bands, "
            f"{DepositRule.objects.count()} deposit rules"
        )

    def seed_payments(self, desk: User) -> str:
        """Past visits paid at the desk, and the first upcoming deposits taken."""
        if LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).exists():
            return f"Accounts: {LedgerEntry.objects.count()} rows"
        charges = LedgerEntry.objects.filter(kind=EntryKind.CHARGE).select_related(
            "client", "appointment"
        )
        methods = [PaymentMethod.CARD_TERMINAL, PaymentMethod.CASH, PaymentMethod.CARD_TERMINAL]
        for number, charge in enumerate(charges):
            ledger.record_payment(
                client=charge.client,
                amount=charge.amount,
                method=methods[number % len(methods)],
                description=f"Paid: {charge.description}",
                appointment=charge.appointment,
                plan=charge.plan,
                by=desk,
                now=charge.at,
            )
        due = Deposit.objects.filter(status=DepositStatus.DUE).order_by("appointment__starts_at")
        for deposit in due[:2]:
            deposits.take_deposit(deposit, method=PaymentMethod.CARD_TERMINAL, by=desk)
        return f"Accounts: {LedgerEntry.objects.count()} rows"

    # --- the diary --------------------------------------------------------------------

    def seed_diary(self, desk: User) -> str:
        demo_clients = self.demo_clients()
        appointments = Appointment.objects.filter(client__in=demo_clients.values())
        if not appointments.exists():
            artists = {u.email: u for u in User.objects.filter(email__in=[SAM, ALEX])}
            types = {t.slug: t for t in AppointmentType.objects.all()}
            today = timezone.localdate()
            # All held their time when booked: statuses are set once every one is in,
            # so a no-show's hour is not handed to another visit.
            past = [self.add_past(v, demo_clients, artists, types, desk, today) for v in PAST_WEEK]
            for appointment, status in filter(None, past):
                self.close_past(appointment, status, desk)
            # Daniel's sessions first: a treatment keeps its weekly rhythm, others fit round it.
            for visit in [*self.daniels_sessions(artists[SAM], today), *NEXT_WEEKS]:
                self.book(visit, demo_clients, artists, types, desk, today)
        now = timezone.now()
        upcoming = appointments.filter(
            starts_at__gte=now, starts_at__lt=now + datetime.timedelta(days=14)
        ).count()
        return f"Diary: {appointments.count()} appointments ({upcoming} in the next 14 days)"

    def demo_clients(self) -> dict[str, Client]:
        keys = [email or phone for _f, _l, _d, email, phone, _s, _n in CLIENTS]
        found = {}
        for client in Client.objects.filter(email__in=[k for k in keys if "@" in k]):
            found[client.email] = client
        # Visits name clients by the UK numbers; with --us their records have US ones.
        by_phone = {self.phone(k): k for k in keys if "@" not in k}
        for client in Client.objects.filter(phone__in=list(by_phone)):
            found[by_phone[str(client.phone.as_e164)]] = client
        return found

    def daniels_sessions(self, sam: User, today: datetime.date) -> list[Visit]:
        """Daniel's three sessions, on the first day Sam works from tomorrow, then weekly."""
        working_days = set(ArtistHours.objects.filter(artist=sam).values_list("weekday", flat=True))
        first = today + datetime.timedelta(days=1)
        while first.weekday() not in working_days:
            first += datetime.timedelta(days=1)
        offset = (first - today).days
        return [
            Visit(
                "daniel.whitaker@example.com",
                "treatment-session",
                SAM,
                offset + 7 * n,
                "09:00",
                minutes,
                "confirmed" if n == 0 else "booked",
                fixed_day=True,
            )
            for n, minutes in enumerate(DANIEL_SESSIONS)
        ]

    def first_free(self, visit, artist, appointment_type, day, now):
        """The first free time on `day` at or after the visit's hour, by the diary's rules."""
        zone = clinic_zone()
        wanted = local_datetime(day, _hhmm(visit.at), zone)
        for slot in free_slots(
            appointment_type=appointment_type,
            start_date=day,
            days=1,
            artist_id=artist.pk,
            minutes=visit.minutes,
            source=BookingSource.FRONT_DESK,
            now=now,
        ):
            if slot.start >= wanted:
                return slot
        return None

    def add_past(
        self, visit, clients, artists, types, desk, today
    ) -> tuple[Appointment, str] | None:
        """A visit of the past week, booked through the diary's services as it happened.

        The desk booked it ten days before: the services take that moment as "now",
        so the diary's rules (hours, overlaps, rooms) and its history hold for the past.
        """
        artist, appointment_type = artists[visit.artist], types[visit.type]
        zone = clinic_zone()
        # That day or a later one of the past week when the artist was off; else an earlier one.
        offsets = [*range(visit.days, 0), *range(visit.days - 1, -8, -1)]
        for offset in offsets:
            day = today + datetime.timedelta(days=offset)
            # "Now" is that morning, so the day's times count as bookable.
            midnight = local_datetime(day, datetime.time(0), zone)
            slot = self.first_free(visit, artist, appointment_type, day, midnight)
            if slot is None:
                continue
            try:
                appointment = booking_create(
                    client=clients[visit.client],
                    appointment_type=appointment_type,
                    artist=artist,
                    starts_at=slot.start,
                    minutes=visit.minutes,
                    room=Room.objects.filter(pk=slot.room_id).first(),
                    source=BookingSource.FRONT_DESK,
                    by=desk,
                    actor=Actor.system(),
                    channel=Channel.TASK,
                    now=slot.start - datetime.timedelta(days=10),
                )
            except BookingRefused:
                continue
            return appointment, visit.status
        return None

    def close_past(self, appointment: Appointment, status: str, desk: User) -> None:
        """How a past visit ended: completed by the artist, or marked a no-show at the desk."""
        steps = (
            [
                (
                    AppointmentStatus.NO_SHOW,
                    desk,
                    appointment.starts_at + datetime.timedelta(minutes=15),
                )
            ]
            if status == AppointmentStatus.NO_SHOW
            else [
                (AppointmentStatus.ARRIVED, appointment.artist, appointment.starts_at),
                (AppointmentStatus.COMPLETED, appointment.artist, appointment.ends_at),
            ]
        )
        for step, by, at in steps:
            appointment_set_status(
                appointment=appointment,
                status=step,
                by=by,
                actor=Actor.system(),
                channel=Channel.TASK,
                now=at,
            )

    def book(self, visit, clients, artists, types, desk, today) -> None:
        """A visit from today on, booked as the front desk would."""
        artist, appointment_type = artists[visit.artist], types[visit.type]
        now = timezone.now()
        days = [visit.days] if visit.fixed_day else range(visit.days, visit.days + 3)
        for offset in days:
            day = today + datetime.timedelta(days=offset)
            slot = self.first_free(visit, artist, appointment_type, day, now)
            if slot is None:
                continue
            try:
                appointment = booking_create(
                    client=clients[visit.client],
                    appointment_type=appointment_type,
                    artist=artist,
                    starts_at=slot.start,
                    minutes=visit.minutes,
                    source=BookingSource.FRONT_DESK,
                    by=desk,
                )
            except BookingRefused:
                continue
            if visit.status == AppointmentStatus.CONFIRMED:
                appointment_set_status(
                    appointment=appointment, status=AppointmentStatus.CONFIRMED, by=desk
                )
            return

    # --- Daniel's consultation and plan ---------------------------------------------------

    def seed_daniels_consultation(self) -> str:
        """Daniel came in last week: forms filled, patch test clean, hairline approved, and
        he went ahead. His plan's sessions are the treatment sessions in the diary."""
        from consultations.consent import consent_document, consent_outstanding, consent_sign
        from consultations.models import (
            Consultation,
            HairlineStyle,
            LookWanted,
            Outcome,
            PatchReading,
        )
        from consultations.questionnaire import current_questionnaire, questionnaire_submit
        from consultations.services import (
            consultation_proceed,
            consultation_update,
            hairline_design_add,
            hairline_design_approve,
            patch_test_add,
            patch_test_read,
        )
        from sessions_app.models import TreatmentSession

        daniel = Client.objects.filter(email="daniel.whitaker@example.com").first()
        sam = User.objects.filter(email=SAM).first()
        if daniel is None or sam is None:
            return "Consultation: Daniel's record is missing; nothing added."
        # Booking his consultation last week opened its record (as in the clinic);
        # what happened at it is filled in here, once.
        consultation = Consultation.objects.filter(client=daniel).order_by("-id").first()
        if consultation is not None and consultation.outcome != Outcome.PENDING:
            return "Consultation: Daniel's is already recorded."
        with transaction.atomic():
            if consultation is None:
                consultation = Consultation.objects.create(
                    client=daniel, artist=sam, created_by=sam
                )
            questionnaire = current_questionnaire()
            if questionnaire is not None:
                answers = {
                    q.pk: ("no" if q.kind == "yes_no" else "None")
                    for q in questionnaire.questions.all()
                }
                questionnaire_submit(
                    client=daniel,
                    consultation=consultation,
                    answers=answers,
                    details={},
                    channel="online",
                    ip=None,
                    user_agent="Demo data",
                )
            for version in consent_outstanding(daniel):
                document = consent_document(version)
                consent_sign(
                    client=daniel,
                    version=version,
                    typed_name=daniel.full_name,
                    ticked=[number for number, _ in document.numbered_statements],
                    consultation=consultation,
                    channel="clinic",
                    ip=None,
                    user_agent="Demo data",
                    text_shown_sha256=document.sha256,
                )
            consultation_update(
                consultation,
                sam,
                look_wanted=LookWanted.DENSITY,
                expectations="Fuller look at the crown; keeps his hair short.",
                agreed_realistic="Density at the crown and a soft hairline; three sessions.",
                hair_loss_scale="norwood",
                norwood_stage=4,
                fitzpatrick=3,
                oiliness="normal",
                natural_hair_colour="Dark brown",
                greys="some",
                process_explained=True,
                pigment_brand="Zen",
                pigment_shade="Charcoal 2",
                pigment_dilution="1:3",
                estimated_sessions=3,
                price_per_session="450",
                deposit="100",
            )
            applied = timezone.now() - datetime.timedelta(days=6)
            test = patch_test_add(
                consultation, sam, "Zen Charcoal 2 (1:3)", applied, "Behind the left ear"
            )
            patch_test_read(
                test, sam, PatchReading.NO_REACTION, applied + datetime.timedelta(days=2)
            )
            design = hairline_design_add(
                consultation, sam, HairlineStyle.SOFT, "Soft, slightly receded at the temples"
            )
            hairline_design_approve(design, "clinic")
            plan = consultation_proceed(consultation, sam)
            # The treatment sessions already in the diary are this plan's sessions.
            booked = Appointment.objects.filter(
                client=daniel, type__slug="treatment-session"
            ).order_by("starts_at")
            for session, appointment in zip(
                TreatmentSession.objects.filter(plan=plan).order_by("number"), booked, strict=False
            ):
                session.appointment = appointment
                session.planned_minutes = appointment.minutes
                session.save(update_fields=["appointment", "planned_minutes"])
        return f"Consultation: Daniel's recorded; his plan has {plan.planned_sessions} sessions."

    # --- the waitlist -----------------------------------------------------------------------

    def seed_waitlist(self, desk: User) -> str:
        """Two clients waiting for a sooner consultation: Marcus any weekday morning, Priya on
        Saturdays with Sam (a priority). Added once."""
        from waitlist.models import WaitlistEntry
        from waitlist.services import entry_add

        if WaitlistEntry.objects.exists():
            return f"Waitlist: {WaitlistEntry.objects.count()} waiting already."
        clients = self.demo_clients()
        consultation = AppointmentType.objects.get(slug="consultation")
        sam = User.objects.get(email=SAM)
        wishes = (
            (
                "marcus.reid@example.com",
                {"weekdays": [0, 1, 2, 3, 4], "latest_time": datetime.time(13)},
            ),
            ("priya.shah@example.com", {"weekdays": [5], "artist": sam, "priority": True}),
        )
        added = 0
        for email, wish in wishes:
            if email in clients:
                entry_add(client=clients[email], appointment_type=consultation, by=desk, **wish)
                added += 1
        return f"Waitlist: {added} clients waiting for a sooner consultation."
