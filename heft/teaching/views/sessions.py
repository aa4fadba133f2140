"""The teaching home page, a session's page, and editing, publishing and cancelling one session."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from heft.accounts.access import requires, requires_any
from heft.accounts.permissions import Perm, has_perm
from heft.core.forms import add_service_error
from heft.teaching import forms, selectors, services
from heft.teaching.models import TeachingSession
from heft.teaching.perms import TEACHING_PERMS
from heft.teaching.views.common import GET, GET_POST, form_status, posted
from heft.trainees.selectors import own_record


@requires_any(*TEACHING_PERMS)
@require_http_methods(GET)
@never_cache
def home(request):
    user, now = request.user, timezone.now()
    context = {
        "can_plan": has_perm(user, Perm.PLAN_TIMETABLE),
        "can_view_attendance": has_perm(user, Perm.VIEW_ATTENDANCE),
        "can_run": has_perm(user, Perm.RUN_SESSIONS),
        "year": selectors.current_year(),
    }
    trainee = own_record(user)
    if trainee:
        rows = selectors.trainee_sessions_with_records(trainee)
        context["upcoming"] = [r for r in rows if r["session"].end >= now]
        context["past"] = [r for r in rows if r["session"].end < now][::-1]
        context["trainee"] = trainee
        context["check_in_open"] = {
            r["session"].pk for r in rows if selectors.check_in_open(r["session"], now)
        }
    if context["can_run"]:
        run = selectors.sessions_run_by(user, now)
        context["run_recent"], context["run_next"] = run["recent"], run["next"]
    return render(request, "teaching/home.jinja", context)


@requires_any(*TEACHING_PERMS)
@require_http_methods(GET)
@never_cache
def session_detail(request, pk: int):
    user = request.user
    session = selectors.session_for(user, pk)
    trainee = own_record(user)
    applies = selectors.applies_to(trainee, session)
    runnable = selectors.is_runnable_by(user, session)
    context = {
        "session": session,
        "can_edit": has_perm(user, Perm.PLAN_TIMETABLE)
        and session.kind != TeachingSession.Kind.COMMUNITY
        and selectors.can_plan(user, session.region),
        "can_run": runnable,
        "check_in_open": selectors.check_in_open(session),
        "started": session.start <= timezone.now(),
        "attendance": selectors.attendance_for_trainee(trainee).get(pk) if applies else None,
        "is_trainee": applies,
        "check_in_form": forms.CheckInForm(),
        "feedback": selectors.feedback_comments(session) if runnable else None,
        "leads": selectors.session_leads_label(session),
    }
    return render(request, "teaching/session_detail.jinja", context)


def _session_form(session, data=None):
    educators, leads = selectors.educators_for(session), selectors.session_leads(session)
    return forms.SessionForm(data, session=session, educators=educators, leads=leads)


@requires(Perm.PLAN_TIMETABLE)
@require_http_methods(GET_POST)
@never_cache
def session_edit(request, pk: int):
    session = selectors.session_plannable_or_404(request.user, pk)
    form = _session_form(session, posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(
                session=session, by=request.user, leads=form.cleaned_data["leads"], **form.changes()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                "Session saved."
                + (" Subscribers will be told of the change." if session.is_published else ""),
            )
            return redirect("teaching:session_detail", pk=session.pk)
    context = {"session": session, "form": form, "cancel_form": forms.CancelForm()}
    return render(request, "teaching/session_edit.jinja", context, status=form_status(form))


@requires(Perm.PLAN_TIMETABLE)
@require_POST
def session_publish(request, pk: int):
    session = selectors.session_plannable_or_404(request.user, pk)
    try:
        services.session_publish(session=session, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Session published.")
    return redirect("teaching:session_detail", pk=session.pk)


@requires(Perm.PLAN_TIMETABLE)
@require_POST
def session_cancel(request, pk: int):
    session = selectors.session_plannable_or_404(request.user, pk)
    cancel_form = forms.CancelForm(request.POST)
    if cancel_form.is_valid():
        try:
            result = services.session_cancel(
                session=session, reason=cancel_form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            add_service_error(cancel_form, error)
        else:
            if result is None:
                messages.success(request, "Draft session deleted.")
                return redirect(f"{reverse('teaching:plan_list')}?year={session.year_id}")
            messages.success(request, "Session cancelled. Subscribers will be told.")
            return redirect("teaching:session_detail", pk=session.pk)
    form = _session_form(session)
    context = {"session": session, "form": form, "cancel_form": cancel_form}
    return render(request, "teaching/session_edit.jinja", context, status=400)
