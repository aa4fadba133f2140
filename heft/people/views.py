"""People pages: the staff in one's scope and their invitations, inviting, changing and removing roles, and
the public page where an invited person sets their password."""

from allauth.account.internal.flows.reauthentication import reauthenticate_by_password
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from heft.accounts import services as accounts
from heft.accounts.access import public, requires
from heft.accounts.invitations import ROLE_PHRASES
from heft.accounts.permissions import STAFF_ROLES, Perm
from heft.core.forms import add_service_error, saved
from heft.core.pagination import paginate
from heft.people import selectors, services
from heft.people.forms import InviteForm, PasswordForm, RoleForm, RolePickForm
from heft.people.services import MentorDetails

# A sign-in made by an invitation is a password sign-in like any other (allauth's backend adds nothing here).
SIGN_IN_BACKEND = "django.contrib.auth.backends.ModelBackend"


@requires(Perm.MANAGE_PEOPLE)
@require_http_methods(["GET", "HEAD"])
@never_cache
def person_list(request):
    search = request.GET.get("q", "").strip()[:100]
    showing = "invitations" if request.GET.get("show") == "invitations" else "staff"
    status = request.GET.get("status", "")
    status = status if status in selectors.INVITATION_STATUSES else ""
    staff = selectors.staff_visible_to(request.user, search=search)
    invitations = selectors.invitations_visible_to(request.user, search=search, status=status)
    page = paginate(request, staff if showing == "staff" else invitations)
    context = {
        "showing": showing,
        "search": search,
        "status": status,
        "statuses": selectors.INVITATION_STATUSES,
        "page": page,
        "counts": {"staff": staff.count(), "invitations": invitations.count()},
        "manageable": {
            record.pk for record in _records_on(page, showing) if selectors.may_manage(request.user, record)
        },
        "can_invite": bool(selectors.grant_choices(request.user).roles),
        "now": timezone.now(),
    }
    return render(request, "people/person_list.jinja", context)


@requires(Perm.MANAGE_PEOPLE)
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def invite(request):
    """Two questions: which role (a page of its own), then who and what that role needs."""
    choices = selectors.grant_choices(request.user)
    role = _chosen_role(request, choices)
    if role is None:
        return _pick_role(request, choices, "people/invite_role.jinja")
    form = InviteForm(_posted(request), choices=choices, role=role)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.person_invite(by=request.user, **form.service_arguments())
        except ValidationError as error:
            add_service_error(form, form.with_field_names(error))
        else:
            messages.success(request, _invited_message(outcome))
            return redirect(reverse("people:person_list") + _after_invite(outcome))
    status = 400 if form.errors else 200
    return render(request, "people/invite.jinja", {"form": form}, status=status)


@requires(Perm.MANAGE_PEOPLE)
@require_POST
def invitation_resend(request, pk: int):
    invitation = selectors.invitation_managed_by(request.user, pk)
    if _done(request, lambda: accounts.invitation_resend(invitation=invitation, by=request.user)):
        messages.success(
            request,
            f"Invitation sent again to {invitation.user.email}: the new link works for "
            f"{accounts.INVITATION_DAYS} days and the earlier one no longer works.",
        )
    return redirect(_invitations_page())


@requires(Perm.MANAGE_PEOPLE)
@require_POST
def invitation_revoke(request, pk: int):
    invitation = selectors.invitation_managed_by(request.user, pk)
    if _done(request, lambda: accounts.invitation_revoke(invitation=invitation, by=request.user)):
        messages.success(request, f"Invitation to {invitation.user.email} revoked: its link no longer works.")
    return redirect(_invitations_page())


@requires(Perm.MANAGE_PEOPLE)
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def role_edit(request, pk: int):
    """The role as it is held, to change where it is held (or a mentor's details); another role is chosen
    on a page of its own (?choose), then its questions come here."""
    assignment = selectors.role_managed_by(request.user, pk)
    choices = selectors.grant_choices(request.user)
    context = {"assignment": assignment, "person": assignment.user}
    role = _chosen_role(request, choices, held=assignment.role)
    if role is None:
        return _pick_role(request, choices, "people/role_edit_role.jinja", context)
    mentor = MentorDetails.of(selectors.mentor_profile_of(assignment.user))
    initial = RoleForm.initial_for(assignment, mentor)
    form = RoleForm(_posted(request), choices=choices, role=role, initial=initial)

    def change():
        try:
            services.person_role_change(assignment=assignment, by=request.user, **form.service_arguments())
        except ValidationError as error:
            raise form.with_field_names(error) from error

    if request.method == "POST" and saved(form, change):
        messages.success(request, f"Role of {_name(assignment.user)} changed.")
        return redirect("people:person_list")
    context["form"] = form
    return render(request, "people/role_edit.jinja", context, status=400 if form.errors else 200)


