"""The recruitment export upload. Every row is checked before anything is written. A national export holds
rows for schemes the importer does not manage: the page then lists them (row, scheme, why) and imports the
rest only when the importer confirms; the file waits in their session until then, and leaving the page
forgets it."""

import base64
import secrets

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from heft.accounts.access import requires
from heft.accounts.permissions import Perm, scope_for
from heft.preferencing.forms import TraineeImportConfirmForm, TraineeImportForm
from heft.preferencing.trainee_import import (
    FILE_ROW,
    ImportRejected,
    OtherSchemesInFile,
    RowError,
    trainees_import,
)
from heft.programmes.selectors import schemes_managed_by

WAITING = "preferencing.trainee_import.waiting"  # the session key of the file waiting for confirmation
NOT_WAITING = "This file is no longer waiting to be imported: nothing was imported. Choose the file again."


@requires(Perm.MANAGE_ALLOCATIONS)
@require_http_methods(["GET", "HEAD", "POST"])
def trainee_import(request):
    if request.method != "POST":
        request.session.pop(WAITING, None)  # Cancel (or any new visit) forgets a file waiting to be confirmed
        return _page(request)
    if "upload" in request.POST:
        return _confirm(request)
    form = TraineeImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    upload = form.cleaned_data["file"]
    return _import(request, data=upload.read(), filename=upload.name)


def _confirm(request):
    confirm = TraineeImportConfirmForm(request.POST)
    waiting = request.session.pop(WAITING, None)
    if not (confirm.is_valid() and waiting and waiting["token"] == confirm.cleaned_data["upload"]):
        return _page(request, errors=[RowError(FILE_ROW, None, NOT_WAITING)], status=400)
    data = base64.b64decode(waiting["data"])
    return _import(request, data=data, filename=waiting["filename"], agreed_skips=waiting["skipped"])


def _import(request, *, data: bytes, filename: str, agreed_skips=()):
    try:
        summary = trainees_import(
            data=data,
            filename=filename,
            by=request.user,
            allowed_scheme_ids=_allowed_scheme_ids(request.user),
            agreed_skips=agreed_skips,
        )
    except OtherSchemesInFile as found:
        return _page(request, preview=_keep_waiting(request, data, filename, found))
    except ImportRejected as rejected:
        return _page(request, errors=rejected.errors, status=400)
    return _page(request, summary=summary)


def _allowed_scheme_ids(user) -> set[int] | None:
    if scope_for(user, Perm.MANAGE_ALLOCATIONS).england:
        return None
    return {scheme.pk for scheme in schemes_managed_by(user)}


def _keep_waiting(request, data: bytes, filename: str, found: OtherSchemesInFile) -> dict:
    """Keep the file in the session until the importer confirms; what the preview shows of it."""
    token = secrets.token_urlsafe(16)
    request.session[WAITING] = {
        "token": token,
        "filename": filename,
        "data": base64.b64encode(data).decode("ascii"),
        "skipped": [s.row for s in found.skipped],
    }
    return {"token": token, "filename": filename, "skipped": found.skipped, "to_import": found.rows_to_import}


def _page(request, *, form=None, summary=None, errors=(), preview=None, status: int = 200):
    context = {
        "form": form or TraineeImportForm(),
        "summary": summary,
        "errors": list(errors),
        "preview": preview,
    }
    return render(request, "preferencing/staff/trainee_import.jinja", context, status=status)
