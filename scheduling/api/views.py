"""The JSON API: free times and bookings for the public, the diary for staff.

Thin views: serializers turn the request into domain values, scheduling.availability
and scheduling.booking decide, and the answer is serialized back.
"""

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import OperationalError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    parser_classes,
    permission_classes,
    throttle_classes,
)
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse

from accounts.authentication import TwoFactorTokenAuthentication
from smpclinic.database import RETRY_AFTER_SECONDS, database_busy

from ..availability import Problem, clinic_zone, local_datetime
from ..availability_cache import cached_free_slots
from ..booking import (
    BUSY_MESSAGE,
    CONFLICT_CODES,
    BookingRefused,
    booking_create_for_public,
)
from ..models import Appointment, BookingSource
from ..policy import Channel, booking_terms
from .parsers import LimitedJSONParser
from .permissions import IsClinicStaff, is_clinic_staff
from .serializers import (
    AppointmentListSerializer,
    AppointmentsQuerySerializer,
    AvailabilityQuerySerializer,
    AvailabilitySerializer,
    BookingCreatedSerializer,
    BookingRequestSerializer,
    SlotUnavailableSerializer,
)
from .throttles import AnonymousThrottle, BookingThrottle, SignedInThrottle

logger = logging.getLogger(__name__)

# Token first, so a call without credentials is answered 401 with
# "WWW-Authenticate: Token" rather than a bare 403. Tokens follow the clinic's
# two-factor rule (accounts.authentication).
AUTHENTICATION = [TwoFactorTokenAuthentication, SessionAuthentication]

FIELD_ERRORS = OpenApiResponse(description="Field errors: {field: [message, ...]}.")


@extend_schema(exclude=True)
@api_view(["GET"])
@authentication_classes(AUTHENTICATION)
@permission_classes([AllowAny])
def docs(request):
    """Free times and bookings for the public; the diary for the clinic's staff.

    The OpenAPI 3 description is at the "schema" link below (YAML; add ?format=json for
    JSON): load it into any OpenAPI viewer or client generator. Staff sign in with their
    session or send "Authorization: Token <key>".
    """
    return Response(
        {
            "schema": reverse("api:schema", request=request),
            "endpoints": {
                "availability": reverse("api:availability", request=request),
                "bookings": reverse("api:bookings", request=request),
                "appointments": reverse("api:appointments", request=request),
            },
        }
    )


docs.cls.name = "SMP Clinic API"  # the browsable page's title, instead of "Docs"


@extend_schema(
    operation_id="availability_list",
    summary="Free start times",
    description=(
        "Free start times for one appointment type over `days` clinic dates from `start`. "
        "Anyone may ask about online-bookable types (online notice and horizon apply); "
        "staff may ask about any active type (front-desk notice applies). Times carry the "
        "clinic's UTC offset for that date."
    ),
    parameters=[AvailabilityQuerySerializer],
    responses={200: AvailabilitySerializer, 400: FIELD_ERRORS},
)
@api_view(["GET"])
@authentication_classes(AUTHENTICATION)
@permission_classes([AllowAny])
@throttle_classes([AnonymousThrottle, SignedInThrottle])
def availability(request):
    staff = is_clinic_staff(request.user)
    query = AvailabilityQuerySerializer(data=request.query_params, context={"staff": staff})
    query.is_valid(raise_exception=True)
    artist = query.validated_data.get("artist")
    slots = cached_free_slots(
        appointment_type=query.validated_data["type"],
        start_date=query.validated_data["start"],
        days=query.validated_data["days"],
        artist_id=artist.pk if artist else None,
        source=BookingSource.FRONT_DESK if staff else BookingSource.API,
    )
    terms = booking_terms(query.validated_data["type"])
    return Response(AvailabilitySerializer({"slots": slots, "terms": terms}).data)


def _refusal_response(refused: BookingRefused) -> Response:
    """Taken by someone else: 409. Never bookable (hours, notice, type): 400 on the field."""
    problem: Problem = refused.problem
    if problem.code in CONFLICT_CODES:
        return Response(
            {"error": "slot_unavailable", "detail": problem.message, "reason": problem.code},
            status=status.HTTP_409_CONFLICT,
        )
    if problem.field == "type":
        field = "type"
    elif problem.field == "accept_terms":
        field = "accepted_terms"
    elif problem.code in ("not_an_artist", "no_artist"):
        field = "artist"
    else:  # hours, closed day, time off, notice, horizon: the time itself is wrong
        field = "start"
    return Response({field: [problem.message]}, status=status.HTTP_400_BAD_REQUEST)


