from django import forms

from heft.practices.deep_end import RuleChoice
from heft.practices.models import DataImport, DeepEndRuleApplication

MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # the largest public file (patients by LSOA) is well under this


class ImportUploadForm(forms.Form):
    source = forms.ChoiceField(
        label="Which file is it?",
        choices=DataImport.Source.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which kind of file this is."},
    )
    file = forms.FileField(
        label="CSV file",
        error_messages={"required": "Choose a CSV file to upload.", "empty": "The file is empty."},
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 200 MB: is it the right file?")
        return file


class DeepEndRuleForm(forms.Form):
    measure = forms.ChoiceField(
        label="Rank practices by", choices=DeepEndRuleApplication.Measure.choices, widget=forms.RadioSelect
    )
    method = forms.ChoiceField(
        label="Deep End practices are",
        choices=DeepEndRuleApplication.Method.choices,
        widget=forms.RadioSelect,
    )
    top_n = forms.IntegerField(
        label="How many practices (for a number of the most deprived)", required=False, min_value=1
    )
    per_region = forms.BooleanField(label="Rank within each region instead of across England", required=False)
    missing_to_no = forms.BooleanField(
        label="Set practices without figures to “not Deep End”",
        required=False,
        help_text="Left unticked, a practice the rule cannot place keeps its Deep End status.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("method") == DeepEndRuleApplication.Method.TOP_N and not cleaned.get("top_n"):
            self.add_error("top_n", "Say how many practices the rule takes.")
        return cleaned

    def choice(self) -> RuleChoice:
        data = self.cleaned_data
        top_n = data["top_n"] if data["method"] == DeepEndRuleApplication.Method.TOP_N else None
        return RuleChoice(data["measure"], data["method"], top_n, data["per_region"], data["missing_to_no"])


class DeepEndApplyForm(DeepEndRuleForm):
    """The rule again (hidden fields), with the digest of the changes shown. Posted without `confirm`, it
    asks for the confirmation; with it, the rule is applied."""

    expected = forms.CharField(max_length=64, error_messages={"required": "Look at the changes first."})
    estimate = forms.FloatField(required=False, min_value=0, max_value=3600)
    confirm = forms.BooleanField(required=False)


class DeepEndOverrideForm(forms.Form):
    DECISIONS = [("rule", "Follow the rule"), ("yes", "Deep End"), ("no", "Not Deep End")]

    decision = forms.ChoiceField(label="Deep End status", choices=DECISIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Reason (kept with the decision and in the audit trail)",
        max_length=1000,
        widget=forms.Textarea,
        error_messages={"required": "Say why: the reason is kept with the decision."},
    )

    @property
    def override(self) -> bool | None:
        return {"rule": None, "yes": True, "no": False}[self.cleaned_data["decision"]]
