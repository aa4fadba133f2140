from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_http_methods, require_POST

from heft.accounts.access import public, requires
from heft.accounts.permissions import Perm, has_perm
from heft.audit.services import audit_view
from heft.core.forms import add_service_error
from heft.core.ratelimit import by_client_address, by_feed_token, rate_limited
from heft.engines.timetable import PlanSpec
from heft.programmes.models import Region
from heft.teaching import charts, forms, planning, selectors, services
from heft.teaching.calendars import CONTENT_TYPE, calendar_for
from heft.teaching.models import Attendance, PlacementSupervisor, TeachingSession, TeachingYear

TEACHING_PERMS = (Perm.ATTEND_SESSIONS, Perm.RUN_SESSIONS, Perm.PLAN_TIMETABLE, Perm.VIEW_ATTENDANCE)
GET = ["GET", "HEAD"]
GET_POST = ["GET", "HEAD", "POST"]


def requires_any(*perms: Perm):
    """Signed-in users holding at least one of `perms`; others get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not any(has_perm(request.user, perm) for perm in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.heft_access = " or ".join(perms)
        return wrapped

    return decorator


def _int_or_none(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def _posted(request):
    """The form data of a POST (even an empty one, so that it is validated), None for a GET."""
    return request.POST if request.method == "POST" else None


# --- public: the timetable and its feeds ------------------------------------------------------------------


def _feed_links(request, url_name: str, **kwargs) -> dict:
    href = request.build_absolute_uri(reverse(url_name, kwargs=kwargs or None))
    return {"https": href, "webcal": "webcal://" + href.split("://", 1)[1]}


@public
@require_http_methods(GET)
def public_timetable(request):
    year = selectors.current_year()
    sessions = selectors.public_sessions().filter(year=year) if year else []
    context = {
        "year": year,
        "sessions": sessions,
        "regions": Region.objects.order_by("name"),
        "feed": _feed_links(request, "teaching:feed_national"),
    }
    return render(request, "teaching/public_timetable.jinja", context)


@public
@require_http_methods(GET)
def public_region_timetable(request, region_code: str):
    region = get_object_or_404(Region, code=region_code)
    year = selectors.current_year()
    sessions = selectors.public_sessions(region=region).filter(year=year) if year else []
    context = {
        "region": region,
        "year": year,
        "sessions": sessions,
        "feed": _feed_links(request, "teaching:feed_region", region_code=region.code),
        "national_feed": _feed_links(request, "teaching:feed_national"),
    }
    return render(request, "teaching/public_region_timetable.jinja", context)


def _calendar_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@public
@require_http_methods(GET)
@rate_limited("public_calendar_feeds", key=by_client_address)
@cache_control(public=True, max_age=900)
def feed_national(request):
    sessions = selectors.public_sessions().order_by("start")
    return _calendar_response(calendar_for(sessions, name="HEFT national teaching"), "heft-national.ics")


@public
@require_http_methods(GET)
@rate_limited("public_calendar_feeds", key=by_client_address)
@cache_control(public=True, max_age=900)
def feed_region(request, region_code: str):
    region = get_object_or_404(Region, code=region_code)
    sessions = selectors.public_sessions(region=region).order_by("start")
    data = calendar_for(sessions, name=f"HEFT {region.name} teaching")
    return _calendar_response(data, f"heft-{region.code}.ics")


@public
@require_http_methods(GET)
@rate_limited("calendar_feeds", key=by_feed_token)
@never_cache
def feed_trainee(request, token: str):
    """A trainee's private feed: the secret token in the address is the only key. Revoked or wrong: 404."""
    trainee = selectors.trainee_for_feed_token(token)
    if trainee is None:
        raise Http404
    sessions = selectors.sessions_for_trainee(trainee).order_by("start")
    return _calendar_response(
        calendar_for(sessions, name="My HEFT teaching", private=True), "my-heft-teaching.ics"
    )


# --- the teaching home page and sessions ------------------------------------------------------------------