@requires(Perm.MANAGE_PEOPLE)
@require_POST
def role_remove(request, pk: int):
    assignment = selectors.role_managed_by(request.user, pk)
    if not _done(request, lambda: accounts.role_remove(assignment=assignment, by=request.user)):
        return redirect("people:role_edit", pk=pk)
    messages.success(request, f"{_name(assignment.user)} no longer holds the role {assignment}.")
    return redirect("people:person_list")


@public
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def invitation_accept(request, token: str):
    """The link in an invitation: set a password, and be signed in. Every link that does not work gets the
    same page, whatever the reason, so that a link says nothing about an account."""
    invitation = accounts.invitation_from_token(token)
    if invitation is None:
        return _link_not_live(request)
    if request.user.is_authenticated and request.user.pk != invitation.user_id:
        # Someone else's session in this browser: they sign out first (a button on the page), so that
        # nobody is signed in as another person or sets a password while signed in as themself.
        status = 409 if request.method == "POST" else 200
        return render(request, "people/invitation_signed_in.jinja", {"invitation": invitation}, status=status)
    form = PasswordForm(invitation.user, _posted(request))
    if request.method == "POST" and form.is_valid():
        password = form.cleaned_data["new_password1"]
        try:
            assignment = services.invitation_take_up(invitation=invitation, password=password)
        except ValidationError:  # used or revoked while the form was open
            return _link_not_live(request)
        return _signed_in(request, assignment)
    context = {
        "form": form,
        "invitation": invitation,
        "role_phrase": ROLE_PHRASES[invitation.role],
        "staff": invitation.role in STAFF_ROLES,
    }
    return render(request, "people/invitation_accept.jinja", context, status=400 if form.errors else 200)


# --- the pieces ---------------------------------------------------------------------------------------------


def _chosen_role(request, choices, held: str | None = None) -> str | None:
    """The role the form answers for: posted with it, or named in the address (?role=), else the role as
    held; None when it is not one the user may give, or when ?choose asks for the question again."""
    if request.method == "POST":
        role = request.POST.get("role")
    elif "choose" in request.GET:
        return None
    else:
        role = request.GET.get("role", held)
    return role if role in choices.roles else None


def _pick_role(request, choices, template: str, context: dict | None = None):
    """The page asking which role: its answer comes back in the address (?step=role&role=...)."""
    answered = request.POST if request.method == "POST" else request.GET if "step" in request.GET else None
    initial = {"role": request.GET.get("role")}
    pick = RolePickForm(answered, choices=choices, initial=initial)
    if answered is not None:
        pick.is_valid()  # an unanswered question says so
    status = 400 if pick.errors else 200
    return render(request, template, {**(context or {}), "pick": pick}, status=status)


def _posted(request):
    """The form's data when posted (an empty post too, so that it is refused), else None."""
    return request.POST if request.method == "POST" else None


def _signed_in(request, assignment):
    user = assignment.user
    if is_mfa_enabled(user):  # a password alone never signs in someone who has an authenticator
        messages.success(request, "Your password is set. Sign in with it and a code from your authenticator.")
        return redirect("account_login")
    login(request, user, backend=SIGN_IN_BACKEND)
    # They typed the password a moment ago: django-allauth need not ask for it again before they add an
    # authenticator (its reauthentication step), as it would after a plain sign-in.
    reauthenticate_by_password(request)
    if assignment.role in STAFF_ROLES:
        messages.success(
            request,
            "Your password is set and you are signed in. Now set up an authenticator app: every staff "
            "sign-in asks for a code from it.",
        )
    else:
        messages.success(request, "Your password is set and you are signed in.")
    return redirect("home")


def _link_not_live(request):
    context = {"message": accounts.INVITATION_NOT_LIVE}
    return render(request, "people/invitation_not_live.jinja", context, status=404)


def _records_on(page, showing: str) -> list:
    if showing == "invitations":
        return list(page.object_list)
    return [role for person in page.object_list for role in person.roles_in_scope]


def _done(request, action) -> bool:
    """Run a service's action; a refusal is shown as an error message. True when done."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    return True


def _invited_message(outcome: accounts.InvitationOutcome) -> str:
    if outcome.granted is not None:
        granted = outcome.granted
        return (
            f"{granted.user.email} already had a sign-in: they now hold the role {granted} and have been "
            "told by email."
        )
    invitation = outcome.invitation
    again = " again, with a new link (the earlier one no longer works)" if invitation.times_sent > 1 else ""
    return (
        f"Invitation sent{again} to {invitation.user.email}. The link works for "
        f"{accounts.INVITATION_DAYS} days."
    )


def _after_invite(outcome: accounts.InvitationOutcome) -> str:
    return "" if outcome.granted is not None else "?show=invitations"


def _invitations_page() -> str:
    return reverse("people:person_list") + "?show=invitations"


def _name(user) -> str:
    return user.get_full_name() or user.email
