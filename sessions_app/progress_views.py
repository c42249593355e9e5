from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.access import health_staff_required
from audit.services import record_view

from .access import get_plan_for_user
from .progress import plan_progress


@require_safe
@health_staff_required
def plan_progress_view(request, plan_pk: int):
    plan = get_plan_for_user(request.user, plan_pk)
    record_view(request, what="plan progress", obj=plan, client=plan.client_id)
    progress = plan_progress(
        plan,
        angle=request.GET.get("angle"),
        first=request.GET.get("first"),
        second=request.GET.get("second"),
    )
    return render(request, "sessions_app/progress.html", {"plan": plan, "progress": progress})
