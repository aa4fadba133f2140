"""The file fields of the posts and rotations uploads (one page holds both, so each has its own prefix)."""

from django import forms

from heft.setup.uploads import POSTS

MAX_BYTES = 5 * 1024 * 1024  # a few thousand rows are well under 1 MB


class UploadForm(forms.Form):
    file = forms.FileField()

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, prefix=kind, **kwargs)
        what = "posts" if kind == POSTS else "rotations"
        field = self.fields["file"]
        field.label = f"Upload a {what} file"
        field.error_messages = {
            **field.error_messages,
            "required": f"Choose the {what} file to upload.",
            "empty": "The file is empty.",
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB: is it the right one?")
        return upload
