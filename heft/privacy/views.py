from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from heft.accounts.access import requires
from heft.accounts.permissions import Perm, has_perm
from heft.core.forms import add_service_error
from heft.core.pagination import paginate
from heft.core.ratelimit import rate_limited
from heft.privacy import selectors, services
from heft.privacy.forms import ReviewDecisionForm, ReviewFilterForm
from heft.privacy.models import RetentionReview
from heft.privacy.retention import KINDS, policy_table
from heft.trainees.selectors import own_record_or_404

GET = ["GET", "HEAD"]


# --- subject access ---------------------------------------------------------------------------------------


@requires(Perm.VIEW_OWN_RECORD)
@require_http_methods(GET)
@never_cache
@rate_limited("exports")
def my_data(request):
    trainee = own_record_or_404(request.user)
    return _export_page(request, trainee, own=True)


@requires(Perm.VIEW_OWN_RECORD)
@require_http_methods(GET)
@never_cache
@rate_limited("exports")
def my_data_json(request):
    return _export_json(request, own_record_or_404(request.user))


@requires(Perm.EXPORT_PERSONAL_DATA)
@require_http_methods(GET)
@never_cache
def home(request):
    search = request.GET.get("q", "").strip()[:100]
    trainees = selectors.trainees_exportable_by(request.user, search=search)
    context = {
        "page": paginate(request, trainees),
        "search": search,
        "pending_reviews": selectors.retention_reviews_for(
            request.user, status=RetentionReview.Status.PENDING
        ).count(),
        "can_review": has_perm(request.user, Perm.MANAGE_RETENTION),
        "can_audit": has_perm(request.user, Perm.VIEW_AUDIT),
    }
    return render(request, "privacy/home.jinja", context)


@requires(Perm.EXPORT_PERSONAL_DATA)
@require_http_methods(GET)
@never_cache
@rate_limited("exports")
def trainee_export(request, pk: int):
    return _export_page(request, selectors.trainee_for_export(request.user, pk), own=False)


@requires(Perm.EXPORT_PERSONAL_DATA)
@require_http_methods(GET)
@never_cache
@rate_limited("exports")
def trainee_export_json(request, pk: int):
    return _export_json(request, selectors.trainee_for_export(request.user, pk))


def _export_page(request, trainee, *, own: bool):
    export = services.subject_access_export(trainee=trainee, by=request.user, fmt="html")
    context = {"export": export, "trainee": trainee, "own": own, "policy": policy_table()}
    return render(request, "privacy/export.jinja", context)


def _export_json(request, trainee):
    export = services.subject_access_export(trainee=trainee, by=request.user, fmt="json")
    response = JsonResponse(
        export.as_json(), encoder=DjangoJSONEncoder, json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="heft-hub-data-trainee-{trainee.pk}-{day}.json"'
    return response


# --- retention --------------------------------------------------------------------------------------------


@requires(Perm.MANAGE_RETENTION)
@require_http_methods(GET)
@never_cache
def retention_list(request):
    form = ReviewFilterForm(request.GET or {"status": RetentionReview.Status.PENDING})
    filters = form.cleaned_data if form.is_valid() else {"status": RetentionReview.Status.PENDING}
    reviews = selectors.retention_reviews_for(request.user, **filters)
    query = urlencode({k: v for k, v in filters.items() if v})
    context = {
        "form": form,
        "page": paginate(request, reviews),
        "query": f"{query}&" if query else "",
        "policy": policy_table(),
    }
    return render(request, "privacy/retention_list.jinja", context)


@requires(Perm.MANAGE_RETENTION)
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def retention_review(request, pk: int):
    review = selectors.retention_review_for(request.user, pk)
    form = ReviewDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and _decided(request, review, form):
        return redirect("privacy:retention_list")
    status = 400 if form.errors else 200
    return render(request, "privacy/retention_review.jinja", _review_context(review, form), status=status)


def _decided(request, review, form) -> bool:
    """Run the decision; put a refusal on the form. True when it was made."""
    data = form.cleaned_data
    try:
        if data["decision"] == "approve":
            counts = services.retention_approve(review=review, by=request.user)
            messages.success(request, f"Done: {sum(counts.values())} records erased or changed.")
        else:
            services.retention_reject(
                review=review, by=request.user, reason=data["reason"], keep_until=data["keep_until"]
            )
            messages.success(request, f"Kept until {data['keep_until']:%-d %B %Y}.")
    except ValidationError as error:
        add_service_error(form, error)
        return False
    return True


def _review_context(review, form) -> dict:
    kind = KINDS[review.kind]
    target = selectors.retention_target(review)
    pending = review.status == RetentionReview.Status.PENDING
    preview = kind.preview(target) if target is not None and pending else {}
    return {
        "review": review,
        "kind": kind,
        "target_exists": target is not None,
        "preview": {name: count for name, count in preview.items() if count},
        "form": form,
        "pending": pending,
    }
