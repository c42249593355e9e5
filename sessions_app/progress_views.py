from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from accounts.access import staff_required
from audit.services import record_view

from .models import TreatmentPlan
from .progress import plan_progress


def _get_plan_for_user(user, pk: int) -> TreatmentPlan:
    # Staff see every plan (the decorator checks the role); clients get their own view later.
    return get_object_or_404(TreatmentPlan.objects.select_related("client", "lead_artist"), pk=pk)


@require_safe
@staff_required
def plan_progress_view(request, plan_pk: int):
    plan = _get_plan_for_user(request.user, plan_pk)
    record_view(request, what="plan progress", obj=plan, client=plan.client_id)
    progress = plan_progress(
        plan,
        angle=request.GET.get("angle"),
        first=request.GET.get("first"),
        second=request.GET.get("second"),
    )
    return render(request, "sessions_app/progress.html", {"plan": plan, "progress": progress})
