from django import forms
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from heft.accounts.access import requires, signed_in
from heft.accounts.permissions import Perm
from heft.accounts.selectors import api_tokens_of, own_api_token_or_404
from heft.accounts.services import api_token_create, api_token_revoke


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, error_messages={"required": "Name the token after the tool that will use it."}
    )


@requires(Perm.USE_API_TOKENS)
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def api_tokens(request):
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _, new_token = api_token_create(name=form.cleaned_data["name"], by=request.user)
        form = ApiTokenForm()
    tokens = api_tokens_of(request.user)
    status = 400 if form.errors else 200
    context = {"form": form, "tokens": tokens, "new_token": new_token}
    return render(request, "accounts/api_tokens.jinja", context, status=status)


@requires(Perm.USE_API_TOKENS)
@require_POST
def api_token_revoke_view(request, pk: int):
    token = own_api_token_or_404(request.user, pk)
    api_token_revoke(token=token, by=request.user)
    return redirect("accounts:api_tokens")


@signed_in
@require_http_methods(["GET", "HEAD"])
def email_address(request):
    """In place of django-allauth's email page: the address a user signs in with is set by their programme
    team (it ties them to their records), so nobody adds or changes addresses here."""
    return render(request, "accounts/email_address.jinja", {"email": request.user.email})
