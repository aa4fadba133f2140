"""A trainee's record page, at /trainees/ (its routes keep the `trainees:` names, see trainee_urls.py): their
whole journey, gathered from the apps below this one, and the forms the programme team decides on it with.
Each form that comes back with errors shows the page again, so they all live here with it."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from heft.accounts.access import requires
from heft.accounts.invitations import latest_invitation
from heft.accounts.models import Role
from heft.accounts.permissions import Perm
from heft.audit.services import audit_view_in_transaction
from heft.core.forms import saved
from heft.home import presenters
from heft.home.journey import journey_for
from heft.trainees import services
from heft.trainees.forms import (
    CompletionForm,
    ExtensionForm,
    HeftModeForm,
    HeftPlaceForm,
    InterruptionForm,
    LtftApplyForm,
    LtftChangeForm,
    LtftDecisionForm,
    ReturnForm,
    ReturningIntakeForm,
)
from heft.trainees.models import Interruption, ProgrammeMembership, Trainee
from heft.trainees.selectors import (
    can_manage,
    heft_place_risks,
    interruption_managed_by,
    ltft_change_managed_by,
    ltft_notice,
    ltft_rows,
    membership_managed_by,
    own_membership,
    own_record,
    trainee_for,
)

POST = ["POST"]


@requires(Perm.VIEW_TRAINEES)
@require_http_methods(["GET", "HEAD"])
@never_cache
def trainee_detail(request, pk: int):
    trainee = trainee_for(request.user, pk)
    audit_view_in_transaction(by=request.user, target=trainee, page="trainee record")
    return _render_record(request, trainee, own=False)


@requires(Perm.VIEW_OWN_RECORD)
@require_http_methods(["GET", "HEAD"])
@never_cache
def me(request):
    trainee = own_record(request.user)
    if trainee is None:
        raise Http404("You have no trainee record.")
    return _render_record(request, trainee_for(request.user, trainee.pk), own=True)


@requires(Perm.VIEW_OWN_RECORD)
@require_http_methods(POST)
def ltft_apply(request):
    """The trainee applies to change their working pattern; the programme team decides."""
    membership = own_membership(request.user)
    form = LtftApplyForm(request.POST)
    applied = []

    def apply():
        arguments = form.service_arguments()
        applied.append(services.ltft_apply(membership=membership, by=request.user, **arguments))

    if saved(form, apply):
        notice = ltft_notice(membership, applied[0].start_date, applied[0].requested_on)
        messages.success(request, "Application sent: your programme team will decide, and we will email you.")
        if notice.short:
            messages.warning(request, f"Short notice: {notice.text}")
        return redirect("trainees:me")
    trainee = trainee_for(request.user, membership.trainee_id)
    return _render_record(request, trainee, own=True, status=400, apply_form=form)


@requires(Perm.MANAGE_TRAINEES)
@require_http_methods(POST)
def interruption_add(request, pk: int):
    membership = membership_managed_by(request.user, pk)
    form = InterruptionForm(request.POST)
    return _decided(
        request, pk, form, {"interruption_form": form},
        lambda: services.interruption_record(
            membership=membership, by=request.user, **form.service_arguments()
        ),
        lambda _: "Time out of training recorded; the CCT estimate is worked out again.",
    )  # fmt: skip


@requires(Perm.MANAGE_TRAINEES)
@require_http_methods(POST)
def training_return(request, pk: int, interruption_pk: int):
    interruption = interruption_managed_by(request.user, pk, interruption_pk)
    form = ReturnForm(request.POST)
    return _decided(
        request, pk, form, {"return_form": form},
        lambda: services.training_return(interruption=interruption, by=request.user, **form.cleaned_data),
        lambda _: "Return to training recorded; the CCT estimate is worked out again.",
    )  # fmt: skip


@requires(Perm.MANAGE_TRAINEES)
@require_http_methods(POST)
def heft_place_decide(request, pk: int, interruption_pk: int):
    """Keep or release the HEFT place that this time out puts at risk."""
    interruption = interruption_managed_by(request.user, pk, interruption_pk)
    form = HeftPlaceForm.for_interruption(interruption.pk, request.POST)

    def message(_):
        decision = Interruption.HeftPlace(form.cleaned_data["decision"])
        return f"{decision.label}; the trainee is being emailed why."

    return _decided(
        request, pk, form, {"heft_place_forms": {interruption.pk: form}},
        lambda: services.heft_place_decide(interruption=interruption, by=request.user, **form.cleaned_data),
        message,
    )  # fmt: skip


@requires(Perm.MANAGE_TRAINEES)
@require_http_methods(POST)
def returning_intake(request, pk: int):
    membership = membership_managed_by(request.user, pk)
    form = ReturningIntakeForm(request.POST)

    def message(_):
        intake = form.cleaned_data["intake"]
        return f"Returning with the {intake} intake." if intake else "No returning intake."

    return _decided(
        request, pk, form, {"returning_form": form},
        lambda: services.returning_intake_set(membership=membership, by=request.user, **form.cleaned_data),
        message,
    )  # fmt: skip


@requires(Perm.MANAGE_TRAINEES)
@require_http_methods(POST)
def ltft_change_add(request, pk: int):
    membership = membership_managed_by(request.user, pk)
    form = LtftChangeForm(request.POST)
    return _decided(
        request, pk, form, {"ltft_form": form},
        lambda: services.ltft_change_record(
            membership=membership, by=request.user, **form.service_arguments()
        ),
        lambda _: "Change to the working pattern recorded; the CCT estimate is worked out again.",
    )  # fmt: skip


@requires(Perm.MANAGE_TRAINEES)
@require_http_methods(POST)
def ltft_change_decide(request, pk: int, change_pk: int):
    """Approve or decline a trainee's application, with a note."""
    change = ltft_change_managed_by(request.user, pk, change_pk)
    form = LtftDecisionForm.for_change(change.pk, request.POST)

    def decide():
        note, decision = form.cleaned_data["note"], form.cleaned_data["decision"]
        service = services.ltft_change_approve if decision == "approve" else services.ltft_change_decline
        return service(change=change, note=note, by=request.user)

    return _decided(
        request, pk, form, {"ltft_decision_forms": {change.pk: form}}, decide,
        lambda decided: f"{decided} {decided.get_status_display().lower()}; the trainee is being emailed.",
    )  # fmt: skip


