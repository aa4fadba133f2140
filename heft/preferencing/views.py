"""Trainee pages: rank rotations, see and answer offers. Staff pages are in views_staff.py."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from heft.accounts.access import requires
from heft.accounts.permissions import Perm
from heft.preferencing import offers, selectors, services
from heft.preferencing.offer_forms import OfferReplyForm
from heft.preferencing.ranking import add_before, apply_move, typed_position_action
from heft.trainees.selectors import own_record_or_404


def _trainee(request):
    return own_record_or_404(request.user)


@requires(Perm.RANK_ROTATIONS)
@require_http_methods(["GET", "HEAD"])
@never_cache
def my_rotations(request):
    trainee = _trainee(request)
    context = {
        "windows": selectors.windows_for_trainee(trainee),
        "offers": selectors.offers_for_trainee(trainee),
        "memberships": selectors.memberships_of(trainee),
    }
    return render(request, "preferencing/my_rotations.jinja", context)


@requires(Perm.RANK_ROTATIONS)
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def rank(request, pk: int):
    trainee = _trainee(request)
    window = selectors.window_for_trainee(trainee, pk)
    heft_only = request.GET.get("heft") == "1"
    rotations = list(selectors.rotations_to_rank(window))
    codes = selectors.ranked_codes(window, trainee)
    plist = selectors.preference_list(window, trainee)
    status, announcement, focus, error, action = 200, "", "", "", ""
    if request.method == "POST":
        codes, announcement, focus, error, plist, action = _save_move(
            request, window, trainee, rotations, codes, plist
        )
        status = 409 if error else 200
    shown = [r for r in rotations if r.heft or not heft_only]
    after_add = _focus_after_add(action, error, shown, codes)
    context = {
        "window": window,
        "rotations": shown,
        "by_code": {r.code: r for r in rotations},
        "ranked": codes,
        "list": plist,
        "heft_only": heft_only,
        "announcement": announcement,
        "focus": "" if after_add["added"] else focus,  # an added rotation's controls do not take it
        "error": error,
        "submitted": action == "submit" and not error,
        **after_add,
    }
    partial = bool(request.headers.get("HX-Request"))
    template = "preferencing/_ranking.jinja" if partial else "preferencing/rank.jinja"
    return render(request, template, {**context, "partial": partial}, status=status)


def _save_move(request, window, trainee, rotations, saved_codes, plist):
    """Apply the button pressed to the order on the page and save it. Returns what the page shows next."""
    action = request.POST.get("action", "")
    posted = request.POST.getlist("ranked")
    allowed = {r.code for r in rotations if r.availability != "withdrawn"}
    if action == "enter":  # Enter pressed in a number box: set that number
        positions = {code: request.POST.get(f"position-{code}", "") for code in posted}
        action = typed_position_action(posted, positions)
    submit = action == "submit"
    move = None
    if not submit and action != "save":
        code = action.partition(":")[2]
        move = apply_move(posted, action, allowed=allowed, position=request.POST.get(f"position-{code}", ""))
    codes = move.codes if move else [c for c in posted if c in allowed]
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        plist = services.preferences_save(
            window_id=window.pk, trainee=trainee, rotation_codes=codes, submit=submit, by=request.user,
            expected_version=version,
        )  # fmt: skip
    except services.PreferencingError as error:
        return saved_codes, str(error), "", str(error), plist, action
    if submit:
        announcement = f"Your list of {len(codes)} rotations was submitted. We have emailed you a receipt."
    else:
        announcement = (move.message if move else "Your draft was saved.") + " Not submitted yet."
    return codes, announcement, move.focus if move else "", "", plist, action


def _focus_after_add(action: str, error: str, shown: list, ranked: list[str]) -> dict:
    """After an Add, focus goes just before where the added rotation's Add button was, so that the next Add
    is one Tab away: onto the Add button before it, or onto the list's heading when it was the first."""
    verb, _, code = action.partition(":")
    if verb != "add" or error or code not in ranked:
        return {"added": False, "focus_add": ""}
    addable = {r.code for r in shown if r.code not in ranked and r.availability != "withdrawn"}
    return {"added": True, "focus_add": add_before([r.code for r in shown], addable, code)}


@requires(Perm.RANK_ROTATIONS)
@require_http_methods(["GET", "HEAD"])
@never_cache
def offer_detail(request, pk: int):
    offer = selectors.offer_for_trainee(_trainee(request), pk)
    return _offer_page(request, offer, _reply_form(offer))


@requires(Perm.RANK_ROTATIONS)
@require_POST
def offer_respond(request, pk: int):
    trainee = _trainee(request)
    offer = selectors.offer_for_trainee(trainee, pk)
    form = _reply_form(offer, request.POST)
    if not form.is_valid():
        return _offer_page(request, offer, form, status=400)
    try:
        offer = offers.offer_reply(offer=offer, reply=form.cleaned_data["decision"], by=request.user)
    except offers.OfferError as error:
        form.add_error(None, str(error))
        return _offer_page(request, selectors.offer_for_trainee(trainee, pk), form, status=409)
    messages.success(request, _replied(offer))
    return redirect("preferencing:offer_detail", pk=offer.pk)


@requires(Perm.RANK_ROTATIONS)
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def offer_give_up(request, pk: int):
    """A confirmation page: giving a rotation up cannot be undone, so it is never one press away."""
    offer = selectors.offer_for_trainee(_trainee(request), pk)
    if request.method == "POST":
        try:
            offer = offers.offer_give_up(offer=offer, by=request.user)
        except offers.OfferError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"You have given up {offer.rotation.name}.")
        return redirect("preferencing:offer_detail", pk=offer.pk)
    if not offers.can_give_up(offer):
        return redirect("preferencing:offer_detail", pk=offer.pk)
    context = {"offer": offer, "starts": offers.rotation_start(offer)}
    return render(request, "preferencing/offer_give_up.jinja", context)


def _reply_form(offer, data=None) -> OfferReplyForm:
    return OfferReplyForm(data, upgrades_possible=offers.upgrades_possible(offer))


def _offer_page(request, offer, form, status: int = 200):
    context = {
        "offer": offer,
        "form": form,
        "starts": offers.rotation_start(offer),
        "can_give_up": offers.can_give_up(offer),
        "upgrades_possible": offers.upgrades_possible(offer),
    }
    return render(request, "preferencing/offer.jinja", context, status=status)


def _replied(offer) -> str:
    if offer.status == offer.Status.DECLINED:
        return f"You have declined {offer.rotation.name}."
    if offer.upgrades:
        return f"You have accepted {offer.rotation.name} with upgrades."
    return f"You have accepted {offer.rotation.name}."
