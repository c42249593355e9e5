"""A client's late cancellation is recorded on the appointment; the clients' change-notice
period joins the booking rules (its value is copied from the portal's settings by
portal 0003); a visit recorded after the fact keeps its own booking and history times."""

import django.core.validators
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0002_no_double_booking_and_defaults"),
    ]

    operations = [
        migrations.AddField(
            model_name="appointment",
            name="cancelled_late",
            field=models.BooleanField(
                default=False,
                help_text="The client cancelled inside the change-notice period.",
                verbose_name="cancelled late",
            ),
        ),
        migrations.AddField(
            model_name="bookingpolicy",
            name="change_notice_hours",
            field=models.PositiveSmallIntegerField(
                default=48,
                help_text="Closer to the appointment than this, the portal and the emailed link ask the client to call. A client may still cancel; it is recorded as a late cancellation.",
                validators=[django.core.validators.MaxValueValidator(720)],
                verbose_name="clients can move their appointments up to (hours before)",
            ),
        ),
        migrations.AlterField(
            model_name="appointment",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name="appointmentevent",
            name="at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
    ]
