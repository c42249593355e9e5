from django.db import migrations, models
from django.db.models import Max, OuterRef, Q, Subquery


def date_completed_plans(apps, schema_editor):
    """Plans completed before the date was kept: the end of their last session held (not a
    touch-up), or their last change when none was held."""
    TreatmentPlan = apps.get_model("sessions_app", "TreatmentPlan")
    TreatmentSession = apps.get_model("sessions_app", "TreatmentSession")
    last_session = (
        TreatmentSession.objects.filter(plan=OuterRef("pk"), appointment__status="completed")
        .exclude(kind="touch_up")
        .values("plan")
        .annotate(last=Max("appointment__ends_at"))
        .values("last")
    )
    completed = TreatmentPlan.objects.filter(status="completed", completed_at=None)
    completed.update(completed_at=Subquery(last_session))
    completed.filter(Q(completed_at=None)).update(completed_at=models.F("updated_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("sessions_app", "0004_session_scales_wording"),
        ("scheduling", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="treatmentplan",
            name="completed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(date_completed_plans, migrations.RunPython.noop),
    ]
