"""The landing pages: a member's community, their interests and the directory, and the programme team's
overview."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from heft.accounts.access import requires
from heft.accounts.permissions import Perm
from heft.community import forms, selectors, services
from heft.community.views.common import GET, GET_POST, posted
from heft.core.pagination import paginate
from heft.trainees.selectors import own_record


@requires(Perm.JOIN_COMMUNITY)
@require_http_methods(GET)
@never_cache
def home(request):
    user = request.user
    trainee = own_record(user)
    context = {
        "trainee": trainee,
        "mentor": selectors.mentor_of(user),
        "groups": selectors.groups_of(user),
        "mentees": selectors.mentees_of(user),
        "profile": selectors.profile_of(user),
        "my_mentors": selectors.mentor_assignments_of(trainee) if trainee else [],
    }
    return render(request, "community/home.jinja", context)


@requires(Perm.JOIN_COMMUNITY)
@require_http_methods(GET_POST)
@never_cache
def interests(request):
    profile = selectors.profile_of(request.user)
    initial = (
        {"interests": list(profile.interests.all()), "listed": profile.listed, "about": profile.about}
        if profile
        else {}
    )
    form = forms.ProfileForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        services.profile_save(user=request.user, by=request.user, **form.cleaned_data)
        listed = form.cleaned_data["listed"]
        messages.success(
            request,
            "Saved. You are listed in the directory."
            if listed
            else "Saved. You are not listed in the directory.",
        )
        return redirect("community:home")
    return render(request, "community/interests.jinja", {"form": form}, status=400 if form.errors else 200)


@requires(Perm.JOIN_COMMUNITY)
@require_http_methods(GET)
@never_cache
def directory(request):
    form = forms.DirectoryFilterForm(request.GET or None, regions=selectors.all_regions())
    filters = form.cleaned_data if form.is_valid() else {}
    profiles = selectors.directory(
        region_code=filters.get("region", ""), interest_code=filters.get("interest", "")
    )
    page = paginate(request, profiles)
    context = {
        "form": form,
        "page": page,
        "entries": [selectors.directory_entry(p) for p in page.object_list],
    }
    context["listed"] = bool(getattr(selectors.profile_of(request.user), "listed", False))
    return render(request, "community/directory.jinja", context)


@requires(Perm.MANAGE_COMMUNITY)
@require_http_methods(GET)
@never_cache
def manage(request):
    user = request.user
    context = {
        "groups": selectors.groups_with_members_managed_by(user),
        "patches": selectors.patches_managed_by(user),
        "mentors": selectors.mentors_managed_by(user),
        "opportunities": selectors.open_opportunities_managed_by(user, timezone.localdate()),
    }
    return render(request, "community/manage.jinja", context)
