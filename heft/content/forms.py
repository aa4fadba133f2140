from django import forms

from heft.content.models import NewsItem, Page, Testimonial
from heft.content.selectors import may_publish_national, regions_editable_by
from heft.content.services import EDITABLE_FIELDS

MARKDOWN_HELP = (
    "Markdown: a blank line between paragraphs, ## for a heading, - for a list item, "
    "[words](https://example.org) for a link. HTML and images are removed."
)
DATE_HELP = "For example, 15/03/2027"
DATE_ERRORS = {"invalid": "Enter a real date, for example 15/03/2027"}


class ContentForm(forms.ModelForm):
    """The region choices are the editor's own; only national admins may leave it national."""

    def __init__(self, *args, editor, **kwargs):
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        region.queryset = regions_editable_by(editor)
        national = may_publish_national(editor) and self._meta.model._meta.get_field("region").null
        region.required = not national
        region.empty_label = "National (all regions)" if national else None
        region.error_messages["invalid_choice"] = "Choose a region you look after."


class PageForm(ContentForm):
    class Meta:
        model = Page
        fields = EDITABLE_FIELDS[Page]
        help_texts = {"body": MARKDOWN_HELP}
        error_messages = {
            "title": {"required": "Enter a title"},
            "summary": {"required": "Enter a summary of one or two sentences"},
            "body": {"required": "Enter the text of the page"},
        }

    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 14}), max_length=20_000)


class NewsItemForm(ContentForm):
    class Meta:
        model = NewsItem
        fields = EDITABLE_FIELDS[NewsItem]
        help_texts = {"body": MARKDOWN_HELP}
        labels = {"show_from": "Show from", "show_until": "Show until (the last day it shows)"}
        error_messages = {
            "title": {"required": "Enter a title"},
            "summary": {"required": "Enter a summary of one or two sentences"},
            "body": {"required": "Enter the text of the news"},
        }

    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}), max_length=20_000)
    publish_date = forms.DateField(
        help_text=f"The date the news is dated. {DATE_HELP}",
        error_messages={**DATE_ERRORS, "required": "Enter the date of the news"},
        widget=forms.DateInput(format="%d/%m/%Y"),
    )
    show_from = forms.DateField(
        label="Show from",
        help_text=f"The first day it shows on the site. {DATE_HELP}",
        error_messages={**DATE_ERRORS, "required": "Enter the first day to show the news"},
        widget=forms.DateInput(format="%d/%m/%Y"),
    )
    show_until = forms.DateField(
        label="Show until",
        help_text=f"The last day it shows on the site, and in the news feed. {DATE_HELP}",
        error_messages={**DATE_ERRORS, "required": "Enter the last day to show the news"},
        widget=forms.DateInput(format="%d/%m/%Y"),
    )


class TestimonialForm(ContentForm):
    class Meta:
        model = Testimonial
        fields = EDITABLE_FIELDS[Testimonial]
        error_messages = {
            "region": {"required": "Choose the region the testimonial is about"},
            "attribution": {"required": "Say who said it, for example Dr A. Example, ST2, Bristol"},
        }

    quote = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=1_200,
        help_text="Their words, as plain text. Get their agreement before publishing.",
        error_messages={"required": "Enter the words of the testimonial"},
    )
