"""The post pages of set-up: the posts of the schemes a person manages, and the form that makes or
changes one. A post's form works within one region: its schemes are the person's schemes there and its
practices that region's open practices. Posts outside the person's schemes answer 404 like absent ones."""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from heft.accounts.access import requires
from heft.accounts.permissions import Perm
from heft.core.forms import saved
from heft.core.pagination import paginate
from heft.practices.selectors import practices_for_posts
from heft.programmes.models import Post, Region, TrainingScheme
from heft.programmes.selectors import (
    categories_list,
    post_managed_by,
    posts_listed_for,
    rotations_holding,
    schemes_with_regions_managed_by,
)
from heft.programmes.services import post_save
from heft.setup.forms_posts import PostFilterForm, PostForm, SchemeChoiceForm

READ = ["GET", "HEAD"]
READ_WRITE = ["GET", "HEAD", "POST"]


@requires(Perm.MANAGE_PROGRAMMES)
@require_http_methods(READ)
def post_list(request):
    schemes = schemes_with_regions_managed_by(request.user)
    form = PostFilterForm(request.GET or None, schemes=schemes)
    scheme_code = form.cleaned_data["scheme"] if form.is_valid() else ""
    context = {
        "form": form,
        "scheme_code": scheme_code,
        "page": paginate(request, posts_listed_for(request.user, scheme_code=scheme_code)),
        "has_schemes": bool(schemes),
    }
    return render(request, "setup/post_list.jinja", context)


@requires(Perm.MANAGE_PROGRAMMES)
@require_http_methods(READ_WRITE)
def post_new(request):
    schemes = schemes_with_regions_managed_by(request.user)
    scheme = _chosen_scheme(request, schemes)
    regions = {s.region_id: s.region for s in schemes}
    if scheme is None and len(regions) != 1:
        return _scheme_choice(request, schemes)
    region = scheme.region if scheme else next(iter(regions.values()))
    in_region = [s for s in schemes if s.region_id == region.pk]
    preselected = scheme or (in_region[0] if len(in_region) == 1 else None)
    initial = {"wte": 1, "scheme": preselected.pk if preselected else ""}
    form = _post_form(request, region, in_region, initial=initial)
    if saved(form, lambda: _saved_post(request, form, post=None)):
        return redirect(_list_url(form.cleaned_data["scheme"]))
    return _form_page(request, form, post=None, region=region)


@requires(Perm.MANAGE_PROGRAMMES)
@require_http_methods(READ_WRITE)
def post_edit(request, pk: int):
    post = _or_404(post_managed_by, request.user, pk)
    region = post.scheme.region
    schemes = [s for s in schemes_with_regions_managed_by(request.user) if s.region_id == region.pk]
    form = _post_form(request, region, schemes, post=post)
    if saved(form, lambda: _saved_post(request, form, post=post)):
        return redirect(_list_url(form.cleaned_data["scheme"]))
    return _form_page(request, form, post=post, region=region)


def _post_form(request, region: Region, schemes, *, post: Post | None = None, initial=None) -> PostForm:
    practices = list(practices_for_posts(region=region))
    if post is not None and post.practice_id and post.practice not in practices:
        practices.append(post.practice)  # closed since, or listed elsewhere: keep what the post holds
    return PostForm(
        request.POST if request.method == "POST" else None,
        schemes=schemes,
        categories=list(categories_list()),
        practices=practices,
        post=post,
        initial=initial,
    )


def _saved_post(request, form: PostForm, *, post: Post | None) -> Post:
    saved_post = post_save(post=post, values=form.values(), by=request.user)
    messages.success(request, f"Post {saved_post.post_number} saved.")
    return saved_post


def _chosen_scheme(request, schemes) -> TrainingScheme | None:
    """The scheme named by ?scheme=, which must be one the person manages (404 otherwise)."""
    code = request.GET.get("scheme")
    if not code:
        return None
    scheme = next((s for s in schemes if s.code == code), None)
    if scheme is None:
        raise Http404
    return scheme


def _scheme_choice(request, schemes):
    """Which scheme a new post is in, asked first when the person's schemes span regions."""
    refused = request.method == "POST"  # posted before a scheme was chosen
    form = SchemeChoiceForm({} if refused else (request.GET or None), schemes=schemes)
    context = {"form": form, "schemes": schemes}
    return render(request, "setup/post_scheme_choice.jinja", context, status=400 if refused else 200)


def _form_page(request, form: PostForm, *, post: Post | None, region: Region):
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "post": post,
        "region": region,
        "practice_count": len(form.fields["practice"].records),
        "rotation_codes": rotations_holding(post) if post else [],
    }
    return render(request, "setup/post_form.jinja", context, status=status)


def _list_url(scheme: TrainingScheme) -> str:
    return f"{reverse('setup:post_list')}?scheme={scheme.code}"


def _or_404(read, *args):
    try:
        return read(*args)
    except ObjectDoesNotExist:
        raise Http404 from None
