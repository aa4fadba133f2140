import time
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from heft.accounts.access import requires
from heft.accounts.permissions import Perm
from heft.core.exports import csv_response
from heft.core.pagination import paginate
from heft.core.ratelimit import rate_limited
from heft.practices.forms import DeepEndApplyForm, DeepEndOverrideForm, DeepEndRuleForm, ImportUploadForm
from heft.practices.models import Practice
from heft.practices.selectors import (
    can_manage_practice,
    deep_end_count,
    imports_list,
    latest_rule_application,
    placements_at,
    practices_decided_by_hand,
    practices_list,
    rule_application,
    rule_application_under_way,
    rule_applications,
)
from heft.practices.selectors import deep_end_rule_preview as deep_end_rule_preview_of
from heft.practices.selectors import import_detail as select_import
from heft.practices.selectors import practice_detail as select_practice
from heft.practices.services import data_import_upload, practice_deep_end_override
from heft.practices.services import deep_end_rule_apply as apply_confirmed_rule

POLL_SECONDS = 2
RULE_FIELDS = ("measure", "method", "top_n", "per_region", "missing_to_no")


@requires(Perm.VIEW_PRACTICES)
@require_http_methods(["GET", "HEAD"])
def practice_list(request):
    search = request.GET.get("q", "").strip()[:100]
    deep_end_only = request.GET.get("deep_end") == "1"
    practices = practices_list(search=search, deep_end_only=deep_end_only)
    context = {"page": paginate(request, practices), "search": search, "deep_end_only": deep_end_only}
    return render(request, "practices/practice_list.jinja", context)


@requires(Perm.VIEW_PRACTICES)
@require_http_methods(["GET", "HEAD"])
@never_cache
def practice_detail(request, ods_code: str):
    practice = _practice_or_404(ods_code)
    return _render_practice(request, practice, DeepEndOverrideForm(initial=_override_initial(practice)))


