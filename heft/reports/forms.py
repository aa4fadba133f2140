from django import forms

from heft.reports.selectors import GROUPINGS, intakes_reported_to, regions_reported_to, schemes_reported_to

PERIODS = [("all", "Every placement recorded, planned ones too"), ("to_date", "Up to today")]


class EquityFilterForm(forms.Form):
    """Filters for the equity report; the choices are only what the user's scope reaches."""

    region = forms.ChoiceField(required=False)
    scheme = forms.ChoiceField(required=False)
    intake = forms.ChoiceField(required=False)
    by = forms.ChoiceField(label="Group by", choices=list(GROUPINGS.items()), required=False)
    period = forms.ChoiceField(label="Time counted", choices=PERIODS, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = [(r.code, r.name) for r in regions_reported_to(user)]
        schemes = [(s.code, s.name) for s in schemes_reported_to(user)]
        self.fields["region"].choices = [("", "All regions")] + regions
        self.fields["scheme"].choices = [("", "All schemes")] + schemes
        self.fields["intake"].choices = [("", "All intakes")] + [(i, i) for i in intakes_reported_to(user)]

    def filters(self) -> dict:
        """The valid filters, falling back to none for any field that is not (an out-of-scope code, say)."""
        if not self.is_bound:
            return {"region_code": "", "scheme_code": "", "intake": "", "by": "scheme", "period": "all"}
        self.is_valid()  # fields that fail are left out of cleaned_data
        data = self.cleaned_data
        return {
            "region_code": data.get("region", ""),
            "scheme_code": data.get("scheme", ""),
            "intake": data.get("intake", ""),
            "by": data.get("by") or "scheme",
            "period": data.get("period") or "all",
        }
