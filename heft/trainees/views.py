"""The trainee list and the actions on a record that need no page of their own. The record page itself, with
the forms on it, gathers from the apps above this one: heft/home/views_record.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from heft.accounts.access import requires
from heft.accounts.permissions import Perm
from heft.core.pagination import paginate
from heft.trainees import services
from heft.trainees.selectors import decisions_waiting, membership_managed_by, trainee_list_for

POST = ["POST"]
SHOWING = {
    "": "All trainees",
    "heft_place_at_risk": "HEFT place at risk",
    "ltft_applied": "LTFT application waiting",
}


@requires(Perm.VIEW_TRAINEES)
@require_http_methods(["GET", "HEAD"])
@never_cache
def trainee_list(request):
    """Trainees in scope; `show` narrows them to those waiting for a decision by the programme team."""
    search = request.GET.get("q", "").strip()[:100]
    showing = request.GET.get("show", "")
    showing = showing if showing in SHOWING else ""
    waiting = decisions_waiting(request.user)
    among = getattr(waiting, showing) if showing else None
    context = {
        "page": paginate(request, trainee_list_for(request.user, search=search, among=among)),
        "search": search,
        "showing": showing,
        "choices": SHOWING,
        "waiting": waiting,
    }
    return render(request, "trainees/trainee_list.jinja", context)


@requires(Perm.MANAGE_TRAINEES)
@require_http_methods(POST)
def cct_recalculate(request, pk: int):
    membership = membership_managed_by(request.user, pk)
    result = services.cct_estimate_update(membership=membership, by=request.user)
    messages.success(request, f"Estimated CCT date saved: {result.cct.day} {result.cct:%B %Y}.")
    return redirect("trainees:trainee_detail", pk=pk)


@requires(Perm.MANAGE_TRAINEES)
@require_http_methods(POST)
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
