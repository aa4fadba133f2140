"""Communities of practice: a group's page for its members and for the programme team, its notes and
calendar, forming groups and placing trainees and lead mentors in them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from heft.accounts.access import requires
from heft.accounts.permissions import Perm, has_perm
from heft.community import forms, selectors, services
from heft.community.views.common import GET, GET_POST
from heft.core.forms import saved
from heft.core.ratelimit import rate_limited
from heft.teaching.calendars import calendar_for
from heft.trainees.selectors import trainees_visible_to


@requires(Perm.JOIN_COMMUNITY)
@require_http_methods(GET)
@never_cache
def group_detail(request, pk: int):
    group = selectors.group_for_member(request.user, pk)
    return group_page(request, group, manage=False)


@requires(Perm.JOIN_COMMUNITY)
@require_POST
def group_note_add(request, pk: int):
    group = selectors.group_for_member(request.user, pk)
    form = forms.NoteForm(request.POST)
    if saved(form, lambda: services.note_add(group=group, by=request.user, **form.cleaned_data)):
        messages.success(request, "Note added.")
        return redirect("community:group_detail", pk=pk)
    return group_page(request, group, manage=False, status=400, note_form=form)


@requires(Perm.JOIN_COMMUNITY)
@require_POST
def group_note_delete(request, pk: int, note_pk: int):
    group = selectors.group_for_member(request.user, pk)
    note = selectors.own_note_or_404(request.user, group, note_pk)
    services.note_delete(note=note, by=request.user)
    messages.success(request, "Note deleted.")
    return redirect("community:group_detail", pk=pk)


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
    return group_page(request, selectors.group_managed_by(request.user, pk), manage=True)


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
    return group_page(request, group, manage=True, status=400, place_form=form)


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
    return group_page(request, group, manage=True, status=400, lead_form=form)


def group_page(request, group, *, manage: bool, status: int = 200, **forms_):
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


def _trainee(request, form):
    return get_object_or_404(trainees_visible_to(request.user), pk=int(form.cleaned_data["trainee"]))
