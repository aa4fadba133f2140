"""The public programme site (open to everyone) and the pages where leads edit its content."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.core.exceptions import BadRequest, ObjectDoesNotExist, ValidationError
from django.db.models import Model
from django.forms import ModelForm
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from heft.accounts.access import public, requires
from heft.accounts.permissions import Perm
from heft.content.feeds import NewsAtomFeed, NewsFeed
from heft.content.forms import NewsItemForm, PageForm, TestimonialForm
from heft.content.models import NewsItem, Page, Testimonial
from heft.content.selectors import (
    contact_page,
    content_history,
    content_managed_by,
    innovative_categories,
    national_pages,
    news_visible,
    pages_published,
    public_intakes,
    public_region,
    public_regions,
    public_scheme,
    region_showcase,
    testimonials_published,
)
from heft.content.services import content_create, content_set_published, content_update
from heft.content.sitemaps import SITEMAPS
from heft.core.pagination import paginate

NEWS_PER_PAGE = 10

# --- the public site ----------------------------------------------------------------------------------


def _get_or_404(get, *args, **kwargs):
    try:
        return get(*args, **kwargs)
    except ObjectDoesNotExist:
        raise Http404 from None


@public
@require_http_methods(["GET", "HEAD"])
def what_is_heft(request):
    context = {
        "categories": innovative_categories(),
        "pages": national_pages(),
    }
    return render(request, "content/what_is_heft.jinja", context)


@public
@require_http_methods(["GET", "HEAD"])
def region_list(request):
    return render(request, "content/region_list.jinja", {"regions": public_regions()})


@public
@require_http_methods(["GET", "HEAD"])
def region_detail(request, region_code: str):
    region = _get_or_404(public_region, region_code)
    context = {"region": region, **region_showcase(region)}
    return render(request, "content/region_detail.jinja", context)


@public
@require_http_methods(["GET", "HEAD"])
def scheme_detail(request, region_code: str, scheme_code: str):
    scheme = _get_or_404(public_scheme, region_code=region_code, scheme_code=scheme_code)
    intakes = public_intakes(scheme)
    return render(request, "content/scheme_detail.jinja", {"scheme": scheme, "intakes": intakes})


@public
@require_http_methods(["GET", "HEAD"])
def testimonial_list(request):
    return render(request, "content/testimonial_list.jinja", {"testimonials": testimonials_published()})


@public
@require_http_methods(["GET", "HEAD"])
def news_list(request):
    page = paginate(request, news_visible(), per_page=NEWS_PER_PAGE)
    return render(request, "content/news_list.jinja", {"page": page})


@public
@require_http_methods(["GET", "HEAD"])
def news_detail(request, slug: str):
    item = _get_or_404(news_visible().get, slug=slug)
    return render(request, "content/news_detail.jinja", {"item": item})


@public
@require_http_methods(["GET", "HEAD"])
def page_detail(request, slug: str):
    page = _get_or_404(pages_published().get, slug=slug)
    return render(request, "content/page_detail.jinja", {"page": page})


@public
@require_http_methods(["GET", "HEAD"])
def contact(request):
    context = {
        "page": contact_page(),
        "regions": public_regions(),
    }
    return render(request, "content/contact.jinja", context)


@public
@require_http_methods(["GET", "HEAD"])
def news_feed(request):
    return NewsFeed()(request)


@public
@require_http_methods(["GET", "HEAD"])
def news_feed_atom(request):
    return NewsAtomFeed()(request)


@public
@require_http_methods(["GET", "HEAD"])
def sitemap(request):
    return sitemap_view(request, sitemaps=SITEMAPS)


# --- editors ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """One kind of content, so that the editing views are written once."""

    key: str  # the start of its URL names: page_create, news_edit, ...
    model: type[Model]
    form: type[ModelForm]
    label: str
    plural: str
    public_view: str  # where the public sees it

    def url(self, action: str) -> str:
        return f"content:{self.key}_{action}"

    def public_url(self, item) -> str:
        return reverse(self.public_view, args=[item.slug] if hasattr(item, "slug") else None)


KINDS = {
    kind.key: kind
    for kind in (
        Kind("page", Page, PageForm, "page", "Pages", "content:page_detail"),
        Kind("news", NewsItem, NewsItemForm, "news item", "News", "content:news_detail"),
        Kind(
            "testimonial",
            Testimonial,
            TestimonialForm,
            "testimonial",
            "Testimonials",
            "content:testimonial_list",
        ),
    )
}


@requires(Perm.MANAGE_CONTENT)
@require_http_methods(["GET", "HEAD"])
def manage(request):
    sections = [(kind, content_managed_by(request.user, kind.model)) for kind in KINDS.values()]
    return render(request, "content/manage/index.jinja", {"sections": sections})


@requires(Perm.MANAGE_CONTENT)
@require_http_methods(["GET", "HEAD", "POST"])
def item_create(request, kind: str):
    kind = KINDS[kind]
    form = kind.form(request.POST if request.method == "POST" else None, editor=request.user)
    return _edit(
        request, kind, form, save=lambda data: content_create(model=kind.model, data=data, by=request.user)
    )


@requires(Perm.MANAGE_CONTENT)
@require_http_methods(["GET", "HEAD", "POST"])
def item_edit(request, kind: str, pk: int):
    kind = KINDS[kind]
    item = _managed_or_404(request, kind, pk)
    form = kind.form(request.POST if request.method == "POST" else None, instance=item, editor=request.user)
    return _edit(request, kind, form, save=lambda data: content_update(item=item, data=data, by=request.user))


@requires(Perm.MANAGE_CONTENT)
@require_http_methods(["GET", "HEAD"])
def item_manage(request, kind: str, pk: int):
    kind = KINDS[kind]
    item = _managed_or_404(request, kind, pk)
    context = {
        "kind": kind,
        "item": item,
        "where_shown": _where_shown(item),
        "history": content_history(item),
    }
    return render(request, "content/manage/detail.jinja", context)


@requires(Perm.MANAGE_CONTENT)
@require_POST
def item_publish(request, kind: str, pk: int):
    kind = KINDS[kind]
    item = _managed_or_404(request, kind, pk)
    choice = request.POST.get("published")
    if choice not in {"1", "0"}:
        raise BadRequest("Choose to publish or unpublish.")
    item = content_set_published(item=item, published=choice == "1", by=request.user)
    done = f"published: it {_where_shown(item)}" if item.is_published else "unpublished: it is off the site"
    messages.success(request, f"The {kind.label} is {done}.")
    return redirect(kind.url("manage"), pk=item.pk)


ON_THE_SITE = "is on the public site"


def _where_shown(item) -> str:
    """Where published content is today: news shows only between its dates (in UK time)."""
    place = item.dates_place(timezone.localdate()) if isinstance(item, NewsItem) else "within"
    if place == "before":
        return f"will show on the public site from {_long_date(item.show_from)}"
    if place == "after":
        return f"is not showing on the public site: its show dates ended on {_long_date(item.show_until)}"
    return ON_THE_SITE


def _long_date(day) -> str:
    return f"{day.day} {day:%B %Y}"


def _managed_or_404(request, kind: Kind, pk: int) -> Model:
    """Content outside the editor's region looks the same as content that does not exist."""
    return _get_or_404(content_managed_by(request.user, kind.model).get, pk=pk)


def _edit(request, kind: Kind, form, *, save):
    """GET shows the form; "Preview" shows the content as the public would see it, saving nothing;
    "Save" writes through the service and goes to the item's page."""
    if request.method != "POST":
        return _form_page(request, kind, form)
    if form.is_valid():
        if request.POST.get("action") == "preview":
            return _form_page(request, kind, form, preview=form.instance)
        try:
            item = save(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if not item.is_published:
                state = "It is a draft: preview it, then publish."
            elif (where := _where_shown(item)) != ON_THE_SITE:
                state = f"It {where}."
            else:
                state = "Your changes are live."
            messages.success(request, f"Saved. {state}")
            return redirect(kind.url("manage"), pk=item.pk)
    return _form_page(request, kind, form, status=400)


def _form_page(request, kind: Kind, form, *, preview=None, status: int = 200):
    context = {"kind": kind, "form": form, "item": form.instance, "preview": preview}
    return render(request, "content/manage/form.jinja", context, status=status)
