from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from heft.accounts.access import requires
from heft.accounts.permissions import Perm
from heft.core.pagination import paginate
from heft.core.ratelimit import rate_limited
from heft.practices.forms import DeepEndOverrideForm, DeepEndRuleForm, ImportUploadForm
from heft.practices.models import DataImport, DeepEndRuleApplication, Practice
from heft.practices.selectors import (
    can_manage_practice,
    imports_list,
    latest_rule_application,
    placements_at,
    practices_list,
)
from heft.practices.selectors import practice_detail as select_practice
from heft.practices.services import data_import_upload, deep_end_rule_apply, practice_deep_end_override
from heft.reports.exports import csv_response

POLL_SECONDS = 2


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
    data_import = get_object_or_404(DataImport.objects.select_related("by"), pk=pk)
    context = {"data_import": data_import, "poll_seconds": POLL_SECONDS, "problems_shown": 200}
    if request.headers.get("HX-Request"):
        return render(request, "practices/_import_status.jinja", context)
    return render(request, "practices/import_detail.jinja", context)


@requires(Perm.IMPORT_DATA)
@require_http_methods(["GET", "HEAD"])
@rate_limited("exports")
def import_problems(request, pk: int):
    data_import = get_object_or_404(DataImport.objects.only("pk", "problems"), pk=pk)
    rows = [[p["line"] or "", p["column"], p["message"]] for p in data_import.problems]
    return csv_response(f"import-{pk}-problems.csv", ["Line", "Column", "Problem"], rows)


@requires(Perm.IMPORT_DATA)
@require_http_methods(["GET", "HEAD", "POST"])
def deep_end_rule(request):
    latest = latest_rule_application()
    initial = {"measure": "imd_score", "method": "decile"}
    if latest:
        initial = {f: getattr(latest, f) for f in ("measure", "method", "top_n", "per_region")}
    form = DeepEndRuleForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            application = deep_end_rule_apply(**form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            found = application
            messages.success(
                request,
                f"Rule applied. Deep End: {found.deep_end:,} of the {found.assessed:,} practices ranked "
                f"({found.changed:,} changed).",
            )
            return redirect("practices:deep_end_rule")
    context = {
        "form": form,
        "latest": latest,
        "history": paginate(request, DeepEndRuleApplication.objects.select_related("by")),
        "deep_end_count": Practice.objects.filter(is_deep_end=True).count(),
        "overridden": Practice.objects.filter(deep_end_override__isnull=False).order_by("name"),
    }
    return render(request, "practices/deep_end_rule.jinja", context, status=400 if form.errors else 200)
