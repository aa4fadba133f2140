"""The structure pages of programme set-up: regions and their schools, schemes with their localities and
each intake's HEFT offer, and the post catalogue. Who may change what is checked again by
heft.programmes.services; here it decides what each person is shown, and out-of-scope records are 404."""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from heft.accounts.access import requires
from heft.accounts.permissions import Perm, has_perm
from heft.core.forms import saved
from heft.core.pagination import paginate
from heft.programmes.models import PostCategory
from heft.programmes.selectors import (
    categories_list,
    may_manage_structure,
    regions_led_by,
    scheme_managed_by,
    schools_in,
)
from heft.programmes.services import (
    category_save,
    region_save,
    scheme_intake_set,
    scheme_save,
    school_save,
    subtype_save,
)
from heft.setup.forms_structure import (
    CategoryForm,
    IntakeOfferForm,
    RegionForm,
    SchemeForm,
    SchoolForm,
    SubtypeForm,
)
from heft.setup.selectors import (
    catalogue_counts,
    category_by_pk,
    intake_label,
    intakes_by_scheme,
    may_create_schemes,
    may_edit_scheme,
    region_by_code,
    region_editable_by,
    regions_with_schools,
    schemes_set_up_by,
    school_by_pk,
    schools_in_regions,
    subtype_by_pk,
    with_intake_rows,
)

READ = ["GET", "HEAD"]
READ_WRITE = ["GET", "HEAD", "POST"]
FORM_PAGE = "setup/structure_form.jinja"
SCHEMES_PER_PAGE = 20  # the hub's scheme cards: a national admin manages over a hundred schemes


def _or_404(read, *args, **kwargs):
    try:
        return read(*args, **kwargs)
    except ObjectDoesNotExist:
        raise Http404 from None


def _data(request):
    return request.POST if request.method == "POST" else None


def _submitted(request, form, save):
    """What `save` returns when the form was posted, is valid and the service takes it; otherwise None
    (the service's refusal is then on the form)."""
    done = []
    if request.method == "POST" and saved(form, lambda: done.append(save())):
        return done[0]
    return None


def _form_page(request, form, *, title: str, back: tuple[str, str], **context):
    """A structure form: 200 to fill in, 400 when what was posted is refused."""
    context = {"form": form, "title": title, "back_href": back[0], "back_text": back[1], **context}
    return render(request, FORM_PAGE, context, status=400 if form.is_bound else 200)


# --- the hub ----------------------------------------------------------------------------------------------


@requires(Perm.MANAGE_PROGRAMMES)
@require_http_methods(READ)
def home(request):
    user = request.user
    manages_structure = may_manage_structure(user)
    page = paginate(request, schemes_set_up_by(user), per_page=SCHEMES_PER_PAGE)
    context = {
        "manages_structure": manages_structure,
        "regions": regions_with_schools() if manages_structure else [],
        "led_regions": [] if manages_structure else list(regions_led_by(user)),
        "schemes": with_intake_rows(user, page.object_list),
        "page": page,
        "may_create_schemes": may_create_schemes(user),
        "catalogue": catalogue_counts(),
        "manages_people": has_perm(user, Perm.MANAGE_PEOPLE),
        "imports_data": has_perm(user, Perm.IMPORT_DATA),
    }
    return render(request, "setup/home.jinja", context)


# --- regions and schools ----------------------------------------------------------------------------------


@requires(Perm.MANAGE_PROGRAMMES)
@require_http_methods(READ)
def region_list(request):
    editable = {region.code for region in regions_led_by(request.user)}
    context = {
        "regions": regions_with_schools(),
        "editable": editable,
        "manages_structure": may_manage_structure(request.user),
    }
    return render(request, "setup/region_list.jinja", context)


@requires(Perm.MANAGE_STRUCTURE)
@require_http_methods(READ_WRITE)
def region_new(request):
    form = RegionForm(_data(request))
    region = _submitted(request, form, lambda: region_save(values=form.cleaned_data, by=request.user))
    if region:
        messages.success(
            request, f"{region.name} is set up. Add its schools, if it has any, then its schemes."
        )
        return redirect(reverse("setup:region_list") + f"#region-{region.code}")
    intro = (
        "A region runs its own HEFT programme. Its summary and contact details show on its public page;"
        " its regional lead can change those later."
    )
    back = (reverse("setup:region_list"), "Regions")
    return _form_page(request, form, title="New region", back=back, intro=intro, button="Add region")


