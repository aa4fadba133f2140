"""Mentors: matching them to trainees, assigning one by hand and ending an assignment."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from heft.accounts.access import requires
from heft.accounts.permissions import Perm
from heft.community import forms, selectors, services
from heft.community.views.common import GET
from heft.core.forms import saved
from heft.trainees.selectors import trainees_visible_to


@requires(Perm.MANAGE_COMMUNITY)
@require_http_methods(GET)
@never_cache
def mentor_list(request):
    user = request.user
    patches = selectors.patches_managed_by(user)
    match_form = forms.MatchForm(request.GET or None, patches=patches)
    context = {
        "mentors": selectors.mentors_managed_by(user),
        "assignments": selectors.assignments_managed_by(user),
    }
    context.update(match_form=match_form, preview=None, assign_form=_assign_form(user))
    if match_form.is_valid():
        patch = selectors.patch_managed_by(user, match_form.cleaned_data["patch"])
        result, trainees, mentors = services.mentors_preview(patch=patch)
        context.update(patch=patch, preview=result, trainees=trainees, mentors_by_id=mentors)
    return render(request, "community/mentor_list.jinja", context)


@requires(Perm.MANAGE_COMMUNITY)
@require_POST
def mentor_match(request):
    form = forms.MatchForm(request.POST, patches=selectors.patches_managed_by(request.user))
    if not form.is_valid():
        messages.error(request, "Choose a region or scheme to match.")
        return redirect("community:mentor_list")
    patch = selectors.patch_managed_by(request.user, form.cleaned_data["patch"])
    created = services.mentors_match(patch=patch, by=request.user)
    messages.success(request, f"{len(created)} trainees in {patch.label} matched with a mentor.")
    return redirect("community:mentor_list")


@requires(Perm.MANAGE_COMMUNITY)
@require_POST
def assignment_add(request):
    user = request.user
    form = _assign_form(user, request.POST)

    def save():
        mentor = selectors.mentor_managed_by(user, int(form.cleaned_data["mentor"]))
        trainee = get_object_or_404(trainees_visible_to(user), pk=int(form.cleaned_data["trainee"]))
        services.mentor_assign(mentor=mentor, trainee=trainee, by=user)

    if saved(form, save):
        messages.success(request, "Mentor assigned.")
        return redirect("community:mentor_list")
    context = {
        "mentors": selectors.mentors_managed_by(user),
        "assignments": selectors.assignments_managed_by(user),
    }
    context.update(match_form=forms.MatchForm(patches=selectors.patches_managed_by(user)), assign_form=form)
    return render(request, "community/mentor_list.jinja", context, status=400)


@requires(Perm.MANAGE_COMMUNITY)
@require_POST
def assignment_end(request, pk: int):
    assignment = get_object_or_404(selectors.assignments_managed_by(request.user), pk=pk)
    services.mentor_assignment_end(assignment=assignment, by=request.user)
    messages.success(
        request, f"{assignment.mentor.user.get_full_name()} no longer mentors {assignment.trainee}."
    )
    return redirect("community:mentor_list")


def _assign_form(user, data=None):
    trainees = selectors.community_trainee_choices(user)
    return forms.AssignForm(data, mentors=selectors.mentors_managed_by(user), trainees=trainees)
