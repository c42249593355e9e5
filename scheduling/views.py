from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from accounts.access import staff_required

from .models import Appointment


def _get_appointment_for_user(user, pk: int) -> Appointment:
    return get_object_or_404(
        Appointment.objects.select_related("client", "type", "artist", "room"), pk=pk
    )


@require_safe
@staff_required
def appointment_detail(request, pk: int):
    appointment = _get_appointment_for_user(request.user, pk)
    return render(request, "scheduling/appointment_detail.html", {"appointment": appointment})