@requires_any(*TEACHING_PERMS)
@require_http_methods(GET)
@never_cache
def home(request):
    user, now = request.user, timezone.now()
    context = {
        "can_plan": has_perm(user, Perm.PLAN_TIMETABLE),
        "can_view_attendance": has_perm(user, Perm.VIEW_ATTENDANCE),
        "can_run": has_perm(user, Perm.RUN_SESSIONS),
    }
    trainee = selectors.own_trainee(user)
    if trainee:
        rows = selectors.trainee_sessions_with_records(trainee)
        context["upcoming"] = [r for r in rows if r["session"].end >= now]
        context["past"] = [r for r in rows if r["session"].end < now][::-1]
        context["trainee"] = trainee
        context["check_in_open"] = {
            r["session"].pk for r in rows if selectors.check_in_open(r["session"], now)
        }
    if context["can_run"]:
        # Community meetings are run by their groups' mentors; programme teams reach their registers from
        # the community pages.
        runnable = (
            selectors.sessions_runnable_by(user)
            .filter(status=TeachingSession.Status.PUBLISHED)
            .exclude(kind=TeachingSession.Kind.COMMUNITY)
        )
        context["run_recent"] = list(runnable.filter(end__lt=now).order_by("-start")[:5])
        context["run_next"] = list(runnable.filter(end__gte=now).order_by("start")[:8])
    return render(request, "teaching/home.jinja", context)


@requires_any(*TEACHING_PERMS)
@require_http_methods(GET)
@never_cache
def session_detail(request, pk: int):
    session = selectors.session_for(request.user, pk)
    user = request.user
    trainee = selectors.own_trainee(user)
    applies = trainee and selectors.sessions_for_trainee(trainee).filter(pk=pk).exists()
    runnable = selectors.sessions_runnable_by(user).filter(pk=pk).exists()
    context = {
        "session": session,
        "can_edit": has_perm(user, Perm.PLAN_TIMETABLE)
        and session.kind != TeachingSession.Kind.COMMUNITY
        and selectors.can_plan(user, session.region),
        "can_run": runnable,
        "check_in_open": selectors.check_in_open(session),
        "started": session.start <= timezone.now(),
        "attendance": selectors.attendance_for_trainee(trainee).get(pk) if applies else None,
        "is_trainee": bool(applies),
        "check_in_form": forms.CheckInForm(),
        "feedback": selectors.feedback_comments(session) if runnable else None,
        "leads": ", ".join(u.get_full_name() or u.email for u in session.leads.all()),
    }
    return render(request, "teaching/session_detail.jinja", context)


# --- planning ---------------------------------------------------------------------------------------------


@requires(Perm.PLAN_TIMETABLE)
@require_http_methods(GET)
@never_cache
def plan_list(request):
    user = request.user
    years = TeachingYear.objects.all()
    year = years.filter(pk=_int_or_none(request.GET.get("year"))).first() or selectors.current_year()
    scopes = []
    if year:
        sessions = selectors.sessions_plannable_by(user).filter(year=year).prefetch_related("leads")
        if selectors.can_plan(user, None):
            national = [s for s in sessions if s.kind != TeachingSession.Kind.REGIONAL]
            scopes.append(_scope_row(year, None, national))
        for region in selectors.regions_plannable_by(user):
            scopes.append(_scope_row(year, region, [s for s in sessions if s.region_id == region.pk]))
    context = {
        "years": years,
        "year": year,
        "scopes": scopes,
        "can_plan_national": selectors.can_plan(user, None),
        "regions": selectors.regions_plannable_by(user),
    }
    return render(request, "teaching/plan_list.jinja", context)


def _scope_row(year: TeachingYear, region: Region | None, sessions: list) -> dict:
    plan = selectors.latest_plan(year, region)
    return {
        "region": region,
        "name": region.name if region else "National programme and conference",
        "sessions": sessions,
        "drafts": sum(1 for s in sessions if s.status == TeachingSession.Status.DRAFT),
        "warnings": plan.warnings if plan else [],
    }


