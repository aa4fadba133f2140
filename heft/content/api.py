"""This app's part of the REST API (mounted under /api/v1/ by heft/api/api.py).

Reading is open to everyone and returns what the public site shows. Writing needs MANAGE_CONTENT, within
the editor's regions, and goes through the same forms and services as the editing pages: new content is a
draft; `"published": true` in a PATCH publishes it.
"""

from django.db import models
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from heft.accounts.permissions import Perm
from heft.api_common.auth import require
from heft.api_common.pagination import Pagination
from heft.content.forms import NewsItemForm, PageForm, TestimonialForm
from heft.content.models import NewsItem, Page, Testimonial
from heft.content.schemas import (
    ContentErrorOut,
    NewsIn,
    NewsOut,
    NewsPatch,
    PageIn,
    PageOut,
    PagePatch,
    TestimonialIn,
    TestimonialOut,
    TestimonialPatch,
)
from heft.content.selectors import (
    content_managed_by,
    news_visible,
    pages_published,
    region_pk,
    testimonials_published,
)
from heft.content.services import EDITABLE_FIELDS, content_change, content_create
from heft.programmes.models import Region

router = Router(tags=["content"])
# Public reads answer 422 only to a query that cannot be read (e.g. limit=many), 429 past the rate limit.
READ_RESPONSES = {422: ContentErrorOut, 429: ContentErrorOut}
# Writes also answer 400 to a body that is not JSON.
WRITE_RESPONSES = {
    **READ_RESPONSES,
    **dict.fromkeys((400, 401, 403, 404), ContentErrorOut),
}
DETAIL_RESPONSES = {404: ContentErrorOut, **READ_RESPONSES}
FORMS = {Page: PageForm, NewsItem: NewsItemForm, Testimonial: TestimonialForm}


@router.get("/content/pages", response={200: list[PageOut], **READ_RESPONSES}, auth=None)
@paginate(Pagination)
def list_pages(request, region: str = ""):
    return pages_published(region_code=region)


@router.post("/content/pages", response={201: PageOut, **WRITE_RESPONSES})
def create_page(request, payload: PageIn):
    return _create(request, Page, payload)


@router.get("/content/pages/{slug}", response={200: PageOut, **DETAIL_RESPONSES}, auth=None)
def get_page(request, slug: str):
    return get_object_or_404(pages_published(), slug=slug)


@router.patch("/content/pages/{slug}", response={200: PageOut, **WRITE_RESPONSES})
def update_page(request, slug: str, payload: PagePatch):
    return _update(request, Page, {"slug": slug}, payload)


@router.get("/content/news", response={200: list[NewsOut], **READ_RESPONSES}, auth=None)
@paginate(Pagination)
def list_news(request, region: str = ""):
    return news_visible(region_code=region)


@router.post("/content/news", response={201: NewsOut, **WRITE_RESPONSES})
def create_news(request, payload: NewsIn):
    return _create(request, NewsItem, payload)


@router.get("/content/news/{slug}", response={200: NewsOut, **DETAIL_RESPONSES}, auth=None)
def get_news(request, slug: str):
    return get_object_or_404(news_visible(), slug=slug)


@router.patch("/content/news/{slug}", response={200: NewsOut, **WRITE_RESPONSES})
def update_news(request, slug: str, payload: NewsPatch):
    return _update(request, NewsItem, {"slug": slug}, payload)


@router.get("/content/testimonials", response={200: list[TestimonialOut], **READ_RESPONSES}, auth=None)
@paginate(Pagination)
def list_testimonials(request, region: str = ""):
    return testimonials_published(region_code=region)


@router.post("/content/testimonials", response={201: TestimonialOut, **WRITE_RESPONSES})
def create_testimonial(request, payload: TestimonialIn):
    return _create(request, Testimonial, payload)


@router.get(
    "/content/testimonials/{testimonial_id}", response={200: TestimonialOut, **DETAIL_RESPONSES}, auth=None
)
def get_testimonial(request, testimonial_id: int):
    return get_object_or_404(testimonials_published(), pk=testimonial_id)


@router.patch("/content/testimonials/{testimonial_id}", response={200: TestimonialOut, **WRITE_RESPONSES})
def update_testimonial(request, testimonial_id: int, payload: TestimonialPatch):
    return _update(request, Testimonial, {"pk": testimonial_id}, payload)


def _create(request, model: type[models.Model], payload):
    require(request, Perm.MANAGE_CONTENT)
    form = _form(request, model, None, payload.dict())
    if not form.is_valid():
        return _invalid(form)
    return Status(201, content_create(model=model, data=form.cleaned_data, by=request.auth))


def _update(request, model: type[models.Model], lookup: dict, payload):
    """Fields left out keep their values; content outside the editor's regions is 404."""
    require(request, Perm.MANAGE_CONTENT)
    item = get_object_or_404(content_managed_by(request.auth, model), **lookup)
    changes = payload.dict(exclude_unset=True)
    published = changes.pop("published", None)
    form = _form(request, model, item, changes)
    if not form.is_valid():
        return _invalid(form)
    return content_change(item=item, data=form.cleaned_data, published=published, by=request.auth)


def _form(request, model, item, changes: dict):
    """The editing page's form, filled with the item's values and the changes sent."""
    data = {name: getattr(item, name) for name in EDITABLE_FIELDS[model]} if item else {}
    data.update(changes)
    region = data.get("region")
    if isinstance(region, str):  # a code: the form wants the region's id (0 matches nothing)
        data["region"] = region_pk(region) or 0
    elif isinstance(region, Region):
        data["region"] = region.pk
    return FORMS[model](data=data, instance=item, editor=request.auth)


def _invalid(form):
    errors = {field: [str(e) for e in messages] for field, messages in form.errors.items()}
    return Status(422, {"detail": "The content was not saved: correct the errors.", "errors": errors})
