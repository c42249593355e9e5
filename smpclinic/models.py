"""Model pieces shared by the apps."""

from django.db import models
from django.utils.encoding import force_str


class ChoiceLabels:
    """`get_<field>_display()` that looks the value up instead of rebuilding the choices.

    Django's own builds a dict of every choice per call, hashing each lazy label, which
    translates it: an appointment's status label cost a translation of all its statuses,
    on every row of every list. Here each field's choices become a dict once (the labels
    stay lazy, so each call still gives the active language); a value Django would not
    find, or choices that cannot be a dict, give what Django gives.
    Put it before `models.Model` in a model's bases.
    """

    def _get_FIELD_display(self, field):  # noqa: N802 - Django's name
        cached = field.__dict__.get("_choice_labels")
        if cached is None or cached[0] is not field.choices:
            try:
                cached = (field.choices, dict(field.flatchoices))
            except TypeError:
                return super()._get_FIELD_display(field)
            field._choice_labels = cached
        value = getattr(self, field.attname)
        try:
            label = cached[1].get(value, value)
        except TypeError:
            return super()._get_FIELD_display(field)
        return force_str(label, strings_only=True)


class SingleRowSettings(models.Model):
    """Clinic-wide settings kept in one row (pk 1), edited by the manager in the admin
    (see smpclinic.admin.SingleRowAdmin); `current()` makes it on first use."""

    class Meta:
        abstract = True

    @classmethod
    def current(cls):
        row, _ = cls.objects.get_or_create(pk=1)
        return row


class ClinicProfile(SingleRowSettings):
    """Who the clinic is, as its clients see it: one row, edited by the manager on the
    clinic settings page. A blank field falls back to the installation's setting
    (CLINIC_NAME, CLINIC_PHONE…), so a fresh install shows what its environment says."""

    name = models.CharField("clinic name", max_length=100, blank=True)
    address = models.CharField(max_length=200, blank=True)
    phone = models.CharField(
        max_length=40, blank=True, help_text="How clients reach the clinic by phone."
    )
    email = models.EmailField(
        blank=True, help_text="Where clients' replies go; shown on booking pages and emails."
    )
    website = models.URLField("website", blank=True)
    privacy_notice_url = models.URLField(
        "privacy notice link",
        blank=True,
        help_text="Shown on the online booking form, next to the consent to be contacted.",
    )
    first_day_of_week = models.CharField(
        "first day of the week",
        max_length=10,
        blank=True,
        choices=[("monday", "Monday"), ("sunday", "Sunday"), ("saturday", "Saturday")],
        help_text="The diary's weeks and the calendars start on this day. "
        "Empty: the installation's (CLINIC_FIRST_DAY_OF_WEEK, else the locale's).",
    )
    # The logo as a small PNG (at most 600 × 200 pixels, made so when uploaded): it is
    # public, shown on booking pages, emails and PDFs, and small enough to keep in the row.
    logo_png = models.BinaryField(blank=True, default=b"", editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "clinic details"
        verbose_name_plural = "clinic details"

    def __str__(self):
        return "Clinic details"
