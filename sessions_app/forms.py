"""Treatment forms: they turn what staff type into domain values; the rules stay in plans.py."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from scheduling.availability import Problem
from scheduling.forms import ArtistChoiceField, active_artists

from .models import (
    DENSITY_SCALE,
    MINUTES_TAKEN,
    PLAN_SESSIONS,
    SESSION_MINUTES,
    Density,
    ExtraReason,
    HealingStatus,
    PlanStatus,
    Region,
    SessionLog,
    SkinReaction,
)

DENSITY_CHOICES = [(value, str(value)) for value in Density.values]
DENSITY_ERRORS = {"invalid_choice": DENSITY_SCALE.message}


START_LABEL = _("Start (date and time)")
MINUTES_LABEL = _("Length (minutes)")


def _split_start(label=START_LABEL, required=True):
    return forms.SplitDateTimeField(
        label=label,
        required=required,
        widget=forms.SplitDateTimeWidget(
            date_attrs={"type": "date", "aria-label": _("Date")},
            time_attrs={"type": "time", "aria-label": _("Time")},
            date_format="%Y-%m-%d",
            time_format="%H:%M",
        ),
        error_messages={
            "required": _("Give the date and the time."),
            "incomplete": _("Give the date and the time."),
            "invalid_date": _("Enter a date like 2027-03-01."),
            "invalid_time": _("Enter a time like 10:30."),
        },
        help_text=_("Clinic time."),
    )


def _minutes_field(label=MINUTES_LABEL, required=True):
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=SESSION_MINUTES.low,
        max_value=SESSION_MINUTES.high,
        error_messages={
            "required": _("Give the length in minutes."),
            "invalid": _("Give the length as a whole number of minutes."),
            "min_value": f"A session is at least {SESSION_MINUTES.low} minutes.",
            "max_value": f"A session is at most {SESSION_MINUTES.high} minutes "
            f"({SESSION_MINUTES.high // 60} hours).",
        },
    )


class PlanForm(forms.Form):
    lead_artist = ArtistChoiceField(
        queryset=User.objects.none(),
        empty_label=_("Choose an artist"),
        error_messages={
            "required": _("Choose an artist."),
            "invalid_choice": _("Choose an artist."),
        },
    )
    planned_sessions = forms.TypedChoiceField(
        label=_("Planned sessions"),
        choices=PLAN_SESSIONS.choices(),
        coerce=int,
        initial=3,
        error_messages={"invalid_choice": PLAN_SESSIONS.message},
        help_text=_("Usually 2–4; more for scar tissue or patchy healing."),
    )
    pigment = forms.CharField(label=_("Pigment"), max_length=200, required=False)
    hairline_design = forms.CharField(
        label=_("Hairline design"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    target_look = forms.CharField(label=_("Target look"), max_length=200, required=False)
    target_density = forms.TypedChoiceField(
        label=_("Target density"),
        choices=[("", _("Not set")), *Density.choices],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages=DENSITY_ERRORS,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_artist"].queryset = active_artists()

    def clean_pigment(self):
        return self.cleaned_data["pigment"].strip()

    def clean_target_look(self):
        return self.cleaned_data["target_look"].strip()


class PlanStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=PlanStatus.choices,
        error_messages={"invalid_choice": _("Choose a status.")},
    )


class ExtraSessionForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why an extra session"),
        choices=[("", _("Choose a reason")), *ExtraReason.choices],
        error_messages={
            "required": _("Say why the extra session is needed."),
            "invalid_choice": _("Say why the extra session is needed."),
        },
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class TouchUpForm(forms.Form):
    minutes = forms.IntegerField(
        label=_("Length (minutes)"),
        required=False,
        min_value=SESSION_MINUTES.low,
        max_value=SESSION_MINUTES.high,
        help_text=_("Empty: the usual touch-up length."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class SessionBookForm(forms.Form):
    """One session's time; a manager may also say why it is closer than the usual gap."""

    starts_at = _split_start()
    minutes = _minutes_field()
    artist = ArtistChoiceField(
        queryset=User.objects.none(),
        empty_label=_("Choose an artist"),
        error_messages={
            "required": _("Choose an artist."),
            "invalid_choice": _("Choose an artist."),
        },
    )
    gap_override_reason = forms.CharField(
        label=_("Why closer than the usual gap"),
        max_length=300,
        required=False,
        help_text=_("Managers only; leave empty to keep the usual gap."),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["artist"].queryset = active_artists()
        if user.role != Role.MANAGER:
            del self.fields["gap_override_reason"]

    def clean_gap_override_reason(self):
        return self.cleaned_data["gap_override_reason"].strip()

    def add_problem(self, problem: Problem) -> None:
        """Show a refusal from plans.py / booking.py on the field it is about."""
        field = problem.field if problem.field in self.fields else None
        if problem.code == "gap" and "gap_override_reason" in self.fields:
            self.add_error(
                "gap_override_reason", _("To book it anyway, say why the sessions are closer.")
            )
        self.add_error(field, ValidationError(problem.message, code=problem.code))


class BookRemainingForm(forms.Form):
    """A row (start, minutes) per unbooked session, pre-filled with the proposed times."""

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposals = proposals
        for proposal in proposals:
            key = proposal.session.pk
            self.fields[f"start_{key}"] = _split_start(
                label=_("Session %(number)s") % {"number": proposal.session.number}
            )
            self.fields[f"minutes_{key}"] = _minutes_field()
            self.initial.setdefault(f"start_{key}", proposal.start)
            self.initial.setdefault(f"minutes_{key}", proposal.minutes)

    @property
    def rows(self):
        return [
            {
                "session": proposal.session,
                "start": self[f"start_{proposal.session.pk}"],
                "minutes": self[f"minutes_{proposal.session.pk}"],
            }
            for proposal in self.proposals
        ]

    def choices(self):
        """(session, start, minutes) for plans.plan_book_remaining."""
        return [
            (
                proposal.session,
                self.cleaned_data[f"start_{proposal.session.pk}"],
                self.cleaned_data[f"minutes_{proposal.session.pk}"],
            )
            for proposal in self.proposals
        ]

    def add_refusal(self, message: str) -> None:
        """'Session N: …' goes at the top and on session N's row."""
        self.add_error(None, message)
        prefix = re.escape(str(_("Session %(number)s: %(problem)s")))
        pattern = prefix.replace(re.escape("%(number)s"), r"(\d+)").replace(
            re.escape("%(problem)s"), r"\s*(.*)"
        )
        match = re.match(pattern, str(message))
        if not match:
            return
        number = int(match.group(1))
        for proposal in self.proposals:
            if proposal.session.number == number:
                self.add_error(f"start_{proposal.session.pk}", match.group(2))


class SessionLogForm(forms.Form):
    """What was done: per region treated and density reached, then pigment, needles, skin."""

    pigment_brand = forms.CharField(label=_("Pigment brand"), max_length=100, required=False)
    pigment_shade = forms.CharField(label=_("Pigment shade"), max_length=100, required=False)
    pigment_dilution = forms.CharField(label=_("Pigment dilution"), max_length=50, required=False)
    pigment_lot = forms.CharField(label=_("Lot number"), max_length=50, required=False)
    needle_configuration = forms.CharField(
        label=_("Needle configuration"), max_length=100, required=False
    )
    technique_notes = forms.CharField(
        label=_("Technique notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    skin_reaction = forms.ChoiceField(
        label=_("Skin reaction"),
        choices=SkinReaction.choices,
        initial=SkinReaction.NONE,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose none, mild, moderate or strong.")},
    )
    redness_notes = forms.CharField(label=_("Redness notes"), max_length=300, required=False)
    minutes_taken = forms.IntegerField(
        label=_("Minutes actually taken"),
        min_value=MINUTES_TAKEN.low,
        max_value=MINUTES_TAKEN.high,
        error_messages={
            "required": _("Give the minutes the session took."),
            "invalid": _("Give the minutes as a whole number."),
            "min_value": MINUTES_TAKEN.message,
            "max_value": MINUTES_TAKEN.message,
        },
    )
    focus_next_time = forms.CharField(
        label=_("Focus next time"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    shared_with_client = forms.BooleanField(
        label=_("Notes may be shown to the client"), required=False
    )

    TEXT_FIELDS = (
        "pigment_brand",
        "pigment_shade",
        "pigment_dilution",
        "pigment_lot",
        "needle_configuration",
        "technique_notes",
        "redness_notes",
        "focus_next_time",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for region, label in Region.choices:
            self.fields[f"treated_{region}"] = forms.BooleanField(
                label=_("Treated"), required=False
            )
            self.fields[f"density_{region}"] = forms.TypedChoiceField(
                label=_("Density reached in %(region)s") % {"region": label.lower()},
                choices=DENSITY_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                error_messages=DENSITY_ERRORS,
            )

    @staticmethod
    def initial_from(log: SessionLog) -> dict:
        initial = {name: getattr(log, name) for name in SessionLogForm.TEXT_FIELDS}
        initial.update(
            skin_reaction=log.skin_reaction,
            minutes_taken=log.minutes_taken,
            shared_with_client=log.shared_with_client,
        )
        for treated in log.regions.all():
            initial[f"treated_{treated.region}"] = True
            initial[f"density_{treated.region}"] = treated.density
        return initial

    @property
    def region_rows(self):
        return [
            {
                "region": region,
                "label": label,
                "treated": self[f"treated_{region}"],
                "density": self[f"density_{region}"],
            }
            for region, label in Region.choices
        ]

    @property
    def detail_fields(self):
        return [self[name] for name in self.fields if not name.startswith(("treated_", "density_"))]

    def clean(self):
        cleaned = super().clean()
        regions = {}
        for region, label in Region.choices:
            density_field = f"density_{region}"
            if density_field in self.errors:
                continue
            density = cleaned.get(density_field)
            treated = cleaned.get(f"treated_{region}")
            if treated and density is None:
                self.add_error(
                    density_field,
                    _("Choose the density reached in %(region)s.") % {"region": label.lower()},
                )
            elif density is not None and not treated:
                self.add_error(
                    density_field,
                    _("Tick “treated” for %(region)s, or clear its density.")
                    % {"region": label.lower()},
                )
            elif treated:
                regions[region] = density
        if not regions and not any(name.startswith("density_") for name in self.errors):
            self.add_error(None, _("Tick at least one region treated and choose its density."))
        cleaned["regions"] = regions
        for name in self.TEXT_FIELDS:
            cleaned[name] = (cleaned.get(name) or "").strip()
        return cleaned

    def log_fields(self) -> dict:
        """Keyword arguments for plans.session_log_save, besides session/by/regions/minutes."""
        fields = {name: self.cleaned_data[name] for name in self.TEXT_FIELDS}
        fields.update(
            skin_reaction=self.cleaned_data["skin_reaction"],
            shared_with_client=self.cleaned_data["shared_with_client"],
        )
        return fields


class HealingForm(forms.Form):
    """How each region healed since the last session; regions left empty are not saved."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for region, label in Region.choices:
            self.fields[f"status_{region}"] = forms.ChoiceField(
                label=_("How %(region)s healed") % {"region": label.lower()},
                choices=[("", _("Not judged")), *HealingStatus.choices],
                required=False,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": _("Choose retained, faded, patchy or over-saturated.")
                },
            )
            self.fields[f"note_{region}"] = forms.CharField(
                label=_("Note on %(region)s") % {"region": label.lower()},
                max_length=300,
                required=False,
            )

    @staticmethod
    def initial_from(healing) -> dict:
        initial = {}
        for row in healing:
            initial[f"status_{row.region}"] = row.status
            initial[f"note_{row.region}"] = row.note
        return initial

    @property
    def region_rows(self):
        return [
            {
                "region": region,
                "label": label,
                "status": self[f"status_{region}"],
                "note": self[f"note_{region}"],
            }
            for region, label in Region.choices
        ]

    def clean(self):
        cleaned = super().clean()
        assessments = collect_healing(self, cleaned, Region.choices, note_prefix="note")
        if not assessments and not self.errors:
            self.add_error(None, _("Judge at least one region."))
        cleaned["assessments"] = assessments
        return cleaned


def collect_healing(form, cleaned: dict, regions, *, note_prefix: str) -> dict:
    """{region: (status, note)} from a form's per-region `status_<region>` and
    `<note_prefix>_<region>` fields; a note without a status is an error on that region."""
    healing = {}
    for region, label in regions:
        status = cleaned.get(f"status_{region}")
        note = (cleaned.get(f"{note_prefix}_{region}") or "").strip()
        if status:
            healing[region] = (status, note)
        elif note and f"status_{region}" not in form.errors:
            form.add_error(
                f"status_{region}",
                _("Say how %(region)s healed, or clear the note.") % {"region": label.lower()},
            )
    return healing
