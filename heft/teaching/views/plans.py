"""Planning the timetable: the national programme, a region's sessions around it, publishing the drafts,
and one joining link for many sessions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from heft.accounts.access import requires
from heft.accounts.permissions import Perm, has_perm
from heft.core.forms import add_service_error
from heft.engines.timetable import PlanSpec
from heft.programmes.models import Region
from heft.teaching import forms, planning, selectors, services
from heft.teaching.models import TeachingSession, TeachingYear
from heft.teaching.views.common import GET, GET_POST, form_status, int_or_none, posted


@requires(Perm.PLAN_TIMETABLE)
@require_http_methods(GET)
@never_cache
def plan_list(request):
    user = request.user
    year = selectors.year_or_current(int_or_none(request.GET.get("year")))
    scopes = []
    if year:
        sessions = selectors.plannable_sessions_in(user, year)
        if selectors.can_plan(user, None):
            national = [s for s in sessions if s.kind != TeachingSession.Kind.REGIONAL]
            scopes.append(_scope_row(year, None, national))
        for region in selectors.regions_plannable_by(user):
            scopes.append(_scope_row(year, region, [s for s in sessions if s.region_id == region.pk]))
    context = {
        "years": selectors.teaching_years(),
        "year": year,
        "scopes": scopes,
        "can_plan_national": selectors.can_plan(user, None),
        "can_send_notices": has_perm(user, Perm.VIEW_ATTENDANCE),
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
        "published": sum(1 for s in sessions if s.status == TeachingSession.Status.PUBLISHED),
        "warnings": plan.warnings if plan else [],
    }


def _plan_page(request, form, template: str, preview, save, context: dict):
    """Shared by both planning pages: "preview" shows the plan and its warnings; "save" writes drafts.
    `preview()` gives the engine's spec, the spec's data, the plan and what the page shows beside it."""
    result = shown = None
    if request.method == "POST" and form.is_valid():
        planned = form.plan_or_errors(preview)
        if planned:
            spec, spec_data, result, shown = planned
            if request.POST.get("action") == "save":
                try:
                    plan = save(spec, spec_data, result)
                except ValidationError as error:
                    add_service_error(form, error)
                else:
                    count = len(result.sessions)
                    messages.success(request, f"Saved {count} draft sessions. Check them, then publish.")
                    return redirect(f"{reverse('teaching:plan_list')}?year={plan.year_id}")
    context = {**context, "form": form, "result": result, "preview": shown}
    return render(request, template, context, status=form_status(form))


@requires(Perm.PLAN_TIMETABLE)
@require_http_methods(GET_POST)
@never_cache
def plan_national(request):
    if not selectors.can_plan(request.user, None):
        raise PermissionDenied
    initial = {"weekday": "thursday", "start_time": "14:00", "end_time": "16:00"}
    form = forms.NationalPlanForm(posted(request), initial=initial)

    def preview():
        spec_data = form.spec_data()
        spec, result = planning.preview_national(spec_data)
        return spec, spec_data, result, None

    def save(spec: PlanSpec, spec_data: dict, result):
        return services.timetable_save_plan(
            spec=spec, spec_data=spec_data, result=result, region=None, by=request.user
        )

    return _plan_page(request, form, "teaching/plan_national.jinja", preview, save, {})


@requires(Perm.PLAN_TIMETABLE)
@require_http_methods(GET_POST)
@never_cache
def plan_region(request, region_code: str):
    region = selectors.plannable_region_or_404(request.user, region_code)
    initial = {"weekday": "friday", "start_time": "14:00", "end_time": "16:00", "every_weeks": 8}
    year = selectors.current_year()
    if year:
        initial["year"] = year.pk
    form = forms.RegionalPlanForm(posted(request), initial=initial, years=selectors.teaching_years())

    def preview():
        spec_data = form.spec_data(region)
        shown = planning.preview_region(form.cleaned_data["year"], region, spec_data)
        return shown.spec, spec_data, shown.result, shown

    def save(spec: PlanSpec, spec_data: dict, result):
        return services.timetable_save_plan(
            spec=spec, spec_data=spec_data, result=result, region=region, by=request.user
        )

    context = {"region": region, "has_years": year is not None}
    return _plan_page(request, form, "teaching/plan_region.jinja", preview, save, context)


@requires(Perm.PLAN_TIMETABLE)
@require_POST
def publish_drafts(request):
    year = selectors.year_or_404(int_or_none(request.POST.get("year")))
    code = request.POST.get("region", "")
    region = selectors.region_or_404(code) if code else None
    if not selectors.can_plan(request.user, region):
        raise Http404
    count = services.sessions_publish_drafts(year=year, region=region, by=request.user)
    messages.success(request, f"Published {count} session{'s' if count != 1 else ''}.")
    return redirect(f"{reverse('teaching:plan_list')}?year={year.pk}")


@requires(Perm.PLAN_TIMETABLE)
@require_http_methods(GET_POST)
@never_cache
def online_links(request, region_code: str | None = None):
    """One joining link for many of a scope's coming sessions: a series often meets in one online meeting."""
    user = request.user
    region = selectors.plannable_region_or_404(user, region_code) if region_code else None
    if region is None and not selectors.can_plan(user, None):
        raise PermissionDenied
    year = selectors.year_or_current(int_or_none(request.GET.get("year")))
    sessions = selectors.online_link_sessions(user, year, region) if year else []
    initial = {"sessions": [s.pk for s in sessions if not s.online_link]}
    form = forms.OnlineLinkForm(posted(request), sessions=sessions, initial=initial)
    reviewing = None
    if request.method == "POST" and form.is_valid():
        chosen = [s for s in sessions if s.pk in form.cleaned_data["sessions"]]
        if request.POST.get("action") != "set":
            reviewing = chosen  # emails go out: the change is confirmed from a form of hidden fields
        else:
            try:
                changed = services.sessions_set_online_link(
                    sessions=chosen, online_link=form.cleaned_data["online_link"], by=user
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    f"Joining link set for {changed} session{'s' if changed != 1 else ''}. Trainees "
                    "subscribed to the published ones are told by email.",
                )
                return redirect(f"{reverse('teaching:plan_list')}?year={year.pk}")
    context = {
        "region": region,
        "year": year,
        "sessions": sessions,
        "form": form,
        "chosen": {str(pk) for pk in (form["sessions"].value() or [])},
        "reviewing": reviewing,
    }
    return render(request, "teaching/online_links.jinja", context, status=form_status(form))