@requires(Perm.MANAGE_TRAINEES)
@require_http_methods(POST)
def training_complete(request, pk: int):
    membership = membership_managed_by(request.user, pk)
    form = CompletionForm(request.POST)
    return _decided(
        request, pk, form, {"completion_form": form},
        lambda: services.training_complete(membership=membership, by=request.user, **form.cleaned_data),
        lambda _: "Completion recorded: they are now a HEFT alumnus.",
    )  # fmt: skip


@requires(Perm.MANAGE_TRAINEES)
@require_http_methods(POST)
def training_extend(request, pk: int):
    membership = membership_managed_by(request.user, pk)
    form = ExtensionForm(request.POST)
    return _decided(
        request, pk, form, {"extension_form": form},
        lambda: services.training_extend(membership=membership, by=request.user, **form.cleaned_data),
        lambda _: "Extension recorded; the CCT estimate is worked out again.",
    )  # fmt: skip


@requires(Perm.MANAGE_TRAINEES)
@require_http_methods(POST)
def heft_mode(request, pk: int):
    membership = membership_managed_by(request.user, pk)
    form = HeftModeForm(request.POST)
    return _decided(
        request, pk, form, {"heft_form": form},
        lambda: services.heft_mode_change(membership=membership, by=request.user, **form.cleaned_data),
        lambda _: f"HEFT mode changed: {ProgrammeMembership.HeftMode(form.cleaned_data['heft_mode']).label}.",
    )  # fmt: skip


def _decided(request, pk: int, form, shown: dict, save, message):
    """The programme team's forms on the record: a saved one goes back to the record with `message(result)`;
    one with errors shows the record again with it, under the context names in `shown`."""
    results = []
    if saved(form, lambda: results.append(save())):
        messages.success(request, message(results[0]))
        return redirect("trainees:trainee_detail", pk=pk)
    return _render_record(request, trainee_for(request.user, pk), own=False, status=400, **shown)


