from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from accounts.access import staff_required

from .models import TreatmentPlan


def _get_plan_for_user(user, pk: int) -> TreatmentPlan:
    return get_object_or_404(TreatmentPlan.objects.select_related("client", "lead_artist"), pk=pk)


@require_safe
@staff_required
def plan_detail(request, pk: int):
    plan = _get_plan_for_user(request.user, pk)
    return render(request, "sessions_app/plan_detail.html", {"plan": plan})