def _plan_page(request, form, template: str, preview, save, context: dict):
    """Shared by both planning pages: "preview" shows the plan and its warnings; "save" writes drafts."""
    result = None
    if request.method == "POST" and form.is_valid():
        planned = form.plan_or_errors(preview)
        if planned:
            spec, spec_data, result = planned
            if request.POST.get("action") == "save":
                try:
                    plan = save(spec, spec_data, result)
                except ValidationError as error:
                    add_service_error(form, error)
                else:
                    count = len(result.sessions)
                    messages.success(request, f"Saved {count} draft sessions. Check them, then publish.")
                    return redirect(f"{reverse('teaching:plan_list')}?year={plan.year_id}")
    status = 400 if form.errors else 200
    return render(request, template, {**context, "form": form, "result": result}, status=status)


@requires(Perm.PLAN_TIMETABLE)
@require_http_methods(GET_POST)
@never_cache
def plan_national(request):
    if not selectors.can_plan(request.user, None):
        raise PermissionDenied
    initial = {"weekday": "thursday", "start_time": "14:00", "end_time": "16:00"}
    form = forms.NationalPlanForm(_posted(request), initial=initial)

    def preview():
        spec_data = form.spec_data()
        spec, result = planning.preview_national(spec_data)
        return spec, spec_data, result

    def save(spec: PlanSpec, spec_data: dict, result):
        return services.timetable_save_plan(
            spec=spec, spec_data=spec_data, result=result, region=None, by=request.user
        )

    return _plan_page(request, form, "teaching/plan_national.jinja", preview, save, {})


@requires(Perm.PLAN_TIMETABLE)
@require_http_methods(GET_POST)
@never_cache
def plan_region(request, region_code: str):
    region = get_object_or_404(selectors.regions_plannable_by(request.user), code=region_code)
    initial = {"weekday": "friday", "start_time": "14:00", "end_time": "16:00", "every_weeks": 8}
    year = selectors.current_year()
    if year:
        initial["year"] = year.pk
    form = forms.RegionalPlanForm(_posted(request), initial=initial)

    def preview():
        spec_data = form.spec_data(region)
        spec, result = planning.preview_region(form.cleaned_data["year"], spec_data)
        return spec, spec_data, result

    def save(spec: PlanSpec, spec_data: dict, result):
        return services.timetable_save_plan(
            spec=spec, spec_data=spec_data, result=result, region=region, by=request.user
        )

    context = {"region": region, "has_years": TeachingYear.objects.exists()}
    return _plan_page(request, form, "teaching/plan_region.jinja", preview, save, context)


@requires(Perm.PLAN_TIMETABLE)
@require_POST
def publish_drafts(request):
    year = get_object_or_404(TeachingYear, pk=_int_or_none(request.POST.get("year")))
    code = request.POST.get("region", "")
    region = get_object_or_404(Region, code=code) if code else None
    if not selectors.can_plan(request.user, region):
        raise Http404
    count = services.sessions_publish_drafts(year=year, region=region, by=request.user)
    messages.success(request, f"Published {count} session{'s' if count != 1 else ''}.")
    return redirect(f"{reverse('teaching:plan_list')}?year={year.pk}")


@requires(Perm.PLAN_TIMETABLE)
@require_http_methods(GET_POST)
@never_cache
def session_edit(request, pk: int):
    session = selectors.session_plannable_or_404(request.user, pk)
    form = forms.SessionForm(_posted(request), session=session)
    cancel_form = forms.CancelForm()
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
    context = {"session": session, "form": form, "cancel_form": cancel_form}
    return render(request, "teaching/session_edit.jinja", context, status=400 if form.errors else 200)


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
    form = forms.SessionForm(session=session)
    context = {"session": session, "form": form, "cancel_form": cancel_form}
    return render(request, "teaching/session_edit.jinja", context, status=400)


# --- registers, check-in, reflections and feedback --------------------------------------------------------