@requires(Perm.MANAGE_PROGRAMMES)
@require_http_methods(READ_WRITE)
def region_edit(request, code: str):
    """National admins change everything; a regional lead their own region's public summary and contacts."""
    region = _or_404(region_editable_by, request.user, code)
    contacts_only = not may_manage_structure(request.user)
    form = RegionForm(_data(request), region=region, contacts_only=contacts_only)
    saved_region = _submitted(
        request, form, lambda: region_save(region=region, values=form.cleaned_data, by=request.user)
    )
    if saved_region:
        messages.success(request, f"{saved_region.name}'s details are saved.")
        return redirect(reverse("setup:region_list") + f"#region-{saved_region.code}")
    title = f"{region.name}: public details" if contacts_only else f"Change {region.name}"
    intro = (
        f"The summary and contact details show on {region.name}'s public page, where applicants and trainees"
        " find them. Leave a field empty to leave it off the page."
    )
    back = (reverse("setup:region_list") + f"#region-{region.code}", "Regions")
    return _form_page(request, form, title=title, back=back, intro=intro)


@requires(Perm.MANAGE_STRUCTURE)
@require_http_methods(READ_WRITE)
def school_new(request, code: str):
    region = _or_404(region_by_code, code)
    form = SchoolForm(_data(request), region=region)
    school = _submitted(
        request, form, lambda: school_save(region=region, name=form.cleaned_data["name"], by=request.user)
    )
    if school:
        messages.success(request, f"{school.name} is added to {region.name}.")
        return redirect(reverse("setup:region_list") + f"#region-{region.code}")
    back = (reverse("setup:region_list") + f"#region-{region.code}", "Regions")
    intro = (
        "A school is an optional part of a region, such as Severn or Peninsula; schemes can belong to one."
    )
    title = f"New school in {region.name}"
    return _form_page(request, form, title=title, back=back, intro=intro, button="Add school")


@requires(Perm.MANAGE_STRUCTURE)
@require_http_methods(READ_WRITE)
def school_edit(request, pk: int):
    school = _or_404(school_by_pk, pk)
    region = school.region
    form = SchoolForm(_data(request), region=region, school=school)
    saved_school = _submitted(
        request,
        form,
        lambda: school_save(school=school, region=region, name=form.cleaned_data["name"], by=request.user),
    )
    if saved_school:
        messages.success(request, f"The school is now called {saved_school.name}.")
        return redirect(reverse("setup:region_list") + f"#region-{region.code}")
    back = (reverse("setup:region_list") + f"#region-{region.code}", "Regions")
    return _form_page(request, form, title=f"Change {school.name}", back=back, caption=region.name)


# --- schemes ----------------------------------------------------------------------------------------------


@requires(Perm.MANAGE_PROGRAMMES)
@require_http_methods(READ_WRITE)
def scheme_new(request):
    """Regional leads (and national admins) set up schemes in the regions they lead; nobody else does."""
    if not may_create_schemes(request.user):
        raise PermissionDenied
    regions = regions_led_by(request.user)
    form = SchemeForm(_data(request), regions=regions, schools=schools_in_regions(regions))
    scheme = _submitted(request, form, lambda: _scheme_save(request, form))
    if scheme:
        messages.success(
            request, f"{scheme.name} is set up. Next, say for each intake whether it offers HEFT."
        )
        return redirect("setup:scheme_intakes", code=scheme.code)
    intro = "A scheme is a GP training patch. Once it is set up, say for each intake whether it offers HEFT."
    back = (reverse("setup:home"), "Set up your programme")
    return _form_page(request, form, title="New scheme", back=back, intro=intro, button="Set up scheme")


@requires(Perm.MANAGE_PROGRAMMES)
@require_http_methods(READ_WRITE)
def scheme_edit(request, code: str):
    scheme = _or_404(scheme_managed_by, request.user, code)
    if not may_edit_scheme(request.user, scheme):
        raise PermissionDenied  # a scheme's administrators see its set-up on the hub; its lead changes it
    form = SchemeForm(_data(request), regions=None, schools=list(schools_in(scheme.region)), scheme=scheme)
    saved_scheme = _submitted(request, form, lambda: _scheme_save(request, form, scheme))
    if saved_scheme:
        messages.success(request, f"{saved_scheme.name}'s details are saved.")
        return redirect(reverse("setup:home") + f"#scheme-{saved_scheme.code}")
    back = (reverse("setup:home") + f"#scheme-{scheme.code}", "Set up your programme")
    intro = "A locality taken off the list is removed; mentors who worked there stay in the scheme."
    title = f"Change {scheme.name}"
    return _form_page(request, form, title=title, back=back, caption=scheme.region.name, intro=intro)


def _scheme_save(request, form, scheme=None):
    localities = form.cleaned_data["localities"]
    return scheme_save(scheme=scheme, values=form.values(), localities=localities, by=request.user)


