"""The client's calendar file written directly is, byte for byte, icalendar's."""

import datetime as dt

import pytest

from accounts.models import User
from scheduling.ics import client_calendar, client_calendar_text
from scheduling.models import Appointment, AppointmentStatus, AppointmentType
from smpclinic.clinic import remember_clinic_profile
from smpclinic.models import ClinicProfile
from tests.clock import CLOCKS_GO_FORWARD, at

# The night the clocks go forward: the file must still say 10:15 London time, in UTC.
NOW = dt.datetime.combine(CLOCKS_GO_FORWARD, dt.time(0, 30, 15, 123456), tzinfo=dt.UTC)
STARTS = at(CLOCKS_GO_FORWARD, "10:15")

# Values that exercise escaping (\ ; , line breaks, a literal \N), folding (long lines,
# characters of two, three and four bytes across the 75-octet limit, a backslash or caret
# right at a fold) and plain short ones.
AWKWARD = [
    "Sam",
    "Zoë",
    "A, B; C\\D",
    "Line one\nline two\r\nthree\rfour \\N five",
    "x" * 60 + "\\," + "y" * 40,
    "y" * 73 + "^" + "z" * 20,
    "é" * 80,
    "日本語のクリニック" * 6,
    "🙂" * 30 + "a" * 7,
    "a" * 72 + "\\" + "b" * 5,
    "",
]


def appointment(*, artist: str, type_name: str, video: bool, link: str, **extra) -> Appointment:
    kind = AppointmentType(name=type_name, slug="consultation", is_video=video)
    made = Appointment(
        pk=extra.pop("pk", 42),
        type=kind,
        artist=User(first_name=artist),
        starts_at=STARTS,
        ends_at=STARTS + dt.timedelta(minutes=45),
        meeting_link=link,
        status=extra.pop("status", AppointmentStatus.BOOKED),
        updated_at=extra.pop("updated_at", NOW - dt.timedelta(days=2, microseconds=7)),
    )
    made.ics_sequence = extra.pop("sequence", 0)
    return made


def both(made: Appointment, *, host: str = "clinic.example", manage_url: str = ""):
    expected = client_calendar(made, host=host, manage_url=manage_url, now=NOW).to_ical().decode()
    return client_calendar_text(made, host=host, manage_url=manage_url, now=NOW), expected


@pytest.mark.parametrize("value", AWKWARD)
@pytest.mark.parametrize("video", [False, True])
def test_it_writes_icalendars_text_for_awkward_values(value, video):
    remember_clinic_profile(ClinicProfile(pk=1, name=value or "SMP Clinic", address=value))
    made = appointment(
        artist=value,
        type_name=value or "Consultation",
        video=video,
        link=f"https://meet.example/{value}" if value else "",
    )
    written, expected = both(made, manage_url=f"https://clinic.example/manage/{'t' * 90}/")
    assert written == expected


@pytest.mark.parametrize(
    "changes",
    [
        {"status": AppointmentStatus.CANCELLED, "sequence": 3},
        {"updated_at": None},
        {"pk": 10**12},
    ],
)
def test_it_writes_icalendars_text_for_each_state(changes):
    remember_clinic_profile(ClinicProfile(pk=1, name="SMP Clinic", address="1 High St, Leeds"))
    made = appointment(
        artist="Alex", type_name="Treatment session", video=False, link="", **changes
    )
    for manage_url in ("", "https://clinic.example/manage/abc/"):
        written, expected = both(made, manage_url=manage_url)
        assert written == expected


def test_a_link_with_a_line_break_is_left_to_icalendar():
    remember_clinic_profile(ClinicProfile(pk=1, name="SMP Clinic"))
    made = appointment(artist="Alex", type_name="Consultation", video=False, link="")
    with pytest.raises(ValueError, match="URI"):
        client_calendar_text(
            made, host="clinic.example", manage_url="https://x.example/\n", now=NOW
        )


@pytest.mark.parametrize("video", [False, True])
def test_the_file_is_in_the_language_active_and_still_icalendars_text(video):
    from django.utils import translation

    remember_clinic_profile(ClinicProfile(pk=1, name="SMP Clinic", address="1 High St"))
    made = appointment(
        artist="Sam",
        type_name="Consulta",
        video=video,
        link="" if not video else "https://v.example/1",
    )
    with translation.override("es"):
        text, expected = both(made, manage_url="https://clinic.example/book/manage/abc/")
    assert text == expected
    unfolded = text.replace("\r\n ", "")
    assert "DESCRIPTION:Con Sam en SMP Clinic." in unfolded
    assert "Cambiar o cancelar: https://clinic.example/book/manage/abc/" in unfolded
    assert "SUMMARY:Consulta en SMP Clinic" in unfolded
    if video:
        assert "Unirse a la llamada: https://v.example/1" in unfolded
    with translation.override("en"):
        english, _expected = both(made, manage_url="https://clinic.example/book/manage/abc/")
    assert "DESCRIPTION:With Sam at SMP Clinic." in english.replace("\r\n ", "")
