from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from heft.accounts.access import requires
from heft.accounts.permissions import Perm
from heft.core.pagination import paginate
from heft.engines.rotations import heft_reasons, rotation_findings
from heft.programmes.forms import RotationAvailabilityForm, RotationFilterForm
from heft.programmes.models import Rotation, TrainingScheme
from heft.programmes.selectors import (
    can_manage_rotation,
    manages_any_scheme,
    regions_with_schemes,
    rotation_check_slots,
    rotation_withdrawal_preview,
    rotations_list,
    schemes_list,
)
from heft.programmes.selectors import (
    rotation_detail as select_rotation,
)
from heft.programmes.selectors import (
    scheme_detail as select_scheme,
)
from heft.programmes.services import rotation_set_availability


@requires(Perm.VIEW_PROGRAMMES)
@require_http_methods(["GET", "HEAD"])
def region_list(request):
    return render(request, "programmes/region_list.jinja", {"regions": regions_with_schemes()})


@requires(Perm.VIEW_PROGRAMMES)
@require_http_methods(["GET", "HEAD"])
def scheme_detail(request, code: str):
    try:
        scheme = select_scheme(code)
    except TrainingScheme.DoesNotExist:
        raise Http404 from None
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
        "schemes": schemes_list(),
        "filters": filters,
        "manages_rotations": manages_any_scheme(request.user),
    }
    return render(request, "programmes/rotation_list.jinja", context)


@requires(Perm.VIEW_PROGRAMMES)
@require_http_methods(["GET", "HEAD"])
def rotation_detail(request, code: str):
    rotation = _rotation_or_404(code)
    form = RotationAvailabilityForm(initial={"availability": rotation.availability})
    return render(request, "programmes/rotation_detail.jinja", _detail_context(request, rotation, form))


@requires(Perm.MANAGE_PROGRAMMES)
@require_POST
def rotation_availability(request, code: str):
    rotation = _rotation_or_404(code)
    if not can_manage_rotation(request.user, rotation):
        raise Http404  # Out of scope looks the same as absent.
    form = RotationAvailabilityForm(request.POST)
    if form.is_valid() and _withdrawing_unconfirmed(request, rotation, form):
        context = {
            "rotation": rotation,
            "form": form,
            "consequences": rotation_withdrawal_preview(rotation),
        }
        return render(request, "programmes/rotation_withdraw_confirm.jinja", context)
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
    return render(
        request, "programmes/rotation_detail.jinja", _detail_context(request, rotation, form), status=400
    )


def _withdrawing_unconfirmed(request, rotation: Rotation, form: RotationAvailabilityForm) -> bool:
    """Withdrawing asks first, showing what it touches: the page posts `confirm` once it has been seen."""
    withdrawing = form.cleaned_data["availability"] == Rotation.Availability.WITHDRAWN
    already = rotation.availability == Rotation.Availability.WITHDRAWN
    return withdrawing and not already and request.POST.get("confirm") != "yes"


def _detail_context(request, rotation: Rotation, form: RotationAvailabilityForm) -> dict:
    """The rotation, and for those who manage it the checks the builder shows: warnings and why it is HEFT."""
    can_manage = can_manage_rotation(request.user, rotation)
    slots = rotation_check_slots(rotation) if can_manage else []
    return {
        "rotation": rotation,
        "can_manage": can_manage,
        "form": form,
        "findings": rotation_findings(slots) if slots else [],
        "heft_reasons": heft_reasons(slots),
    }


def _rotation_or_404(code: str) -> Rotation:
    try:
        return select_rotation(code)
    except Rotation.DoesNotExist:
        raise Http404 from None