@requires(Perm.MANAGE_PRACTICES)
@require_POST
def practice_deep_end(request, ods_code: str):
    practice = _practice_or_404(ods_code)
    if not can_manage_practice(request.user, practice):
        raise Http404  # Out of scope looks the same as absent.
    form = DeepEndOverrideForm(request.POST)
    if form.is_valid():
        try:
            practice = practice_deep_end_override(
                practice=practice, decision=form.override, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            status = "Deep End" if practice.is_deep_end else "not Deep End"
            messages.success(request, f"{practice.name} is now {status}.")
            return redirect("practices:practice_detail", ods_code=practice.ods_code)
    return _render_practice(request, practice, form, status=400)


def _practice_or_404(ods_code: str) -> Practice:
    try:
        return select_practice(ods_code)
    except Practice.DoesNotExist:
        raise Http404 from None


def _override_initial(practice: Practice) -> dict:
    decision = {None: "rule", True: "yes", False: "no"}[practice.deep_end_override]
    return {"decision": decision}


def _render_practice(request, practice: Practice, form, status: int = 200):
    context = {
        "practice": practice,
        "placements": placements_at(request.user, practice),
        "can_manage": can_manage_practice(request.user, practice),
        "form": form,
    }
    return render(request, "practices/practice_detail.jinja", context, status=status)


# --- imports ----------------------------------------------------------------------------------------------


@requires(Perm.IMPORT_DATA)
@require_http_methods(["GET", "HEAD", "POST"])
def import_list(request):
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data_import = data_import_upload(
                source=form.cleaned_data["source"], file_name=upload.name, data=upload.read(), by=request.user
            )
            return redirect("practices:import_detail", pk=data_import.pk)
        return _render_imports(request, form, status=400)
    return _render_imports(request, ImportUploadForm())


def _render_imports(request, form, status: int = 200):
    context = {"form": form, "page": paginate(request, imports_list()), "rule": latest_rule_application()}
    return render(request, "practices/import_list.jinja", context, status=status)


@requires(Perm.IMPORT_DATA)
@require_http_methods(["GET", "HEAD"])
@never_cache
def import_detail(request, pk: int):
    """The import's status; while it runs, htmx asks again every few seconds for the status panel alone."""
    data_import = _or_404(select_import, pk)
    context = {"data_import": data_import, "poll_seconds": POLL_SECONDS, "problems_shown": 200}
    if request.headers.get("HX-Request"):
        return render(request, "practices/_import_status.jinja", context)
    return render(request, "practices/import_detail.jinja", context)


@requires(Perm.IMPORT_DATA)
@require_http_methods(["GET", "HEAD"])
@rate_limited("exports")
def import_problems(request, pk: int):
    data_import = _or_404(select_import, pk)
    rows = [[p["line"] or "", p["column"], p["message"]] for p in data_import.problems]
    return csv_response(f"import-{pk}-problems.csv", ["Line", "Column", "Problem"], rows)


def _or_404(get, pk: int):
    try:
        return get(pk)
    except ObjectDoesNotExist:
        raise Http404 from None


# --- the Deep End rule: choose, look at what it would change, confirm, follow it ----------------------------


@requires(Perm.IMPORT_DATA)
@require_http_methods(["GET", "HEAD"])
@never_cache
def deep_end_rule(request):
    """The rule to preview (the one in force, or the one being changed), the rules applied and the practices
    decided by hand."""
    chosen = request.GET.dict() if "measure" in request.GET else {}
    form = DeepEndRuleForm(initial=chosen or _rule_in_force())
    return _render_rule_page(request, form)


@requires(Perm.IMPORT_DATA)
@require_http_methods(["GET", "HEAD"])
@never_cache
def deep_end_rule_preview(request):
    """What the rule would change, practice by practice and rotation by rotation. Nothing changes here.
    Without a rule in the address, the rule in force: what applying it again to the data now would do."""
    form = DeepEndRuleForm(request.GET if "measure" in request.GET else _rule_in_force())
    if not form.is_valid():
        return _render_rule_page(request, form, status=400)
    try:
        plan = deep_end_rule_preview_of(form.choice())
    except ValidationError as error:
        form.add_error(None, error)
        return _render_rule_page(request, form, status=400)
    context = {"plan": plan, "form": form, "query": _rule_query(form.choice().as_fields())}
    context["toggled_query"] = _rule_query(
        {**form.choice().as_fields(), "missing_to_no": not plan.choice.missing_to_no}
    )
    return render(request, "practices/deep_end_preview.jinja", context)


@requires(Perm.IMPORT_DATA)
@require_POST
def deep_end_rule_apply(request):
    """Posted from the preview: the changes in numbers, to confirm (nothing is applied yet). Posted with
    `confirm`: the rule is applied, at once or in the background, and its page follows it."""
    form = DeepEndApplyForm(request.POST)
    if not form.is_valid():
        return _render_rule_page(request, _rule_form_with_errors(form), status=400)
    choice, query = form.choice(), _rule_query(form.choice().as_fields())
    if form.cleaned_data["confirm"]:
        try:
            application = apply_confirmed_rule(
                choice=choice,
                expected=form.cleaned_data["expected"],
                expected_seconds=form.cleaned_data["estimate"] or 0.0,
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return _render_rule_page(request, form, status=400)
        return redirect("practices:deep_end_rule_application", pk=application.pk)
    started = time.monotonic()
    plan = deep_end_rule_preview_of(choice)
    if plan.digest != form.cleaned_data["expected"]:
        messages.warning(
            request, "The data changed after you looked: these are the changes the rule makes now."
        )
        return redirect(f"{reverse('practices:deep_end_rule_preview')}?{query}")
    # Applying works the plan out again and saves it: about twice the time it took here.
    estimate = round(2 * (time.monotonic() - started), 2)
    context = {"plan": plan, "form": form, "query": query, "estimate": estimate}
    return render(request, "practices/deep_end_confirm.jinja", context)


@requires(Perm.IMPORT_DATA)
@require_http_methods(["GET", "HEAD"])
@never_cache
def deep_end_rule_application(request, pk: int):
    """A rule application's progress and outcome; while it runs, htmx asks again for the status panel."""
    application = _or_404(rule_application, pk)
    rule_query = _rule_query({name: getattr(application, name) for name in RULE_FIELDS})
    context = {"application": application, "poll_seconds": POLL_SECONDS, "rule_query": rule_query}
    if request.headers.get("HX-Request"):
        return render(request, "practices/_rule_status.jinja", context)
    return render(request, "practices/deep_end_application.jinja", context)


def _rule_form_with_errors(form: DeepEndApplyForm) -> DeepEndRuleForm:
    """The rule's own form, to show the errors of a post from the preview on the rule page."""
    rule_form = DeepEndRuleForm(form.data)
    if rule_form.is_valid() or "expected" in form.errors:
        rule_form.add_error(None, "Look at what the rule would change before applying it.")
    return rule_form


def _rule_in_force() -> dict:
    latest = latest_rule_application()
    if latest is None:
        return {"measure": "imd_score", "method": "decile"}
    return {name: getattr(latest, name) for name in RULE_FIELDS}


def _rule_query(fields: dict) -> str:
    """The rule as an address's query, as the rule form reads it (a box left unticked is left out)."""
    return urlencode({k: "on" if v is True else v for k, v in fields.items() if v not in (None, False)})


def _render_rule_page(request, form, status: int = 200):
    context = {
        "form": form,
        "latest": latest_rule_application(),
        "under_way": rule_application_under_way(),
        "history": paginate(request, rule_applications()),
        "deep_end_count": deep_end_count(),
        "overridden": practices_decided_by_hand(),
    }
    return render(request, "practices/deep_end_rule.jinja", context, status=status)