@requires(Perm.RUN_SESSIONS)
@require_http_methods(GET_POST)
@never_cache
def register(request, pk: int):
    session = selectors.session_runnable_or_404(request.user, pk)
    trainees = selectors.register_trainees(request.user, session)
    existing = {a.trainee_id: a for a in session.attendances.all()}
    form = forms.RegisterForm(_posted(request), trainees=trainees, existing=existing)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.register_record(session=session, marks=form.marks(), by=request.user)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Register saved: {changed} change{'s' if changed != 1 else ''}.")
            return redirect("teaching:register", pk=session.pk)
    rows = [
        {"trainee": t, "field": form[f"trainee_{t.pk}"], "record": existing.get(t.pk)} for t in form.trainees
    ]
    context = {"session": session, "form": form, "rows": rows, "statuses": Attendance.Status.choices}
    return render(request, "teaching/register.jinja", context, status=400 if form.errors else 200)


@requires(Perm.ATTEND_SESSIONS)
@require_POST
@rate_limited("check_in")
def check_in(request, pk: int):
    session = selectors.session_for(request.user, pk)
    form = forms.CheckInForm(request.POST)
    if form.is_valid():
        try:
            services.attendance_check_in(session=session, code=form.cleaned_data["code"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, "You are checked in. Thank you.")
    else:
        messages.error(request, "Enter the session code.")
    return redirect("teaching:session_detail", pk=session.pk)


def _trainee_session_page(request, pk: int, form_class, template: str, load, save):
    session = selectors.session_for(request.user, pk)
    trainee = selectors.own_trainee_or_404(request.user)
    if not selectors.sessions_for_trainee(trainee).filter(pk=pk).exists():
        raise Http404
    form = form_class(_posted(request), initial=load(session, trainee))
    if request.method == "POST" and form.is_valid():
        try:
            save(session, form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Saved. Thank you.")
            return redirect("teaching:session_detail", pk=session.pk)
    context = {"session": session, "form": form, "started": session.start <= timezone.now()}
    return render(request, template, context, status=400 if form.errors else 200)


@requires(Perm.ATTEND_SESSIONS)
@require_http_methods(GET_POST)
@never_cache
def reflection(request, pk: int):
    def load(session, trainee):
        existing = session.reflections.filter(trainee=trainee).first()
        return {"text": existing.text} if existing else {}

    def save(session, data):
        services.reflection_save(session=session, text=data["text"], by=request.user)

    return _trainee_session_page(request, pk, forms.ReflectionForm, "teaching/reflection.jinja", load, save)


@requires(Perm.ATTEND_SESSIONS)
@require_http_methods(GET_POST)
@never_cache
def feedback(request, pk: int):
    def load(session, trainee):
        existing = session.feedback.filter(trainee=trainee).first()
        fields = ("rating", "what_worked", "what_to_change")
        return {f: getattr(existing, f) for f in fields} if existing else {}

    def save(session, data):
        services.feedback_submit(session=session, by=request.user, **data)

    return _trainee_session_page(request, pk, forms.FeedbackForm, "teaching/feedback.jinja", load, save)


@requires(Perm.RUN_SESSIONS)
@require_http_methods(GET)
@never_cache
def feedback_summary(request):
    sessions = selectors.feedback_sessions_for(request.user).order_by("-start")
    context = {"sessions": sessions, "topics": selectors.feedback_by_topic(sessions)}
    return render(request, "teaching/feedback_summary.jinja", context)


# --- calendar subscription --------------------------------------------------------------------------------


@requires(Perm.ATTEND_SESSIONS)
@require_http_methods(GET_POST)
@never_cache
def calendar(request):
    trainee = selectors.own_trainee_or_404(request.user)
    new_feed = None
    if request.method == "POST":
        raw = services.calendar_token_create(trainee=trainee, by=request.user)
        new_feed = _feed_links(request, "teaching:feed_trainee", token=raw)
    context = {"token": selectors.live_calendar_token(trainee), "new_feed": new_feed}
    return render(request, "teaching/calendar.jinja", context)


@requires(Perm.ATTEND_SESSIONS)
@require_POST
def calendar_revoke(request):
    trainee = selectors.own_trainee_or_404(request.user)
    if services.calendar_token_revoke(trainee=trainee, by=request.user):
        messages.success(
            request, "Your calendar feed address no longer works. Make a new one to subscribe again."
        )
    return redirect("teaching:calendar")


# --- release notices --------------------------------------------------------------------------------------


def _release_page(request, trainee, *, own: bool):
    placement = selectors.current_placement(trainee)
    sessions = list(selectors.release_sessions(trainee, placement))
    supervisor = PlacementSupervisor.objects.filter(placement=placement).first() if placement else None
    initial = {"supervisor_name": supervisor.name, "supervisor_email": supervisor.email} if supervisor else {}
    form = forms.ReleaseEmailForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.release_notice_send(
                trainee=trainee,
                placement=placement,
                html_for=lambda notice, listed: _notice_html(request, trainee, placement, listed, notice),
                by=request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"The release notice was emailed to {notice.supervisor_email}.")
            return redirect(request.path)
    context = {
        "trainee": trainee,
        "placement": placement,
        "sessions": sessions,
        "form": form,
        "own": own,
        "sent": trainee.release_notices.all()[:5],
        "today": timezone.localdate(),
    }
    return render(request, "teaching/release_notice.jinja", context, status=400 if form.errors else 200)


def _notice_html(request, trainee, placement, sessions, notice) -> str:
    context = {"trainee": trainee, "placement": placement, "sessions": sessions, "notice": notice}
    return render_to_string("teaching/email/release_notice.html.jinja", context, request=request)


@requires(Perm.ATTEND_SESSIONS)
@require_http_methods(GET_POST)
@never_cache
def release_notice(request):
    return _release_page(request, selectors.own_trainee_or_404(request.user), own=True)


@requires(Perm.VIEW_ATTENDANCE)
@require_http_methods(GET_POST)
@never_cache
def trainee_release_notice(request, trainee_id: int):
    return _release_page(request, selectors.trainee_attendance_or_404(request.user, trainee_id), own=False)


# --- attendance for leads ---------------------------------------------------------------------------------


def _attendance_filters(request):
    form = forms.AttendanceFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    by = data.get("by") or "session"
    year = data.get("year") if form.is_valid() else None
    return form, by, year


@requires(Perm.VIEW_ATTENDANCE)
@require_http_methods(GET)
@never_cache
def attendance(request):
    form, by, year = _attendance_filters(request)
    rows = selectors.attendance_summary(request.user, by=by, year=year)
    chart_query = f"by={by}" + (f"&year={year.pk}" if year else "")
    context = {
        "form": form,
        "by": by,
        "rows": rows,
        "chart_query": chart_query,
        "year": year,
        "most": charts.MOST_ROWS,
    }
    return render(request, "teaching/attendance.jinja", context)


@requires(Perm.VIEW_ATTENDANCE)
@require_http_methods(GET)
@never_cache
def attendance_chart(request):
    _, by, year = _attendance_filters(request)
    rows = selectors.attendance_summary(request.user, by=by, year=year)
    svg = charts.attendance_svg(rows, title=f"Attendance by {by}")
    return HttpResponse(svg, content_type="image/svg+xml")


@requires(Perm.VIEW_ATTENDANCE)
@require_http_methods(GET)
@never_cache
def trainee_attendance(request, trainee_id: int):
    trainee = selectors.trainee_attendance_or_404(request.user, trainee_id)
    with transaction.atomic():
        audit_view(by=request.user, target=trainee, page="attendance")
    rows = selectors.trainee_sessions_with_records(trainee)
    past = [r for r in rows if r["session"].start <= timezone.now()]
    return render(request, "teaching/trainee_attendance.jinja", {"trainee": trainee, "rows": past})
