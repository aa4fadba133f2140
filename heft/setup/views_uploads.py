"""Bulk upload of posts and rotations: one page explaining both files, the two uploads and the templates."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from heft.accounts.access import requires
from heft.accounts.permissions import Perm, scope_for
from heft.programmes.selectors import categories_list, schemes_managed_by
from heft.setup import uploads
from heft.setup.forms_uploads import UploadForm
from heft.setup.uploads import KINDS, POSTS, ROTATIONS, ImportRejected, column_guide, problem_groups

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@requires(Perm.MANAGE_PROGRAMMES)
@require_http_methods(["GET", "HEAD"])
def upload(request):
    return _page(request)


@requires(Perm.MANAGE_PROGRAMMES)
@require_http_methods(["GET", "HEAD", "POST"])
def upload_posts(request):
    return _upload(request, POSTS, uploads.posts_upload)


@requires(Perm.MANAGE_PROGRAMMES)
@require_http_methods(["GET", "HEAD", "POST"])
def upload_rotations(request):
    return _upload(request, ROTATIONS, uploads.rotations_upload)


@requires(Perm.MANAGE_PROGRAMMES)
@require_http_methods(["GET", "HEAD"])
def upload_template(request, kind: str, fmt: str):
    content = uploads.upload_template(kind=kind, fmt=fmt, by=request.user)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="heft-{kind}-template.{fmt}"'
    return response


def _upload(request, kind: str, upload_file):
    if request.method != "POST":
        return redirect("setup:upload")  # the form is there: this address only takes the file
    form = UploadForm(request.POST, request.FILES, kind=kind)
    summary, problems = None, []
    if form.is_valid():
        file = form.cleaned_data["file"]
        try:
            summary = upload_file(data=file.read(), filename=file.name, by=request.user)
        except ImportRejected as rejected:
            problems = rejected.errors
    status = 400 if form.errors or problems else 200
    return _page(request, status=status, kind=kind, form=form, summary=summary, problems=problems)


def _page(request, *, status=200, kind=None, form=None, summary=None, problems=()):
    context = {
        "kind": kind,
        "forms": {k: form if k == kind else UploadForm(kind=k) for k in KINDS},
        "summary": summary,
        "problems": problems,
        "problem_groups": problem_groups(problems),
        "guides": {k: column_guide(k) for k in KINDS},
        "categories": categories_list(),
        "every_scheme": scope_for(request.user, Perm.MANAGE_PROGRAMMES).england,
        "schemes": schemes_managed_by(request.user),
    }
    return render(request, "setup/upload.jinja", context, status=status)
