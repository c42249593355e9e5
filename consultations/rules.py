"""Gates other apps ask the consultation about before treatment is booked."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

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
            _(
                "This client's treatment needs an artist's review of the health questionnaire "
                "first: an answer flagged a contraindication."
            ),
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
            _(
                "The patch test (%(pigment)s) has not been read yet: record the reading "
                "(from %(when)s) before booking treatment."
            )
            % {"pigment": test.pigment, "when": _local(test.read_after)},
            "starts_at",
        )
    if test.reading == PatchReading.REACTION:
        return Problem(
            "patch_test_reaction",
            _(
                "The skin reacted to the patch test (%(pigment)s): treatment cannot be "
                "booked until a new patch test reads no reaction."
            )
            % {"pigment": test.pigment},
            "starts_at",
        )
    if starts_at < test.read_after:
        return Problem(
            "patch_test_too_early",
            _(
                "Treatment can start from %(when)s at the earliest "
                "(after the patch test can be read)."
            )
            % {"when": _local(test.read_after)},
            "starts_at",
        )
    return None
