"""Community pages: a member's community (group, mentor, interests, directory, opportunities) and the
programme team's (forming groups, matching mentors, posting opportunities, recording outcomes)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from heft.accounts.access import requires
from heft.accounts.permissions import Perm, has_perm
from heft.community import forms, selectors, services
from heft.core.charts import grouped_bar_svg
from heft.core.forms import saved
from heft.core.pagination import paginate
from heft.core.ratelimit import rate_limited
from heft.teaching.calendars import calendar_for
from heft.trainees.selectors import trainees_visible_to

GET = ["GET", "HEAD"]
GET_POST = ["GET", "HEAD", "POST"]


def _posted(request):
    return request.POST if request.method == "POST" else None


# --- a member's community ---------------------------------------------------------------------------------


@requires(Perm.JOIN_COMMUNITY)
@require_http_methods(GET)
@never_cache
def home(request):
    user = request.user
    trainee = selectors.own_trainee(user)
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
    form = forms.ProfileForm(_posted(request), initial=initial)
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


@requires(Perm.JOIN_COMMUNITY)
@require_http_methods(GET)
@never_cache
def group_detail(request, pk: int):
    group = selectors.group_for_member(request.user, pk)
    return _group_page(request, group, manage=False)


@requires(Perm.JOIN_COMMUNITY)
@require_POST
def group_note_add(request, pk: int):
    group = selectors.group_for_member(request.user, pk)
    form = forms.NoteForm(request.POST)
    if saved(form, lambda: services.note_add(group=group, by=request.user, **form.cleaned_data)):
        messages.success(request, "Note added.")
        return redirect("community:group_detail", pk=pk)
    return _group_page(request, group, manage=False, status=400, note_form=form)


@requires(Perm.JOIN_COMMUNITY)
@require_POST
def group_note_delete(request, pk: int, note_pk: int):
    group = selectors.group_for_member(request.user, pk)
    note = selectors.own_note_or_404(request.user, group, note_pk)
    services.note_delete(note=note, by=request.user)
    messages.success(request, "Note deleted.")
    return redirect("community:group_detail", pk=pk)


def _led_group(request, pk: int):
    """A group the signed-in mentor leads: members reach its page but only its mentor schedules here."""
    group = selectors.group_for_member(request.user, pk)
    if group.lead is None or group.lead.user_id != request.user.pk:
        raise Http404
    return group


@requires(Perm.JOIN_COMMUNITY)
@require_POST
def group_meeting_add(request, pk: int):
    group = _led_group(request, pk)
    form = forms.MeetingForm(request.POST)
    if saved(form, lambda: services.meeting_add(group=group, by=request.user, **form.service_arguments())):
        messages.success(request, "Meeting added. It is in the members' calendars.")
        return redirect("community:group_detail", pk=pk)
    return _group_page(request, group, manage=False, status=400, meeting_form=form)


@requires(Perm.JOIN_COMMUNITY)
@require_http_methods(GET_POST)
@never_cache
def group_meeting_edit(request, pk: int, meeting_pk: int):
    group = _led_group(request, pk)
    return _meeting_edit(request, group, selectors.group_meeting(group, meeting_pk), manage=False)


@requires(Perm.JOIN_COMMUNITY)
@require_POST
def group_meeting_cancel(request, pk: int, meeting_pk: int):
    group = _led_group(request, pk)
    return _meeting_cancel(request, group, selectors.group_meeting(group, meeting_pk), manage=False)


@requires(Perm.JOIN_COMMUNITY)
@require_http_methods(GET)
@rate_limited("calendar_feeds")
def group_calendar(request, pk: int):
    """The group's meetings as an iCalendar file, to import or subscribe to while signed in: the same
    events (UIDs, SEQUENCE, cancellations) as in the members' own teaching feeds."""
    group = selectors.group_for_member(request.user, pk)
    response = HttpResponse(
        calendar_for(selectors.group_meetings(group), name=group.name, private=True),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="community-{group.pk}.ics"'
    return response


def _group_page(request, group, *, manage: bool, status: int = 200, **forms_):
    now = timezone.now()
    meetings = list(selectors.group_meetings(group))
    context = {
        "group": group,
        "manage": manage,
        "members": selectors.group_members(group),
        "upcoming": [m for m in meetings if m.end >= now],
        "past": [m for m in meetings if m.end < now][::-1],
        "notes": selectors.group_notes(group),
        "is_lead": group.lead is not None and group.lead.user_id == request.user.pk,
        # Meetings are teaching sessions: members check in on their pages, programme teams take registers.
        "attends": not manage and has_perm(request.user, Perm.ATTEND_SESSIONS),
        "runs": manage and has_perm(request.user, Perm.RUN_SESSIONS),
        "note_form": forms_.get("note_form") or forms.NoteForm(),
        "meeting_form": forms_.get("meeting_form") or forms.MeetingForm(),
        "forms_with_errors": [f for f in forms_.values() if f.errors],
    }
    if manage:
        context["place_form"] = forms_.get("place_form") or forms.PlaceForm(
            trainees=selectors.trainees_placeable_in(request.user, group)
        )
        mentors = selectors.mentors_managed_in(request.user, group.region)
        lead_form = forms_.get("lead_form") or forms.LeadForm(
            mentors=mentors, initial={"mentor": group.lead_id}
        )
        context["lead_form"] = lead_form
        context["explanation"] = group.explanation.splitlines()
    return render(request, "community/group_detail.jinja", context, status=status)


def _meeting_edit(request, group, meeting, *, manage: bool):
    """Change a meeting's topic, time or place (the lead mentor's page, or the programme team's)."""
    initial = forms.MeetingForm.initial_for(meeting)
    form = forms.MeetingForm(_posted(request), initial=initial)
    if request.method == "POST" and saved(
        form,
        lambda: services.meeting_update(meeting=meeting, by=request.user, **form.service_arguments()),
    ):
        messages.success(request, "Meeting saved. Members' calendars will show the change.")
        return redirect(_group_url(group, manage))
    return _meeting_page(request, group, meeting, manage=manage, form=form)


def _meeting_cancel(request, group, meeting, *, manage: bool):
    cancel_form = forms.CancelMeetingForm(request.POST)
    if saved(
        cancel_form,
        lambda: services.meeting_cancel(meeting=meeting, by=request.user, **cancel_form.cleaned_data),
    ):
        messages.success(request, "Meeting cancelled. Members' calendars will show it as cancelled.")
        return redirect(_group_url(group, manage))
    form = forms.MeetingForm(initial=forms.MeetingForm.initial_for(meeting))
    return _meeting_page(request, group, meeting, manage=manage, form=form, cancel_form=cancel_form)


def _meeting_page(request, group, meeting, *, manage: bool, form, cancel_form=None):
    context = {
        "group": group,
        "meeting": meeting,
        "manage": manage,
        "form": form,
        "cancel_form": cancel_form or forms.CancelMeetingForm(),
        "forms_with_errors": [f for f in (form, cancel_form) if f is not None and f.errors],
    }
    status = 400 if context["forms_with_errors"] else 200
    return render(request, "community/meeting_edit.jinja", context, status=status)


def _group_url(group, manage: bool) -> str:
    return reverse("community:manage_group" if manage else "community:group_detail", args=[group.pk])


# --- opportunities for trainees ---------------------------------------------------------------------------


@requires(Perm.JOIN_COMMUNITY)
@require_http_methods(GET)
@never_cache
def opportunity_list(request):
    trainee = selectors.own_trainee(request.user)
    today = timezone.localdate()
    rows = selectors.opportunities_for_trainee(trainee, today) if trainee else None
    return render(request, "community/opportunity_list.jinja", {"rows": rows, "trainee": trainee})


@requires(Perm.JOIN_COMMUNITY)
@require_http_methods(GET_POST)
@never_cache
def opportunity_detail(request, pk: int):
    trainee = selectors.own_trainee(request.user)
    if trainee is None:
        raise Http404
    opportunity = selectors.opportunity_for_trainee(trainee, pk, timezone.localdate())
    form = forms.InterestForm(_posted(request))
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


# --- the programme team -----------------------------------------------------------------------------------


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


@requires(Perm.MANAGE_COMMUNITY)
@require_http_methods(GET_POST)
@never_cache
def groups_form(request):
    patches = selectors.patches_managed_by(request.user)
    form = forms.PatchForm(
        request.POST if request.method == "POST" else (request.GET or None), patches=patches
    )
    context = {"form": form, "preview": None}
    if form.is_valid():
        patch = selectors.patch_managed_by(request.user, form.cleaned_data["patch"])
        sizes = {"min_size": form.cleaned_data["min_size"], "max_size": form.cleaned_data["max_size"]}
        if request.method == "POST":
            groups = services.groups_form(patch=patch, by=request.user, **sizes)
            messages.success(request, f"{len(groups)} communities of practice formed for {patch.label}.")
            return redirect("community:manage")
        result, trainees, mentors = services.groups_preview(patch=patch, **sizes)
        context.update(
            patch=patch, preview=result, trainees=trainees, existing=selectors.patch_groups(patch).count()
        )
    status = 400 if request.method == "POST" else 200
    return render(request, "community/groups_form.jinja", context, status=status)


@requires(Perm.MANAGE_COMMUNITY)
@require_http_methods(GET)
@never_cache
def manage_group(request, pk: int):
    return _group_page(request, selectors.group_managed_by(request.user, pk), manage=True)


@requires(Perm.MANAGE_COMMUNITY)
@require_POST
def manage_group_place(request, pk: int):
    group = selectors.group_managed_by(request.user, pk)
    form = forms.PlaceForm(request.POST, trainees=selectors.trainees_placeable_in(request.user, group))
    if saved(
        form,
        lambda: services.group_member_place(group=group, trainee=_trainee(request, form), by=request.user),
    ):
        messages.success(request, "Trainee placed in the group.")
        return redirect("community:manage_group", pk=pk)
    return _group_page(request, group, manage=True, status=400, place_form=form)


@requires(Perm.MANAGE_COMMUNITY)
@require_POST
def manage_group_remove(request, pk: int, trainee_pk: int):
    group = selectors.group_managed_by(request.user, pk)
    trainee = get_object_or_404(trainees_visible_to(request.user), pk=trainee_pk)
    try:
        services.group_member_remove(group=group, trainee=trainee, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{trainee.full_name} left the group.")
    return redirect("community:manage_group", pk=pk)


@requires(Perm.MANAGE_COMMUNITY)
@require_POST
def manage_group_lead(request, pk: int):
    group = selectors.group_managed_by(request.user, pk)
    mentors = selectors.mentors_managed_in(request.user, group.region)
    form = forms.LeadForm(request.POST, mentors=mentors)

    def save():
        chosen = form.cleaned_data["mentor"]
        services.group_lead_set(
            group=group, mentor=mentors.get(pk=chosen) if chosen else None, by=request.user
        )

    if saved(form, save):
        messages.success(request, "Lead mentor saved.")
        return redirect("community:manage_group", pk=pk)
    return _group_page(request, group, manage=True, status=400, lead_form=form)


@requires(Perm.MANAGE_COMMUNITY)
@require_POST
def manage_group_meeting(request, pk: int):
    group = selectors.group_managed_by(request.user, pk)
    form = forms.MeetingForm(request.POST)
    if saved(form, lambda: services.meeting_add(group=group, by=request.user, **form.service_arguments())):
        messages.success(request, "Meeting added. It is in the members' calendars.")
        return redirect("community:manage_group", pk=pk)
    return _group_page(request, group, manage=True, status=400, meeting_form=form)


@requires(Perm.MANAGE_COMMUNITY)
@require_http_methods(GET_POST)
@never_cache
def manage_group_meeting_edit(request, pk: int, meeting_pk: int):
    group = selectors.group_managed_by(request.user, pk)
    return _meeting_edit(request, group, selectors.group_meeting(group, meeting_pk), manage=True)


@requires(Perm.MANAGE_COMMUNITY)
@require_POST
def manage_group_meeting_cancel(request, pk: int, meeting_pk: int):
    group = selectors.group_managed_by(request.user, pk)
    return _meeting_cancel(request, group, selectors.group_meeting(group, meeting_pk), manage=True)


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


@requires(Perm.MANAGE_COMMUNITY)
@require_http_methods(GET_POST)
@never_cache
def opportunity_manage(request):
    regions = selectors.region_choices_for(request.user)
    form = forms.OpportunityForm(_posted(request), regions=regions)

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


@requires(Perm.MANAGE_COMMUNITY)
@require_http_methods(GET_POST)
@never_cache
def outcomes(request):
    user = request.user
    graduates = selectors.graduates_visible_to(user)
    form = forms.OutcomeForm(_posted(request), graduates=graduates)

    def save():
        data = dict(form.cleaned_data)
        membership = graduates.get(pk=int(data.pop("graduate")))
        services.career_outcome_record(
            membership=membership, practice=data.pop("practice_code"), by=user, **data
        )

    if request.method == "POST" and saved(form, save):
        messages.success(request, "Outcome recorded.")
        return redirect("community:outcomes")
    context = {
        "form": form,
        "report": selectors.outcomes_report(user, timezone.localdate()),
        "recorded": selectors.outcomes_recorded(user)[:50],
    }
    return render(request, "community/outcomes.jinja", context, status=400 if form.errors else 200)


@requires(Perm.MANAGE_COMMUNITY)
@require_http_methods(GET)
@never_cache
def outcomes_chart(request):
    rows = selectors.outcomes_report(request.user, timezone.localdate())["rows"]
    svg = grouped_bar_svg(
        [str(r["year"]) for r in rows],
        {
            "Graduates": [r["graduates"] for r in rows],
            "Known one year on": [r["known"] for r in rows],
            "In a Deep End practice": [r["deep_end"] for r in rows],
        },
        title="Where graduates work one year after CCT",
        xlabel="Year of CCT",
        ylabel="Graduates",
    )
    return HttpResponse(svg, content_type="image/svg+xml")


def _trainee(request, form):
    return get_object_or_404(trainees_visible_to(request.user), pk=int(form.cleaned_data["trainee"]))


def _assign_form(user, data=None):
    trainees = selectors.community_trainees_managed_by(user)
    return forms.AssignForm(data, mentors=selectors.mentors_managed_by(user), trainees=trainees)
