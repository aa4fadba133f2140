"""API shapes of the public site's content. Regions are named by their code; null means national."""

from datetime import date, datetime

from ninja import Schema


class _RegionCode(Schema):
    @staticmethod
    def resolve_region(obj) -> str | None:
        return obj.region.code if obj.region_id else None


class PageOut(_RegionCode):
    id: int
    slug: str
    title: str
    summary: str
    body: str  # Markdown, as written
    body_html: str  # sanitised HTML, as the site shows it
    region: str | None
    is_published: bool
    updated_at: datetime

    @staticmethod
    def resolve_body_html(obj) -> str:
        return str(obj.body_html)


class NewsOut(PageOut):
    publish_date: date
    show_from: date
    show_until: date


class TestimonialOut(_RegionCode):
    id: int
    quote: str
    attribution: str
    region: str
    is_published: bool
    updated_at: datetime


class PageIn(Schema):
    title: str
    summary: str
    body: str
    region: str | None = None


class PagePatch(Schema):
    title: str | None = None
    summary: str | None = None
    body: str | None = None
    region: str | None = None
    published: bool | None = None


class NewsIn(PageIn):
    publish_date: date
    show_from: date
    show_until: date


class NewsPatch(PagePatch):
    publish_date: date | None = None
    show_from: date | None = None
    show_until: date | None = None


class TestimonialIn(Schema):
    quote: str
    attribution: str
    region: str


class TestimonialPatch(Schema):
    quote: str | None = None
    attribution: str | None = None
    region: str | None = None
    published: bool | None = None


class ContentErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}