@requires(Perm.MANAGE_PROGRAMMES)
@require_http_methods(READ_WRITE)
def scheme_intakes(request, code: str):
    """Each intake's HEFT decision with the hints beside it, and the form to set one; `?intake=` fills the
    form with that intake's decision, to change it."""
    scheme = _or_404(scheme_managed_by, request.user, code)
    rows = intakes_by_scheme([scheme]).get(scheme.pk, [])
    form = IntakeOfferForm(_data(request), initial=_offer_initial(rows, request.GET.get("intake", "")))
    decision = _submitted(
        request, form, lambda: scheme_intake_set(scheme=scheme, by=request.user, **form.cleaned_data)
    )
    if decision:
        offers = "offers HEFT" if decision.offers_heft else "does not offer HEFT"
        messages.success(
            request, f"Saved: {scheme.name} {offers} for the {intake_label(decision.intake)} intake."
        )
        return redirect("setup:scheme_intakes", code=scheme.code)
    context = {
        "scheme": scheme,
        "rows": rows,
        "form": form,
        "editable": may_edit_scheme(request.user, scheme),
    }
    return render(request, "setup/scheme_intakes.jinja", context, status=400 if form.is_bound else 200)


def _offer_initial(rows: list[dict], intake: str) -> dict:
    row = next((row for row in rows if row["intake"] == intake), None)
    if row is None:
        return {}
    decision = row["decision"]
    if decision is None:
        return {"intake": intake}
    return {"intake": intake, "offers_heft": "yes" if decision.offers_heft else "no", "note": decision.note}


# --- the post catalogue -----------------------------------------------------------------------------------


CATALOGUE = "Post catalogue"
KIND_HEADINGS = {
    PostCategory.Kind.GP: "GP placements",
    PostCategory.Kind.INNOVATIVE: "Innovative posts",
    PostCategory.Kind.HOSPITAL: "Hospital and community specialties",
}


@requires(Perm.MANAGE_PROGRAMMES)
@require_http_methods(READ)
def category_list(request):
    categories = list(categories_list())
    sections = [
        (heading, [c for c in categories if c.kind == kind])
        for kind, heading in KIND_HEADINGS.items()
        if any(c.kind == kind for c in categories)
    ]
    context = {"sections": sections, "may_edit": may_manage_structure(request.user)}
    return render(request, "setup/category_list.jinja", context)


@requires(Perm.MANAGE_STRUCTURE)
@require_http_methods(READ_WRITE)
def category_new(request):
    form = CategoryForm(_data(request))
    category = _submitted(request, form, lambda: category_save(values=form.cleaned_data, by=request.user))
    if category:
        messages.success(request, f"{category.name} is added to the post catalogue.")
        return redirect(reverse("setup:category_list") + f"#category-{category.code}")
    intro = (
        "Posts are filed under a category. An innovative post makes the rotation holding it a HEFT rotation."
    )
    back = (reverse("setup:category_list"), CATALOGUE)
    return _form_page(request, form, title="New post category", back=back, intro=intro, button="Add category")


@requires(Perm.MANAGE_STRUCTURE)
@require_http_methods(READ_WRITE)
def category_edit(request, pk: int):
    category = _or_404(category_by_pk, pk)
    form = CategoryForm(_data(request), category=category)
    saved_category = _submitted(
        request, form, lambda: category_save(category=category, values=form.cleaned_data, by=request.user)
    )
    if saved_category:
        messages.success(request, f"{saved_category.name} is saved.")
        return redirect(reverse("setup:category_list") + f"#category-{saved_category.code}")
    back = (reverse("setup:category_list") + f"#category-{category.code}", CATALOGUE)
    return _form_page(request, form, title=f"Change {category.name}", back=back, caption=CATALOGUE)


@requires(Perm.MANAGE_STRUCTURE)
@require_http_methods(READ_WRITE)
def subtype_new(request, category_pk: int):
    category = _or_404(category_by_pk, category_pk)
    form = SubtypeForm(_data(request), category=category)
    subtype = _submitted(
        request, form, lambda: subtype_save(category=category, by=request.user, **form.cleaned_data)
    )
    if subtype:
        messages.success(request, f"{subtype.name} is added to {category.name}.")
        return redirect(reverse("setup:category_list") + f"#category-{category.code}")
    back = (reverse("setup:category_list") + f"#category-{category.code}", CATALOGUE)
    intro = f"Subtypes are a controlled list: a post in {category.name} can be filed under one of them."
    title = f"New subtype of {category.name}"
    return _form_page(
        request, form, title=title, back=back, caption=CATALOGUE, intro=intro, button="Add subtype"
    )


@requires(Perm.MANAGE_STRUCTURE)
@require_http_methods(READ_WRITE)
def subtype_edit(request, pk: int):
    subtype = _or_404(subtype_by_pk, pk)
    category = subtype.category
    form = SubtypeForm(_data(request), category=category, subtype=subtype)
    saved_subtype = _submitted(
        request,
        form,
        lambda: subtype_save(subtype=subtype, category=category, by=request.user, **form.cleaned_data),
    )
    if saved_subtype:
        messages.success(request, f"{saved_subtype.name} is saved.")
        return redirect(reverse("setup:category_list") + f"#category-{category.code}")
    back = (reverse("setup:category_list") + f"#category-{category.code}", CATALOGUE)
    return _form_page(request, form, title=f"Change {subtype.name}", back=back, caption=category.name)
