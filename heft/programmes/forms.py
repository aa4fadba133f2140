from django import forms

from heft.programmes.models import Rotation


class RotationAvailabilityForm(forms.Form):
    availability = forms.ChoiceField(choices=Rotation.Availability.choices)
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea,
        error_messages={"required": "Say why the availability is changing: trainees will see it."},
    )


class RotationFilterForm(forms.Form):
    scheme = forms.CharField(required=False)
    intake = forms.CharField(required=False)
    heft = forms.BooleanField(required=False, label="HEFT rotations only")
