"""Factories for the public site's content (fictional text only)."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from heft.content.models import NewsItem, Page, Testimonial
from tests.factories import RegionFactory


def days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


class PageFactory(DjangoModelFactory):
    class Meta:
        model = Page

    slug = factory.Sequence(lambda n: f"page-{n}")
    title = factory.Sequence(lambda n: f"Fictional page {n}")
    summary = "A fictional page for tests."
    body = "Some **plain** text."
    is_published = True


class NewsFactory(DjangoModelFactory):
    class Meta:
        model = NewsItem

    slug = factory.Sequence(lambda n: f"news-{n}")
    title = factory.Sequence(lambda n: f"Fictional news {n}")
    summary = "Fictional news for tests."
    body = "What happened, in a sentence."
    publish_date = factory.LazyFunction(lambda: days_from_today(-1))
    show_from = factory.LazyFunction(lambda: days_from_today(-1))
    show_until = factory.LazyFunction(lambda: days_from_today(30))
    is_published = True


class TestimonialFactory(DjangoModelFactory):
    __test__ = False  # not a test class, despite its name

    class Meta:
        model = Testimonial

    region = factory.SubFactory(RegionFactory)
    quote = "HEFT was the best part of my training."
    attribution = factory.Sequence(lambda n: f"Dr {n}. Example (fictional), ST2")
    is_published = True