@extend_schema(
    operation_id="booking_create",
    summary="Book an appointment",
    description=(
        "Books an online-bookable appointment at a start offered by the availability "
        "endpoint. Without `artist`, the first artist free at that time is taken. The "
        "client is matched by email only, else created. 409 means the time has just "
        "been taken: offer the caller other times."
    ),
    request=BookingRequestSerializer,
    responses={
        201: BookingCreatedSerializer,
        400: FIELD_ERRORS,
        409: OpenApiResponse(
            SlotUnavailableSerializer,
            description='The time has just been taken ("error": "slot_unavailable"), or, rarely, '
            'the same new contact details were being saved at once ("details_conflict").',
        ),
        413: OpenApiResponse(description="The body is larger than 16 KB."),
        503: OpenApiResponse(
            description='Too many bookings at once for the embedded database ("error": "busy"): '
            "nothing was booked; try again after Retry-After seconds."
        ),
        # 415 and 429 are added for every endpoint by scheduling.api.schema.
    },
)
@api_view(["POST"])
@authentication_classes(AUTHENTICATION)
@permission_classes([AllowAny])
@throttle_classes([BookingThrottle, SignedInThrottle])
@parser_classes([LimitedJSONParser])
def bookings(request):
    booking_request = BookingRequestSerializer(data=request.data)
    booking_request.is_valid(raise_exception=True)
    data = booking_request.validated_data
    try:
        details = data["client"]
        appointment = booking_create_for_public(
            appointment_type=data["type"],
            starts_at=data["start"],
            first_name=details["first_name"],
            last_name=details["last_name"],
            email=details["email"],
            phone=details.get("phone") or "",
            artist=data["artist"],
            note=data["note"],
            source=BookingSource.API,
            by=request.user if request.user.is_authenticated else None,
            channel=Channel.API,
            context={"accepted_terms": data["accepted_terms"]},
        )
    except BookingRefused as refused:
        return _refusal_response(refused)
    except ValidationError:
        # Another booking saved the same new email or phone at the same moment. The
        # message names that client record, so it is not passed on.
        logger.warning("API booking: client details clashed while saving", exc_info=True)
        return Response(
            {
                "error": "details_conflict",
                "detail": "We could not save your details just now. "
                "Please try again or call the clinic.",
            },
            status=status.HTTP_409_CONFLICT,
        )
    except OperationalError as error:
        # SQLite's write lock stayed taken past its timeout: nothing was saved.
        if not database_busy(error):
            raise
        logger.warning("API booking: the database stayed busy, nothing booked")
        return Response(
            {"error": "busy", "detail": BUSY_MESSAGE},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return Response(
        BookingCreatedSerializer(appointment, context={"request": request}).data,
        status=status.HTTP_201_CREATED,
    )


def _appointments_between(*, first: dt.date, last: dt.date, artist=None):
    zone = clinic_zone()
    appointments = (
        Appointment.objects.filter(
            starts_at__gte=local_datetime(first, dt.time(0), zone),
            starts_at__lt=local_datetime(last + dt.timedelta(days=1), dt.time(0), zone),
        )
        .select_related("type", "room", "client")
        .order_by("starts_at", "id")
    )
    if artist is not None:
        appointments = appointments.filter(artist=artist)
    return appointments


@extend_schema(
    operation_id="appointments_list",
    summary="The diary (staff)",
    description=(
        "Every appointment (any status) starting on the clinic dates `start` to `end`, "
        "both included, at most 62 days. Staff only: session or `Authorization: Token <key>`."
    ),
    parameters=[AppointmentsQuerySerializer],
    responses={
        200: AppointmentListSerializer,
        400: FIELD_ERRORS,
        401: OpenApiResponse(description="Not signed in."),
        403: OpenApiResponse(description="Signed in, but not as clinic staff."),
    },
)
@api_view(["GET"])
@authentication_classes(AUTHENTICATION)
@permission_classes([IsClinicStaff])
@throttle_classes([SignedInThrottle])
def appointments(request):
    query = AppointmentsQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    rows = _appointments_between(
        first=query.validated_data["start"],
        last=query.validated_data["end"],
        artist=query.validated_data.get("artist"),
    )
    return Response(AppointmentListSerializer({"appointments": rows}).data)
