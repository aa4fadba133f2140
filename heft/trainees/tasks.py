"""Emails about a trainee's own record, sent by the task worker once the change has committed: the HEFT
place decision after time out, the decision on an LTFT application, and completion of training."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from heft.core.links import site_url_for
from heft.core.tasks import retried_task
from heft.trainees.models import Interruption, LtftChange, ProgrammeMembership


def _send(subject: str, template: str, context: dict, trainee) -> None:
    context = {**context, "trainee": trainee, "link": site_url_for("trainees:me")}
    body = render_to_string(f"trainees/email/{template}", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [trainee.email])


@retried_task()
def send_heft_place_decision(interruption_id: int, reason: str) -> None:
    """Kept or released, the trainee hears why (the reason is not stored on the record: it is passed)."""
    interruption = Interruption.objects.select_related("membership__trainee").get(pk=interruption_id)
    released = interruption.heft_place_decision == Interruption.HeftPlace.RELEASED
    _send(
        "Your HEFT place was released" if released else "Your HEFT place is kept",
        "heft_place_released.txt" if released else "heft_place_kept.txt",
        {"interruption": interruption, "reason": reason},
        interruption.membership.trainee,
    )


@retried_task()
def send_ltft_decision(change_id: int) -> None:
    change = LtftChange.objects.select_related("membership__trainee").get(pk=change_id)
    approved = change.status == LtftChange.Status.APPROVED
    _send(
        "Your less than full time application was " + ("approved" if approved else "declined"),
        "ltft_decision.txt",
        {"change": change, "approved": approved, "percent": f"{change.wte:.0%}"},
        change.membership.trainee,
    )


@retried_task()
def send_training_completed(membership_id: int) -> None:
    membership = ProgrammeMembership.objects.select_related("trainee", "scheme").get(pk=membership_id)
    _send("Your GP training is complete", "completed.txt", {"membership": membership}, membership.trainee)
