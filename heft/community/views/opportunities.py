"""Post-CCT opportunities: trainees see them and say they are interested; programme teams post them and
see who is."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from heft.accounts.access import requires
from heft.accounts.permissions import Perm
from heft.community import forms, selectors, services
from heft.community.views.common import GET, GET_POST, posted
from heft.core.forms import saved
from heft.trainees.selectors import own_record


@requires(Perm.JOIN_COMMUNITY)
@require_http_methods(GET)
@never_cache
def opportunity_list(request):
    trainee = own_record(request.user)
    today = timezone.localdate()
    rows = selectors.opportunities_for_trainee(trainee, today) if trainee else None
    return render(request, "community/opportunity_list.jinja", {"rows": rows, "trainee": trainee})


@requires(Perm.JOIN_COMMUNITY)
@require_http_methods(GET_POST)
@never_cache
def opportunity_detail(request, pk: int):
    trainee = own_record(request.user)
    if trainee is None:
        raise Http404
    opportunity = selectors.opportunity_for_trainee(trainee, pk, timezone.localdate())
    form = forms.InterestForm(posted(request))
    if request.method == "POST" and saved(
        form, lambda: services.interest_express(opportunity=opportunity, by=request.user, **form.cleaned_data)
    ):
        messages.success(request, f"Your interest in {opportunity.title} has gone to the programme team.")
        return redirect("community:opportunity_detail", pk=pk)
    context = {
        "opportunity": opportunity,
        "form": form,
        "interested": selectors.interest_expressed(trainee, opportunity),
    }
    return render(request, "community/opportunity_detail.jinja", context, status=400 if form.errors else 200)


@requires(Perm.MANAGE_COMMUNITY)
@require_http_methods(GET_POST)
@never_cache
def opportunity_manage(request):
    regions = selectors.region_choices_for(request.user)
    form = forms.OpportunityForm(posted(request), regions=regions)

    def save():
        data = dict(form.cleaned_data)
        region = regions.get(pk=int(data.pop("region")))
        services.opportunity_post(region=region, by=request.user, **data)

    if request.method == "POST" and saved(form, save):
        messages.success(request, f"{form.cleaned_data['title']} is posted.")
        return redirect("community:opportunity_manage")
    context = {"form": form, "opportunities": selectors.opportunities_managed_by(request.user)}
    return render(request, "community/opportunity_manage.jinja", context, status=400 if form.errors else 200)


@requires(Perm.MANAGE_COMMUNITY)
@require_http_methods(GET)
@never_cache
def opportunity_interest(request, pk: int):
    opportunity = selectors.opportunity_managed_by(request.user, pk)
    context = {"opportunity": opportunity, "interest": selectors.interest_in(opportunity)}
    return render(request, "community/opportunity_interest.jinja", context)
