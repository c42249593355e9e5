from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row, Submit
from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from sessions_app.models import TreatmentSession
from smpclinic import formats

from .models import PhotoAngle, PhotoStage
from .processing import ACCEPT_ATTRIBUTE
from .services import MAX_FILES_AT_ONCE, NOTE_MAX_LENGTH


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several files from one input; the photo pipeline checks each of them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultiplePhotoInput(
                attrs={"accept": ACCEPT_ATTRIBUTE, "capture": "environment", "multiple": True}
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else single(data, initial)


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, session):
        when = formats.show(formats.local(session.plan.created_at), "DATE_MEDIUM_FORMAT")
        return _("Session %(number)s (%(kind)s), plan of %(when)s") % {
            "number": session.number,
            "kind": session.get_kind_display(),
            "when": when,
        }


class PhotoUploadForm(forms.Form):
    uploads = MultiplePhotoField(
        label=_("Photos"),
        help_text=format_lazy(
            _(
                "JPEG, PNG, WebP or HEIC (iPhone), up to 25 MB each; up to {count} at a time. "
                "On a phone or tablet this opens the camera."
            ),
            count=MAX_FILES_AT_ONCE,
        ),
        error_messages={"required": _("Choose at least one photo.")},
    )
    angle = forms.ChoiceField(label=_("Angle"), choices=PhotoAngle.choices)
    stage = forms.ChoiceField(label=_("Stage"), choices=PhotoStage.choices)
    session = SessionChoiceField(
        queryset=TreatmentSession.objects.none(),
        required=False,
        label=_("Session"),
        empty_label=_("Not for a particular session"),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_MAX_LENGTH)
    shared_with_client = forms.BooleanField(
        label=_("The client may see it"), required=False, initial=True
    )

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = (
            TreatmentSession.objects.filter(plan__client=client)
            .select_related("plan")
            .order_by("-plan__created_at", "number")
        )
        self.fields["angle"].widget.attrs["data-lineup-angle"] = ""
        self.fields["uploads"].widget.attrs["data-lineup-input"] = ""
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("uploads"),
            Row(Column("angle", css_class="col-sm-6"), Column("stage", css_class="col-sm-6")),
            Field("session"),
            Field("note"),
            Field("shared_with_client"),
            Submit("save", _("Add photos")),
        )
