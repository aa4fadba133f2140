"""The public site's own content, written by leads in HEFT Hub: pages, news items and testimonials.

Each belongs to a region, or to no region (national content, which only national admins manage). Nothing
shows on the public site until an editor publishes it; a news item shows only between its two dates.
"""

import datetime

from django.db import models
from django.db.models import F, Q

from heft.content.markdown import render_markdown


class ContentItem(models.Model):
    """What every piece of public content has: whose it is, whether it is published, when it changed."""

    region = models.ForeignKey(
        "programmes.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Leave empty for national content",
    )
    is_published = models.BooleanField("published", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Page(ContentItem):
    """A page of the public site with a Markdown body, shown at /pages/<slug>/."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=120)
    summary = models.CharField(
        max_length=300, help_text="One or two sentences: shown in lists and to search engines"
    )
    body = models.TextField(help_text="Markdown")

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def body_html(self):
        return render_markdown(self.body)


class NewsItem(ContentItem):
    """News shown only between its show dates (inclusive, in UK time), once published."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=120)
    summary = models.CharField(max_length=300, help_text="One or two sentences: shown in lists and feeds")
    body = models.TextField(help_text="Markdown")
    publish_date = models.DateField(help_text="The date the news is dated")
    show_from = models.DateField("show from")
    show_until = models.DateField("show until")

    class Meta:
        ordering = ["-publish_date", "-pk"]
        verbose_name = "news item"
        constraints = [
            models.CheckConstraint(
                name="news_shows_from_before_until",
                condition=Q(show_until__gte=F("show_from")),
                violation_error_message="The last day to show the news must be on or after the first.",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def body_html(self):
        return render_markdown(self.body)

    def dates_place(self, day: datetime.date) -> str:
        """Where `day` falls against the show dates: "before", "within" or "after" them."""
        if day < self.show_from:
            return "before"
        return "after" if day > self.show_until else "within"


class Testimonial(ContentItem):
    """A trainee's or trainer's words about HEFT in their region."""

    region = models.ForeignKey("programmes.Region", on_delete=models.PROTECT, related_name="+")
    quote = models.TextField()
    attribution = models.CharField(
        max_length=200, help_text='Who said it, e.g. "Dr A. Example, ST2, Bristol"'
    )

    class Meta:
        ordering = ["region__name", "pk"]

    def __str__(self):
        return f"{self.attribution} ({self.region})"
