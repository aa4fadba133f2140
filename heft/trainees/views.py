from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from heft.accounts.access import requires
from heft.accounts.invitations import latest_invitation
from heft.accounts.models import Role
from heft.accounts.permissions import Perm
from heft.audit.services import audit_view
from heft.core.forms import saved
from heft.core.pagination import paginate
from heft.trainees import services
from heft.trainees.forms import HeftModeForm, InterruptionForm, LtftChangeForm, ReturnForm
from heft.trainees.journey import journey_for
from heft.trainees.models import ProgrammeMembership, Trainee
from heft.trainees.selectors import (
    can_manage,
    interruption_managed_by,
    ltft_change_managed_by,
    membership_managed_by,
    trainee_for,
    trainee_list_for,
)


@requires(Perm.VIEW_TRAINEES)
@require_http_methods(["GET", "HEAD"])
@never_cache
def trainee_list(request):
    search = request.GET.get("q", "").strip()[:100]
    trainees = trainee_list_for(request.user, search=search)
    return render(
        request, "trainees/trainee_list.jinja", {"page": paginate(request, trainees), "search": search}
    )


@requires(Perm.VIEW_TRAINEES)
@require_http_methods(["GET", "HEAD"])
@never_cache
def trainee_detail(request, pk: int):
    trainee = trainee_for(request.user, pk)
    with transaction.atomic():
        audit_view(by=request.user, target=trainee, page="trainee record")
    return _render_record(request, trainee, own=False)


@requires(Perm.VIEW_OWN_RECORD)
@require_http_methods(["GET", "HEAD"])
@never_cache
def me(request):
    trainee = get_object_or_404(Trainee, user=request.user)
    return _render_record(request, trainee_for(request.user, trainee.pk), own=True)


@requires(Perm.MANAGE_TRAINEES)
@require_POST
def interruption_add(request, pk: int):
    membership = membership_managed_by(request.user, pk)
    form = InterruptionForm(request.POST)
    if saved(
        form,
        lambda: services.interruption_record(
            membership=membership, by=request.user, **form.service_arguments()
        ),
    ):
        messages.success(request, "Time out of training recorded; the CCT estimate is worked out again.")
        return redirect("trainees:trainee_detail", pk=pk)
    return _render_record(
        request, trainee_for(request.user, pk), own=False, status=400, interruption_form=form
    )


@requires(Perm.MANAGE_TRAINEES)
@require_POST
def training_return(request, pk: int, interruption_pk: int):
    interruption = interruption_managed_by(request.user, pk, interruption_pk)
    form = ReturnForm(request.POST)
    if saved(
        form,
        lambda: services.training_return(interruption=interruption, by=request.user, **form.cleaned_data),
    ):
        messages.success(request, "Return to training recorded; the CCT estimate is worked out again.")
        return redirect("trainees:trainee_detail", pk=pk)
    return _render_record(request, trainee_for(request.user, pk), own=False, status=400, return_form=form)


@requires(Perm.MANAGE_TRAINEES)
@require_POST
def ltft_change_add(request, pk: int):
    membership = membership_managed_by(request.user, pk)
    form = LtftChangeForm(request.POST)
    if saved(
        form,
        lambda: services.ltft_change_record(
            membership=membership, by=request.user, **form.service_arguments()
        ),
    ):
        messages.success(
            request, "Change to the working pattern recorded; the CCT estimate is worked out again."
        )
        return redirect("trainees:trainee_detail", pk=pk)
    return _render_record(request, trainee_for(request.user, pk), own=False, status=400, ltft_form=form)


@requires(Perm.MANAGE_TRAINEES)
@require_POST
def ltft_change_approve(request, pk: int, change_pk: int):
    change = ltft_change_managed_by(request.user, pk, change_pk)
    try:
        services.ltft_change_approve(change=change, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Working pattern of {change} approved.")
    return redirect("trainees:trainee_detail", pk=pk)


@requires(Perm.MANAGE_TRAINEES)
@require_POST
def cct_recalculate(request, pk: int):
    membership = membership_managed_by(request.user, pk)
    result = services.cct_estimate_update(membership=membership, by=request.user)
    messages.success(request, f"Estimated CCT date saved: {result.cct.day} {result.cct:%B %Y}.")
    return redirect("trainees:trainee_detail", pk=pk)


@requires(Perm.MANAGE_TRAINEES)
@require_POST
def trainee_invite(request, pk: int):
    """Email the trainee a link to set their password: a first invitation, or a new link."""
    membership = membership_managed_by(request.user, pk)
    try:
        invitation = services.trainee_invite(trainee=membership.trainee, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        email = invitation.user.email
        messages.success(request, f"Invitation sent to {email}: the link to set a password works for 7 days.")
    return redirect("trainees:trainee_detail", pk=pk)


@requires(Perm.MANAGE_TRAINEES)
@require_POST
def heft_mode(request, pk: int):
    membership = membership_managed_by(request.user, pk)
    form = HeftModeForm(request.POST)
    if saved(
        form,
        lambda: services.heft_mode_change(membership=membership, by=request.user, **form.cleaned_data),
    ):
        chosen = ProgrammeMembership.HeftMode(form.cleaned_data["heft_mode"])
        messages.success(request, f"HEFT mode changed: {chosen.label}.")
        return redirect("trainees:trainee_detail", pk=pk)
    return _render_record(request, trainee_for(request.user, pk), own=False, status=400, heft_form=form)


def _render_record(request, trainee: Trainee, *, own: bool, status: int = 200, **forms):
    journey = journey_for(trainee, viewer=request.user, own=own)
    manage = not own and can_manage(request.user, trainee) and journey.membership is not None
    context = {
        "trainee": trainee,
        "journey": journey,
        "membership": journey.membership,
        "own": own,
        "manage": manage,
        "interruption_form": forms.get("interruption_form") or InterruptionForm(),
        "ltft_form": forms.get("ltft_form") or LtftChangeForm(),
        "return_form": forms.get("return_form") or ReturnForm(),
        "heft_form": forms.get("heft_form") or _heft_form(journey.membership),
        "sign_in": _sign_in_state(trainee) if manage else None,
        "forms_with_errors": [f for f in forms.values() if f.errors],
    }
    return render(request, "trainees/trainee_detail.jinja", context, status=status)


def _heft_form(membership) -> HeftModeForm:
    return HeftModeForm(initial={"heft_mode": membership.heft_mode} if membership else None)


def _sign_in_state(trainee: Trainee) -> dict:
    """Whether the trainee has set a password, and their latest invitation to do so."""
    user = trainee.user
    return {
        "user": user,
        "signs_in": bool(user and user.has_usable_password()),
        "invitation": latest_invitation(user, Role.TRAINEE),
        "now": timezone.now(),
    }
