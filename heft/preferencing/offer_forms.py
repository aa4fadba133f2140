"""The trainee's reply to an offer (heft/preferencing/offers.py does the work)."""

from django import forms

from heft.preferencing.offers import Reply

CHOICE_LABELS = {
    Reply.ACCEPT: "Accept this rotation",
    Reply.ACCEPT_WITH_UPGRADES: "Accept with upgrades: keep a claim on the rotations you ranked higher",
    Reply.DECLINE: "Decline it",
}


class OfferReplyForm(forms.Form):
    """Accept, accept with upgrades (offered only when the trainee ranked something higher), or decline."""

    decision = forms.ChoiceField(label="Your reply", widget=forms.RadioSelect)

    def __init__(self, *args, upgrades_possible: bool, **kwargs):
        # Ids as the page writes them (decision, decision-accept_upgrades, ...), so the error summary links.
        super().__init__(*args, auto_id="%s", **kwargs)
        replies = [r for r in Reply if upgrades_possible or r is not Reply.ACCEPT_WITH_UPGRADES]
        self.fields["decision"].choices = [(r.value, CHOICE_LABELS[r]) for r in replies]
        either = (
            "accept it, accept it with upgrades, or decline it"
            if upgrades_possible
            else "accept or decline it"
        )
        self.fields["decision"].error_messages = {
            "required": f"Choose whether to {either}.",
            "invalid_choice": f"Choose whether to {either}.",
        }
