"""Emails about preferences and offers, sent by the task worker after the change has committed."""

from django.conf import settings
from django.core.mail import send_mail, send_mass_mail
from django.template.loader import render_to_string
from django.utils import timezone

from heft.core.links import site_url_for
from heft.core.tasks import retried_task
from heft.preferencing.models import Offer, PreferenceList, PreferenceWindow


def _render(template: str, context: dict) -> str:
    return render_to_string(f"preferencing/email/{template}", context)


@retried_task()
def send_preference_receipt(list_id: int) -> None:
    """A receipt listing the submitted order with its time, so a trainee can prove what they sent."""
    plist = PreferenceList.objects.select_related("trainee", "window__scheme").get(pk=list_id)
    ranked = (
        plist.window.preferences.filter(trainee=plist.trainee).select_related("rotation").order_by("rank")
    )
    body = _render(
        "receipt.txt",
        {
            "list": plist,
            "ranked": ranked,
            "submitted": timezone.localtime(plist.submitted_at),
            "link": site_url_for("preferencing:rank", plist.window_id),
        },
    )
    send_mail(
        "Your HEFT rotation preferences were received",
        body,
        settings.DEFAULT_FROM_EMAIL,
        [plist.trainee.email],
    )


@retried_task()
def send_offer_emails(run_id: int, made: list[int], withdrawn: list[int]) -> None:
    """Tell each trainee whose offer changed: a new offer, or an offer withdrawn and why."""
    offers = Offer.objects.filter(pk__in=[*made, *withdrawn]).select_related("trainee", "rotation", "window")
    messages = []
    for offer in offers:
        template = "offer.txt" if offer.pk in made else "offer_withdrawn.txt"
        link = (
            site_url_for("preferencing:offer_detail", offer.pk)
            if offer.pk in made
            else site_url_for("preferencing:my_rotations")
        )
        context = {"offer": offer, "respond_by": timezone.localtime(offer.respond_by), "link": link}
        body = _render(template, context)
        subject = "Your HEFT rotation offer" if offer.pk in made else "A change to your HEFT rotation offer"
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [offer.trainee.email]))
    send_mass_mail(messages)


@retried_task()
def send_window_reminders(window_id: int) -> int:
    """Remind every trainee who has not submitted a list. Returns how many were reminded."""
    from heft.preferencing.selectors import trainees_not_submitted

    window = PreferenceWindow.objects.select_related("scheme").get(pk=window_id)
    closes = timezone.localtime(window.closes_at)
    messages = [
        (
            "Reminder: rank your HEFT rotations",
            _render(
                "reminder.txt",
                {
                    "window": window,
                    "trainee": trainee,
                    "closes": closes,
                    "link": site_url_for("preferencing:rank", window.pk),
                },
            ),
            settings.DEFAULT_FROM_EMAIL,
            [trainee.email],
        )
        for trainee in trainees_not_submitted(window)
    ]
    send_mass_mail(messages)
    return len(messages)


# --- the offer's life after publication (heft/preferencing/offers.py) ---------------------------------------


def _offer_page(offer: Offer) -> str:
    return site_url_for("preferencing:offer_detail", offer.pk)


def _my_rotations(offer: Offer) -> str:
    return site_url_for("preferencing:my_rotations")


# notice -> (subject, template, the page where the trainee acts)
OFFER_NOTICES = {
    "reminder": ("Reminder: reply to your HEFT rotation offer", "offer_reminder.txt", _offer_page),
    "lapsed": ("Your HEFT rotation offer has lapsed", "offer_lapsed.txt", _offer_page),
    "upgraded": (
        "You have been moved up to a higher HEFT rotation choice",
        "offer_upgraded.txt",
        _offer_page,
    ),
    "given_up": ("You gave up your HEFT rotation", "offer_given_up.txt", _my_rotations),
}


@retried_task()
def send_offer_notices(offer_ids: list[int], notice: str) -> int:
    """One email per offer about what happened to it (see OFFER_NOTICES). Returns how many went."""
    subject, template, page = OFFER_NOTICES[notice]
    offers = Offer.objects.filter(pk__in=offer_ids).select_related("trainee", "rotation", "window__scheme")
    messages = []
    for offer in offers:
        context = {"offer": offer, "respond_by": timezone.localtime(offer.respond_by), "link": page(offer)}
        body = _render(template, context)
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [offer.trainee.email]))
    send_mass_mail(messages)
    return len(messages)


@retried_task()
def remind_offers_due() -> int:
    """Reminders for offers whose deadline is a working day away; safe to run often. Queued to run at the
    reminder moment when a run is published (`manage.py lapse_offers` runs the same sweep from cron)."""
    from heft.preferencing.offers import offers_remind_due  # offers.py queues this module's emails

    return offers_remind_due()


@retried_task()
def lapse_offers_due() -> int:
    """Lapse the offers not answered by their deadline; safe to run often. Queued to run at the deadline
    when a run is published (`manage.py lapse_offers` runs the same sweep from cron)."""
    from heft.preferencing.offers import offers_lapse_due  # offers.py queues this module's emails

    return offers_lapse_due()


@retried_task()
def make_requested_run(request_id: int) -> str:
    """Make the draft run a programme team asked for from the window's page (services.run_request)."""
    from heft.preferencing.services import run_request_make  # services queues this module's tasks

    return run_request_make(request_id=request_id).status