def _render_record(request, trainee: Trainee, *, own: bool, status: int = 200, **forms):
    journey = journey_for(trainee, viewer=request.user, own=own)
    membership = journey.membership
    manage = not own and can_manage(request.user, trainee) and membership is not None
    decisions = _decisions(membership, forms)
    context = {
        "trainee": trainee,
        "journey": journey,
        "membership": membership,
        "own": own,
        "manage": manage,
        **_forms(membership, forms),
        "heft_place_forms": decisions["heft_place_forms"],
        "sign_in": presenters.sign_in(_sign_in_state(trainee)) if manage else None,
        "allowance": _allowance(),
        "forms_with_errors": [f for f in _all_forms(forms) if f.errors],
        **presenters.record(
            journey, own=own, manage=manage, risks=decisions["risks"], ltft_rows=decisions["ltft_rows"],
            ltft_forms=decisions["ltft_decision_forms"],
        ),
    }  # fmt: skip
    return render(request, "home/trainee_detail.jinja", context, status=status)


def _forms(membership, forms: dict) -> dict:
    """The record's forms, each a bound one when it came back with errors."""
    return {
        "interruption_form": forms.get("interruption_form") or InterruptionForm(),
        "ltft_form": forms.get("ltft_form") or LtftChangeForm(),
        "return_form": forms.get("return_form") or ReturnForm(),
        "heft_form": forms.get("heft_form") or _heft_form(membership),
        "apply_form": forms.get("apply_form") or LtftApplyForm(),
        "returning_form": forms.get("returning_form") or _returning_form(membership),
        "completion_form": forms.get("completion_form") or CompletionForm(),
        "extension_form": forms.get("extension_form") or ExtensionForm(),
    }


def _decisions(membership, forms: dict) -> dict:
    """What waits for the programme team on the record: HEFT places at risk and LTFT applications, each with
    its own form (a bound one when it came back with errors)."""
    if membership is None:
        return {"risks": [], "ltft_rows": [], "heft_place_forms": {}, "ltft_decision_forms": {}}
    risks = heft_place_risks(membership)
    rows = ltft_rows(membership)
    bound_risk, bound_ltft = forms.get("heft_place_forms", {}), forms.get("ltft_decision_forms", {})
    return {
        "risks": risks,
        "ltft_rows": rows,
        "heft_place_forms": {
            r.interruption.pk: bound_risk.get(r.interruption.pk)
            or HeftPlaceForm.for_interruption(r.interruption.pk)
            for r in risks
        },
        "ltft_decision_forms": {
            row.change.pk: bound_ltft.get(row.change.pk) or LtftDecisionForm.for_change(row.change.pk)
            for row in rows
            if row.change.status == row.change.Status.APPLIED
        },
    }


def _all_forms(forms: dict) -> list:
    singles = [f for key, f in forms.items() if not key.endswith("_forms")]
    keyed = [f for key, group in forms.items() if key.endswith("_forms") for f in group.values()]
    return singles + keyed


def _allowance() -> dict:
    days = settings.HEFT_TIME_OUT_ALLOWANCE_DAYS
    return {"days": days, "limit": days + settings.HEFT_PLACE_AT_RISK_DAYS_BEYOND_ALLOWANCE}


def _heft_form(membership) -> HeftModeForm:
    return HeftModeForm(initial={"heft_mode": membership.heft_mode} if membership else None)


def _returning_form(membership) -> ReturningIntakeForm:
    return ReturningIntakeForm(initial={"intake": membership.returning_to_intake} if membership else None)


def _sign_in_state(trainee: Trainee) -> dict:
    """Whether the trainee has set a password, and their latest invitation to do so."""
    user = trainee.user
    return {
        "user": user,
        "signs_in": bool(user and user.has_usable_password()),
        "invitation": latest_invitation(user, Role.TRAINEE),
        "now": timezone.now(),
    }
