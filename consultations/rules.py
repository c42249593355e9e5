"""Gates other apps ask the consultation about before treatment is booked."""

from __future__ import annotations

import datetime as dt

from clients.models import Client
from scheduling.availability import Problem
from smpclinic import formats
from smpclinic.clinic import clinic_zone

from .models import Consultation, PatchReading, PatchTest


def _local(moment: dt.datetime) -> str:
    local = moment.astimezone(clinic_zone())
    return formats.show(local, "DAY_LONG_YEAR_CLOCK_FORMAT")


def treatment_booking_problem(
    *, client: Client, starts_at: dt.datetime, exclude_appointment_id: int | None = None
) -> Problem | None:
    """Why a treatment session cannot be booked for this client at this time, or None.

    Called by scheduling.booking for every treatment or touch-up booking and move:

    - a consultation whose health questionnaire flagged a contraindication waits for
      an artist's (or manager's) sign-off;
    - the latest patch test must have been read "no reaction", and the session
      cannot start before the test could be read.

    A client with no consultation on record is not gated: clinics move existing
    clients in from other systems, whose consultations and patch tests happened
    before the record came here. In the same spirit a consultation without any patch
    test does not gate (the test may have been done elsewhere); the consultation page
    shows that none is recorded. `exclude_appointment_id` (the appointment being
    moved) does not change these answers. Two queries, whatever the history.
    """
    if Consultation.objects.filter(
        client=client, review_required=True, reviewed_at__isnull=True
    ).exists():
        return Problem(
            "review",
            "This client's treatment needs an artist's review of the health questionnaire "
            "first: an answer flagged a contraindication.",
            "starts_at",
        )
    test = (
        PatchTest.objects.filter(consultation__client=client)
        .only("reading", "read_after", "pigment")
        .order_by("-applied_at", "-id")
        .first()
    )
    if test is None:
        return None
    if test.reading == PatchReading.PENDING:
        return Problem(
            "patch_test_pending",
            f"The patch test ({test.pigment}) has not been read yet: record the reading "
            f"(from {_local(test.read_after)}) before booking treatment.",
            "starts_at",
        )
    if test.reading == PatchReading.REACTION:
        return Problem(
            "patch_test_reaction",
            f"The skin reacted to the patch test ({test.pigment}): treatment cannot be "
            "booked until a new patch test reads no reaction.",
            "starts_at",
        )
    if starts_at < test.read_after:
        return Problem(
            "patch_test_too_early",
            f"Treatment can start from {_local(test.read_after)} at the earliest "
            "(after the patch test can be read).",
            "starts_at",
        )
    return None
