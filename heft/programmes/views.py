from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from heft.accounts.access import requires
from heft.accounts.permissions import Perm
from heft.core.pagination import paginate
from heft.programmes.forms import RotationAvailabilityForm, RotationFilterForm
from heft.programmes.models import Rotation, TrainingScheme
from heft.programmes.selectors import (
    can_manage_rotation,
    regions_with_schemes,
    rotations_list,
)
from heft.programmes.selectors import (
    rotation_detail as select_rotation,
)
from heft.programmes.services import rotation_set_availability


@requires(Perm.VIEW_PROGRAMMES)
@require_http_methods(["GET", "HEAD"])
def region_list(request):
    return render(request, "programmes/region_list.jinja", {"regions": regions_with_schemes()})


@requires(Perm.VIEW_PROGRAMMES)
@require_http_methods(["GET", "HEAD"])
def scheme_detail(request, code: str):
    scheme = get_object_or_404(TrainingScheme.objects.select_related("region", "school"), code=code)
    rotations = rotations_list(scheme_code=code)
    return render(request, "programmes/scheme_detail.jinja", {"scheme": scheme, "rotations": rotations})


@requires(Perm.VIEW_PROGRAMMES)
@require_http_methods(["GET", "HEAD"])
def rotation_list(request):
    form = RotationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rotations = rotations_list(
        scheme_code=filters.get("scheme", ""),
        intake=filters.get("intake", ""),
        heft_only=filters.get("heft", False),
    )
    context = {
        "form": form,
        "page": paginate(request, rotations),
        "schemes": TrainingScheme.objects.order_by("name"),
        "filters": filters,
    }
    return render(request, "programmes/rotation_list.jinja", context)


@requires(Perm.VIEW_PROGRAMMES)
@require_http_methods(["GET", "HEAD"])
def rotation_detail(request, code: str):
    rotation = _rotation_or_404(code)
    context = {
        "rotation": rotation,
        "can_manage": can_manage_rotation(request.user, rotation),
        "form": RotationAvailabilityForm(initial={"availability": rotation.availability}),
    }
    return render(request, "programmes/rotation_detail.jinja", context)


@requires(Perm.MANAGE_PROGRAMMES)
@require_POST
def rotation_availability(request, code: str):
    rotation = _rotation_or_404(code)
    if not can_manage_rotation(request.user, rotation):
        raise Http404  # Out of scope looks the same as absent.
    form = RotationAvailabilityForm(request.POST)
    if form.is_valid():
        try:
            rotation = rotation_set_availability(rotation=rotation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"{rotation.code} is now {rotation.get_availability_display().lower()}."
            )
            return redirect("programmes:rotation_detail", code=rotation.code)
    context = {"rotation": rotation, "can_manage": True, "form": form}
    return render(request, "programmes/rotation_detail.jinja", context, status=400)


def _rotation_or_404(code: str) -> Rotation:
    try:
        return select_rotation(code)
    except Rotation.DoesNotExist:
        raise Http404 from None
