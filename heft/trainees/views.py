from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from heft.accounts.access import requires
from heft.accounts.permissions import Perm
from heft.core.pagination import paginate
from heft.trainees.models import Trainee
from heft.trainees.selectors import current_membership, trainee_for, trainee_list_for


@requires(Perm.VIEW_TRAINEES)
@require_http_methods(["GET", "HEAD"])
@never_cache
def trainee_list(request):
    search = request.GET.get("q", "").strip()[:100]
    trainees = trainee_list_for(request.user, search=search)
    return render(
        request, "trainees/trainee_list.jinja", {"page": paginate(request, trainees), "search": search}
    )


@requires(Perm.VIEW_TRAINEES)
@require_http_methods(["GET", "HEAD"])
@never_cache
def trainee_detail(request, pk: int):
    trainee = trainee_for(request.user, pk)
    return _render_record(request, trainee, own=False)


@requires(Perm.VIEW_OWN_RECORD)
@require_http_methods(["GET", "HEAD"])
@never_cache
def me(request):
    trainee = get_object_or_404(Trainee, user=request.user)
    return _render_record(request, trainee_for(request.user, trainee.pk), own=True)


def _render_record(request, trainee: Trainee, *, own: bool):
    context = {"trainee": trainee, "membership": current_membership(trainee), "own": own}
    return render(request, "trainees/trainee_detail.jinja", context)
