"""A group's meetings, scheduled by its lead mentor on the group's page or by the programme team on theirs."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from heft.accounts.access import requires
from heft.accounts.permissions import Perm
from heft.community import forms, selectors, services
from heft.community.views.common import GET_POST, posted
from heft.community.views.groups import group_page
from heft.core.forms import saved


def _led_group(request, pk: int):
    """A group the signed-in mentor leads: members reach its page but only its mentor schedules here."""
    group = selectors.group_for_member(request.user, pk)
    if group.lead is None or group.lead.user_id != request.user.pk:
        raise Http404
    return group


@requires(Perm.JOIN_COMMUNITY)
@require_POST
def group_meeting_add(request, pk: int):
    return _meeting_add(request, _led_group(request, pk), manage=False)


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


@requires(Perm.MANAGE_COMMUNITY)
@require_POST
def manage_group_meeting(request, pk: int):
    return _meeting_add(request, selectors.group_managed_by(request.user, pk), manage=True)


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


def _meeting_add(request, group, *, manage: bool):
    form = forms.MeetingForm(request.POST)
    if saved(form, lambda: services.meeting_add(group=group, by=request.user, **form.service_arguments())):
        messages.success(request, "Meeting added. It is in the members' calendars.")
        return redirect(_group_url(group, manage))
    return group_page(request, group, manage=manage, status=400, meeting_form=form)


def _meeting_edit(request, group, meeting, *, manage: bool):
    """Change a meeting's topic, time or place (the lead mentor's page, or the programme team's)."""
    initial = forms.MeetingForm.initial_for(meeting)
    form = forms.MeetingForm(posted(request), initial=initial)
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
